package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

    record Result(int status, String out, String err) {}

    static Result run(String... args) {
        CommandLine cl = JipsecCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void versionNamesTheProject() {
        Result r = run("--version");
        assertEquals(0, r.status());
        assertTrue(r.out().startsWith("jipsec "), r.out());
        assertTrue(r.out().contains("(commit "), "names the commit: " + r.out());
        assertTrue(r.out().contains("JDK " + Runtime.version()), "names the JDK: " + r.out());
    }

    @Test
    void anUnknownCommandIsAnErrorWithASuggestionEvenWithHelp() {
        for (String[] args :
                new String[][] {{"racoon", "--help"}, {"gatewy"}, {"gatewy", "-h"}, {"gateway", "extra", "--help"}}) {
            Result r = run(args);
            assertEquals(2, r.status(), String.join(" ", args) + ": " + r.out() + r.err());
            assertTrue(r.err().contains("Unmatched argument"), r.err());
        }
        assertTrue(
                run("gatewy").err().contains("Did you mean: jipsec gateway"),
                run("gatewy").err());
    }

    @Test
    void helpOfEverySubcommandWorks() {
        CommandLine cl = JipsecCommand.commandLine();
        for (String sub : cl.getSubcommands().keySet()) {
            Result r = run("help", sub);
            assertEquals(0, r.status(), sub);
            assertTrue(r.out().contains("Usage:"), sub + ": " + r.out());
        }
    }

    @Test
    void unknownOptionIsAUsageErrorNotAStackTrace() {
        Result r = run("--no-such-option");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("Unknown option"), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
    }
}
