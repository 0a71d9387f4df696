package org.jipsec.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table and the report around it, against golden strings. */
class BenchTableTest {
    private static final double N = Double.NaN;

    @TempDir
    Path dir;

    @Test
    void ratiosAreJipsecOverStrongSwanAndVethAndMissingCellsAreDashes() {
        String t = BenchTable.format(List.of(
                new BenchTable.Row("TCP", "Mbit/s", new double[] {17577, 885, 4378.4, 1500}, 0, true),
                new BenchTable.Row("lost", "%", new double[] {0, 68.46, 4.8, N}, 1, false),
                new BenchTable.Row("RTT", "ms", new double[] {N, 0, 0.5, 0.25}, 3, true)));
        assertEquals("""
                | metric | unit   |   veth | strongSwan | jipsec UDP | jipsec raw | UDP/sS | raw/sS | UDP/veth | raw/veth |
                | ------ | ------ | -----: | ---------: | ---------: | ---------: | -----: | -----: | -------: | -------: |
                | TCP    | Mbit/s | 17,577 |        885 |      4,378 |      1,500 |  4.95× |  1.69× |    0.25× |    0.09× |
                | lost   | %      |    0.0 |       68.5 |        4.8 |          - |      - |      - |        - |        - |
                | RTT    | ms     |      - |      0.000 |      0.500 |      0.250 |      - |      - |        - |        - |
                """, t);
    }

    @Test
    void aRowHasOneValuePerCase() {
        assertThrows(IllegalArgumentException.class, () -> new BenchTable.Row("x", "y", new double[] {1, 2}, 0, true));
        assertEquals(2.0, BenchTable.ratio(4, 2));
        assertTrue(Double.isNaN(BenchTable.ratio(4, 0)));
        assertTrue(Double.isNaN(BenchTable.ratio(N, 2)));
    }

    static Map<String, CaseResult> sample() {
        Map<String, Double> sw = Map.of("gw-a", 0.91, "gw-b", 0.68, "iperf3-client", 0.02);
        Map<String, Double> jp = Map.of("gw-a", 0.77, "gw-b", 0.68);
        return Map.of(
                "veth",
                new CaseResult(
                        17577,
                        16000,
                        Map.of("iperf3-client", 0.85),
                        Map.of(),
                        new PacketRate(500_000, 500_000, 1, 32_000_000),
                        new PacketRate(300_000, 300_000, 1, 106_300_000),
                        new PingStats(100, 100, 0.03, 0.04, 0.09)),
                "strongswan",
                new CaseResult(
                        885,
                        800,
                        sw,
                        sw,
                        new PacketRate(400_000, 50_000, 1, 25_600_000),
                        new PacketRate(250_000, 40_000, 1, 88_583_333),
                        new PingStats(100, 100, 0.5, 0.6, 1.2)),
                "jipsec",
                new CaseResult(
                        4378,
                        5000,
                        jp,
                        jp,
                        new PacketRate(400_000, 250_000, 1, 25_600_000),
                        new PacketRate(250_000, 200_000, 1, 88_583_333),
                        new PingStats(100, 100, 0.2, 0.3, 0.8)));
    }

    @Test
    void theReportHasEveryRowGolden() throws IOException {
        String got = BenchReport.render(
                Map.of(
                        "date", "2026-12-06 18:00 UTC",
                        "commit", "abc1234",
                        "nproc", "2",
                        "cpu", "AMD EPYC",
                        "kernel", "6.18",
                        "load", "1.0 1.1 1.2",
                        "method", "synthetic figures"),
                sample(),
                Map.of("java-version", 1.0, "setkey-D", 3.68),
                List.of("jipsec-raw: not measured"));
        String golden;
        try (InputStream in = BenchTableTest.class.getResourceAsStream("report.golden.md")) {
            golden = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(golden, got);
    }

    @Test
    void resultsAreReadFromTheScriptsFiles() throws IOException {
        Files.writeString(dir.resolve("meta.txt"), "date=2026-12-06\ncommit=abc\nnproc=2\n");
        Files.writeString(dir.resolve("veth.pps64.txt"), "sent 10\nseconds 1\nip-bytes 640\nreceived 10\n");
        Files.writeString(dir.resolve("veth.ping.txt"), "garbage\n");
        Files.writeString(dir.resolve("jipsec.tcp1.json"), "{\"end\":{\"sum_received\":{\"bits_per_second\":2e9}}}");
        BenchResults r = BenchResults.load(dir);
        assertEquals("abc", r.meta().get("commit"));
        assertEquals(List.of("veth", "jipsec"), List.copyOf(r.cases().keySet()));
        assertEquals(2000.0, r.cases().get("jipsec").tcp1());
        assertEquals(10, r.cases().get("veth").small().received());
        assertTrue(
                r.notes().contains("veth: ping.txt: ping: no reply in the output"),
                r.notes().toString());
        assertTrue(
                r.notes().contains("jipsec: no tcp4.json (not measured)"),
                r.notes().toString());
        assertTrue(r.render().contains("| TCP, 1 stream "), r.render());
    }
}
