package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jipsec.io.netns.Commands;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jipsec demo}: its built-in configuration is valid setkey input, and (as root) the whole demo runs. */
class DemoCommandTest {

    @TempDir
    Path dir;

    private record Run(int rc, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = JipsecCommand.commandLine()
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(rc, out.toString(), err.toString());
    }

    @Test
    void builtInConfigurationLoadsIntoAKeyEngineWithBothSasAndFourPolicies() throws Exception {
        Run cfg = run("demo", "--print-config");
        assertEquals(0, cfg.rc(), cfg.err());
        Path conf = dir.resolve("demo.conf");
        Files.writeString(conf, cfg.out());
        // the same file, then the SAD and SPD as setkey prints them
        Files.writeString(dir.resolve("dump.conf"), cfg.out() + "\ndump esp ;\nspddump ;\n");
        Run loaded = run("setkey", "--embedded", "-f", dir.resolve("dump.conf").toString());
        assertEquals(0, loaded.rc(), loaded.err());
        assertTrue(
                loaded.out().contains("192.0.2.1 192.0.2.2") && loaded.out().contains("spi=4097(0x00001001)"),
                loaded.out());
        assertTrue(loaded.out().contains("spi=4098(0x00001002)"), loaded.out());
        assertEquals(4, loaded.out().lines().filter(l -> l.contains("ipsec")).count(), loaded.out());
    }

    @Test
    @RequiresRoot
    void demoRunsAsRootAndLeavesNothingBehind() throws Exception {
        assumeTrue(NetnsLab.available(), "needs root and iproute2");
        assumeTrue(
                Commands.run(List.of("ping", "-V"), java.time.Duration.ofSeconds(5))
                        .ok(),
                "needs ping");
        Run demo = run("demo");
        assertEquals(0, demo.rc(), demo.out() + demo.err());
        assertTrue(demo.out().contains("3 received"), demo.out());
        assertTrue(
                demo.out().contains("1048576 bytes received") && demo.out().contains("matches what was sent"),
                demo.out());
        assertTrue(demo.out().contains("nowhere in clear") || !org.jipsec.cli.lab.WireCapture.available(), demo.out());
        assertTrue(demo.out().contains("esp mode=tunnel"), demo.out());
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("= namespace (\\S+):").matcher(demo.out());
        List<String> made = new java.util.ArrayList<>();
        while (m.find()) {
            made.add(m.group(1));
        }
        assertEquals(2, made.size(), demo.out());
        String after = Commands.check(List.of("ip", "netns", "list"), java.time.Duration.ofSeconds(5));
        assertTrue(
                after.lines().noneMatch(l -> made.stream().anyMatch(l::startsWith)),
                "the demo left namespaces behind: " + after);
    }
}
