package org.jipsec.core.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * setkey's default mode is NetBSD's (setkey.c {@code parse} / {@code stdin_loop}, token.l {@code yyerror}): each
 * statement is sent as it is read, every message goes to standard output, {@code -f} fails only on a syntax error,
 * {@code -c} never; {@code -s} keeps jipsec's strict mode (whole input first, standard error, status 1).
 */
class NetbsdSetkeyModesTest {

    private static final String SA = "add 192.0.2.1 192.0.2.2 esp %d -E rijndael-cbc \"aaaaaaaaaaaaaaaa\";\n";

    @Test
    void fileModeAppliesWhatPrecedesASyntaxError() {
        SetkeyHarness h = new SetkeyHarness();
        SetkeyHarness.Result r = h.script(String.format(SA, 1000) + String.format(SA, 1001)
                + "add 192.0.2.1 192.0.2.2 esp 1003 bogus;\n" + String.format(SA, 1002));
        assertEquals(new SetkeyHarness.Result(1, "line 3: syntax error at [bogus]\nparse failed, line 3.\n", ""), r);
        assertEquals(2, h.engine.sad().size(), "yacc sends each statement as it is reduced");
    }

    @Test
    void fileModeRefusalsKeepStatusZeroAndNameTheLineOfTheSemicolon() {
        SetkeyHarness h = new SetkeyHarness();
        SetkeyHarness.Result r = h.script(String.format(SA, 1000) + "add 192.0.2.1 192.0.2.2 esp 1000\n"
                + "    -E rijndael-cbc \"aaaaaaaaaaaaaaaa\";\n" + String.format(SA, 1001));
        assertEquals(new SetkeyHarness.Result(0, "The result of line 3: File exists.\n", ""), r);
        assertEquals(2, h.engine.sad().size());
    }

    @Test
    void fileModeUnreadableCharacterIsFatalAfterWhatPrecedesIt() {
        SetkeyHarness h = new SetkeyHarness();
        SetkeyHarness.Result r = h.script(String.format(SA, 1000) + "add 192.0.2.1 192.0.2.2 esp 1001 ! ;\n");
        assertEquals(1, r.status());
        assertEquals("line 2: syntax error at [!]\n", r.out());
        assertEquals(1, h.engine.sad().size());
    }

    @Test
    void stdinModeSkipsABadStatementAndGoesOn() {
        SetkeyHarness h = new SetkeyHarness();
        h.stdin = String.format(SA, 1000) + "add 192.0.2.1 192.0.2.2 esp 1003 bogus; " + String.format(SA, 1001)
                + String.format(SA, 1000) + "# a comment; with a semicolon\nexit;\n" + String.format(SA, 1002);
        SetkeyHarness.Result r = h.run("-c");
        assertEquals(new SetkeyHarness.Result(0, "line 2: syntax error at [bogus]\nFile exists.\n", ""), r);
        assertEquals(2, h.engine.sad().size(), "1000 and 1001; nothing after exit");
    }

    @Test
    void stdinModeJoinsLinesUntilASemicolon() {
        SetkeyHarness h = new SetkeyHarness();
        h.stdin = "spdadd 10.0.0.1 10.0.0.2 any\n  -P out ipsec\n  esp/transport//require;\n";
        assertEquals(new SetkeyHarness.Result(0, "", ""), h.run("-c"));
        assertEquals(1, h.engine.policies().size());
    }

    @Test
    void strictModeIsOptIn() {
        SetkeyHarness h = new SetkeyHarness();
        SetkeyHarness.Result r = h.script(String.format(SA, 1000) + "add 192.0.2.1 192.0.2.2 esp 1003 bogus;\n", "-s");
        assertEquals(new SetkeyHarness.Result(1, "", "line 2: syntax error at [bogus]\nparse failed, line 2.\n"), r);
        assertEquals(0, h.engine.sad().size());
    }
}
