package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.Commands;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's orchestration (not its figures): the command finds scripts/bench-tunnel, and a 1-second run over the
 * bare veth and through strongSwan (as root, with the tools present) produces its result lines and leaves no
 * namespace behind.
 */
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void findsTheScriptOfTheSourceTree() throws Exception {
        assertTrue(
                Files.isRegularFile(BenchCommand.sourceRoot().resolve("scripts/bench-tunnel")),
                BenchCommand.sourceRoot().toString());
    }

    @Test
    void aMissingScriptIsAClearError() {
        StringWriter err = new StringWriter();
        int rc = JipsecCommand.commandLine()
                .setErr(new PrintWriter(err, true))
                .execute("bench", "--script", dir.resolve("nope").toString());
        assertEquals(1, rc);
        assertTrue(err.toString().contains("no bench script"), err.toString());
    }

    private static boolean tool(String... argv) {
        try {
            return Commands.run(List.of(argv), Duration.ofSeconds(10)).ok();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    @RequiresRoot
    void oneSecondRunOverVethAndStrongSwan() throws Exception {
        assumeTrue(NetnsLab.available(), "needs root and iproute2");
        boolean ci = "true".equals(System.getenv("CI"));
        boolean tools = tool("iperf3", "--version")
                && Files.isExecutable(Path.of("/usr/sbin/charon-systemd"))
                && Files.isExecutable(Path.of("/usr/sbin/swanctl"))
                && tool("ping", "-V");
        assumeTrue(tools || ci, "iperf3/strongSwan/ping missing (scripts/install-peers installs them)");
        Path script = BenchCommand.sourceRoot().resolve("scripts/bench-tunnel");
        CommandResult r = Commands.run(
                List.of("bash", script.toString(), "--time", "1", "--omit", "0", "--only", "veth,strongswan"),
                Duration.ofSeconds(120));
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().lines().anyMatch(l -> l.matches("RESULT veth [0-9]+ .*iperf3-client=.*")), r.stdout());
        assertTrue(
                r.stdout().lines().anyMatch(l -> l.matches("RESULT strongswan [0-9]+ charon-a=.* charon-b=.*")),
                r.stdout());
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("namespaces (\\S+) and (\\S+),").matcher(r.stderr());
        assertTrue(m.find(), r.stderr());
        String after = Commands.check(List.of("ip", "netns", "list"), Duration.ofSeconds(5));
        assertTrue(
                after.lines().noneMatch(l -> l.startsWith(m.group(1)) || l.startsWith(m.group(2))),
                "the bench left namespaces behind: " + after);
    }
}
