package org.jipsec.core.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.junit.jupiter.api.Test;

/**
 * Issue #12 item 6: no key material in any message. Every path of the setkey parser that can meet a key in an error
 * — a key of the wrong length, a key with a typo, a key without {@code 0x}, a key where a name was expected, a second
 * key, a quoted key, a key the daemon's SUPPORTED list refuses — is driven with a recognisable key, and the key's
 * characters (any 12 of them in a row) appear in neither output nor error. NetBSD's setkey prints the key token here
 * ({@code Invalid key length at [0x0011…]}).
 */
class KeyNeverPrintedTest {

    private static final String HEX = "5ec2e75ec2e75ec2e75ec2e75ec2e75e"; // 16 bytes, recognisable
    private static final String PREFIX = "add 192.0.2.1 192.0.2.2 ";

    /** Statement → why it must fail. */
    private static final List<String[]> CASES = List.of(
            new String[] {PREFIX + "esp 0x1000 -E aes-cbc 0x" + HEX + "0011 ;", "wrong length (hex)"},
            new String[] {PREFIX + "esp 0x1000 -E aes-cbc 0x" + HEX.substring(0, 30) + " ;", "wrong length (15 bytes)"},
            new String[] {PREFIX + "ah 0x1000 -A hmac-sha256 0x" + HEX + "01 ;", "wrong auth length"},
            new String[] {PREFIX + "esp 0x1000 -E aes-cbc 0x" + HEX + "zz ;", "typo: not hex"},
            new String[] {PREFIX + "esp 0x1000 -E aes-cbc " + HEX + " ;", "no 0x"},
            new String[] {PREFIX + "esp 0x1000 -E aes-cbc 5" + "1234567890".repeat(3) + " ;", "digits only"},
            new String[] {PREFIX + "esp 0x1000 -E 0x" + HEX + " ;", "algorithm name missing"},
            new String[] {PREFIX + "esp 0x1000 -E aes-cbc 0x" + HEX + " 0x" + HEX + " ;", "two keys"},
            new String[] {PREFIX + "esp 0x1000 -E aes-cbc \"" + HEX.substring(0, 15) + "\" ;", "quoted, wrong length"},
            new String[] {PREFIX + "esp 0x1000 -E aes-cbc 0x" + HEX + " -A \"" + HEX + "\" ;", "quoted key for a name"},
            new String[] {PREFIX + "tcp 0x1000 -A tcp-md5 \"" + HEX.repeat(3) + "\" ;", "tcp-md5 over 80 bytes"},
            new String[] {
                PREFIX + "esp 0x1000 -E aes-cbc 0x" + HEX + " -A hmac-sha1 " + HEX + "00000000 ;", "auth key without 0x"
            },
            new String[] {"add " + HEX + " 192.0.2.2 esp 0x1000 -E aes-cbc 0x" + HEX + " ;", "key for an address"});

    @Test
    void noParserErrorShowsTheKey() {
        List<String> leaks = new ArrayList<>();
        for (String[] c : CASES) {
            // jipsec's strict mode (-s), NetBSD's -f (errors on standard output) and -c (one statement at a time)
            SetkeyHarness.Result strict = new SetkeyHarness().script(c[0], "-s");
            assertEquals(1, strict.status(), c[1] + ": " + strict.err());
            assertTrue(strict.err().startsWith("line 1: "), c[1] + ": " + strict.err());
            SetkeyHarness.Result file = new SetkeyHarness().script(c[0]);
            assertTrue((file.out() + file.err()).contains("line 1: "), c[1] + ": " + file.out() + file.err());
            SetkeyHarness stdin = new SetkeyHarness();
            stdin.stdin = c[0] + "\n";
            SetkeyHarness.Result piped = stdin.run("-c");
            for (SetkeyHarness.Result r : List.of(strict, file, piped)) {
                if (leaks(r.out() + r.err())) leaks.add(c[1] + " -> " + r.out() + r.err());
            }
        }
        assertEquals(List.of(), leaks);
    }

    @Test
    void aKeyTheDaemonDoesNotSupportIsNamedByItsAlgorithm() throws Exception {
        PfkeyMessage reply = PfkeyMessage.of(
                Sadb.SADB_REGISTER,
                0,
                0,
                1,
                List.of(new Extension.Supported(
                        Sadb.SADB_EXT_SUPPORTED_ENCRYPT, List.of(new Extension.Alg(12, 16, 128, 128)))));
        KeyLengthCheck check = KeyLengthCheck.fromRegisterReply(reply);
        for (String s : List.of(
                PREFIX + "esp 0x1000 -E 3des-cbc 0x" + HEX + HEX.substring(0, 16) + " ;",
                PREFIX + "esp 0x1000 -E aes-cbc 0x" + HEX + HEX + " ;")) {
            SetkeyException e = org.junit.jupiter.api.Assertions.assertThrows(
                    SetkeyException.class, () -> SetkeyParser.parse(s, HostResolver.NUMERIC, check));
            assertFalse(leaks(e.getMessage()), e.getMessage());
        }
    }

    @Test
    void theLengthAndTheAlgorithmAreReported() {
        SetkeyHarness.Result r = new SetkeyHarness().script(CASES.get(0)[0], "-s");
        assertEquals(
                "line 1: Invalid key length for aes-cbc: 144 bits (allowed: 128/192/256)\nparse failed, line 1.\n",
                r.err());
        SetkeyHarness.Result q = new SetkeyHarness().script(CASES.get(3)[0], "-s");
        assertEquals(
                "line 1: syntax error at [(36 characters, not shown: may be a key)]\nparse failed, line 1.\n", q.err());
    }

    @Test
    void namesAddressesAndNumbersAreStillShown() {
        SetkeyHarness.Result r = new SetkeyHarness().script(PREFIX + "esp 0x1000 -E aes-foo 0x" + HEX + " ;", "-s");
        assertEquals("line 1: syntax error at [aes-foo]\nparse failed, line 1.\n", r.err());
        SetkeyHarness.Result s = new SetkeyHarness().script(PREFIX + "esp 0x123456789 -E null ;", "-s");
        assertEquals("line 1: SPI too big. at [0x123456789]\nparse failed, line 1.\n", s.err());
    }

    /** Any 12 consecutive characters of the key (case-insensitive) in the text. */
    static boolean leaks(String text) {
        String t = text.toLowerCase(java.util.Locale.ROOT);
        String k = HEX + HEX;
        for (int i = 0; i + 12 <= HEX.length(); i++) if (t.contains(k.substring(i, i + 12))) return true;
        return t.contains("123456789012");
    }
}
