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

    /**
     * A smoke run of the whole command (not a measurement: no figure is checked): one second per run over the veth
     * and through strongSwan; the table has every row with figures in both columns, the report is recorded, and no
     * namespace is left behind. The jipsec cases need the built jar and are left to {@code jipsec bench}.
     */
    @Test
    @RequiresRoot
    void shortRunOverVethAndStrongSwanPrintsEveryRow() throws Exception {
        assumeTrue(NetnsLab.available(), "needs root and iproute2");
        boolean ci = "true".equals(System.getenv("CI"));
        boolean tools = tool("iperf3", "--version")
                && Files.isExecutable(Path.of("/usr/sbin/charon-systemd"))
                && Files.isExecutable(Path.of("/usr/sbin/swanctl"))
                && tool("ping", "-V");
        assumeTrue(tools || ci, "iperf3/strongSwan/ping missing (scripts/install-peers installs them)");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path results = dir.resolve("results");
        int rc = JipsecCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(
                        "bench",
                        "--time",
                        "1",
                        "--omit",
                        "0",
                        "--pps-time",
                        "1",
                        "--pings",
                        "5",
                        "--only",
                        "veth,strongswan",
                        "--results",
                        results.toString(),
                        "--out",
                        dir.resolve("raw").toString());
        assertEquals(0, rc, out + "\n" + err);
        String table = out.toString();
        for (String row : List.of(
                "TCP, 1 stream",
                "TCP, 4 streams (-P 4)",
                "UDP 64 B, sent",
                "UDP 64 B, received",
                "UDP 64 B, lost",
                "IMIX 7:4:1, sent",
                "IMIX 7:4:1, received",
                "IMIX 7:4:1, lost",
                "ping RTT, min",
                "ping RTT, avg",
                "ping RTT, p99",
                "ping RTT, avg added to veth",
                "CPU gateway A, TCP 1",
                "CPU A+B per Gbit, TCP 4")) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                            "(?m)^\\| " + java.util.regex.Pattern.quote(row) + " +\\|[^|]+\\|([^|]+)\\|([^|]+)\\|")
                    .matcher(table);
            assertTrue(m.find(), row + " missing:\n" + table);
            if (!row.startsWith("CPU") && !row.endsWith("added to veth"))
                assertTrue(m.group(1).strip().matches("[0-9.,]+"), row + ": no veth figure\n" + table);
            assertTrue(m.group(2).strip().matches("[0-9.,]+"), row + ": no strongSwan figure\n" + table);
        }
        assertTrue(table.contains("commit "), table);
        try (var files = Files.list(results)) {
            assertEquals(1, files.count(), "one report recorded");
        }
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("namespaces (\\S+) and (\\S+),").matcher(err.toString());
        assertTrue(m.find(), err.toString());
        String after = Commands.check(List.of("ip", "netns", "list"), Duration.ofSeconds(5));
        assertTrue(
                after.lines().noneMatch(l -> l.startsWith(m.group(1)) || l.startsWith(m.group(2))),
                "the bench left namespaces behind: " + after);
    }
}
