package org.jipsec.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The bench's readers of tool output, on real outputs of iperf3 3.12 and iputils ping kept as test resources. */
class ParsersTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = ParsersTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void iperf3ReceivedThroughputOfFourStreams() throws IOException {
        assertEquals(3200.025977735517, Iperf3.receivedMbps(resource("iperf3-P4.json")), 1e-9);
    }

    @Test
    void iperf3ErrorsAreReportedAsSuch() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Iperf3.receivedMbps("{\"start\": {}, \"error\": \"unable to connect to server\"}"));
        assertEquals("iperf3: unable to connect to server", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Iperf3.receivedMbps("{\"end\": {}}"));
        assertThrows(IllegalArgumentException.class, () -> Iperf3.receivedMbps("not json"));
    }

    @Test
    void pingStatsFromIputilsOutput() throws IOException {
        PingStats p = PingStats.parse(resource("ping-20.txt"));
        double[] t = {
            9.92, 22.9, 8.43, 2.67, 0.827, 5.82, 0.733, 4.67, 0.587, 0.976, 1.76, 0.489, 4.91, 0.675, 0.945, 40.2, 1.11,
            1.13, 9.18, 9.06
        };
        assertEquals(20, p.transmitted());
        assertEquals(20, p.received());
        assertEquals(0.489, p.minMs());
        assertEquals(Arrays.stream(t).sum() / 20, p.avgMs(), 1e-12);
        assertEquals(40.2, p.p99Ms()); // nearest rank: the 20th of 20
    }

    @Test
    void pingP99IsTheNearestRankAndLossIsCounted() {
        StringBuilder out = new StringBuilder("PING 10.2.0.1 (10.2.0.1) 56(84) bytes of data.\n");
        IntStream.rangeClosed(1, 100)
                .forEach(i -> out.append("64 bytes from 10.2.0.1: icmp_seq=")
                        .append(i)
                        .append(" ttl=64 time=")
                        .append(i)
                        .append(".0 ms\n"));
        out.append("\n--- 10.2.0.1 ping statistics ---\n103 packets transmitted, 100 received, 2.9% packet loss\n");
        PingStats p = PingStats.parse(out.toString());
        assertEquals(new PingStats(103, 100, 1.0, 50.5, 99.0), p);
        assertThrows(
                IllegalArgumentException.class,
                () -> PingStats.parse("5 packets transmitted, 0 received, 100% packet loss"));
    }

    @Test
    void packetRateFromSenderAndReceiverLines() {
        PacketRate r = PacketRate.parse("sent 18944\nseconds 1.002495\nip-bytes 1212416\nerrors 0\nreceived 18031\n");
        assertEquals(new PacketRate(18944, 18031, 1.002495, 1212416), r);
        assertEquals(18944 / 1.002495, r.sentPps(), 1e-9);
        assertEquals(913, r.lost());
        assertEquals(100.0 * 913 / 18944, r.lostPercent(), 1e-12);
        assertEquals(18031 / 1.002495 * 64 * 8 / 1e6, r.receivedMbps(), 1e-9);
        assertEquals(0, new PacketRate(10, 12, 1, 640).lost(), "more arrivals than sent (other traffic) is no loss");
        assertThrows(IllegalArgumentException.class, () -> PacketRate.parse("sent 1\nseconds 1\nip-bytes 64\n"));
        assertThrows(IllegalArgumentException.class, () -> PacketRate.parse("sent x\n"));
    }

    @Test
    void cpuSharesPerProcess() {
        Map<String, Double> m = CpuShares.parse("hz 100\nwall 2.5\ngw-a 200\ngw-b 50\niperf3-client 0\n");
        assertEquals(List.of("gw-a", "gw-b", "iperf3-client"), List.copyOf(m.keySet()));
        assertEquals(0.8, m.get("gw-a"), 1e-12);
        assertEquals(0.2, m.get("gw-b"), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> CpuShares.parse("gw-a 200\n"));
        assertThrows(IllegalArgumentException.class, () -> CpuShares.parse("hz 100\nwall 1\ngw-a lots\n"));
    }

    @Test
    void startupRatiosFromBenchStartup() {
        String out =
                "command              ms    ratio\njava-version         38     1.00\nsetkey-D            140     3.68\n"
                        + "setkey-c            144     3.79\nsysctl-a            146     3.84\n"
                        + "(9 interleaved runs each; median wall time; 2 CPUs; load 0.8 0.9 1.0; commit 5fbf27c)\n";
        assertEquals(
                Map.of("java-version", 1.0, "setkey-D", 3.68, "setkey-c", 3.79, "sysctl-a", 3.84),
                StartupRatios.parse(out));
    }

    @Test
    void imixIsSevenFourOne() {
        int[] s = PacketBlast.sizes("imix");
        assertEquals(7, Arrays.stream(s).filter(x -> x == 64).count());
        assertEquals(4, Arrays.stream(s).filter(x -> x == 576).count());
        assertEquals(1, Arrays.stream(s).filter(x -> x == 1500).count());
        assertEquals(12, s.length);
        assertArrayEquals(new int[] {64}, PacketBlast.sizes("64"));
        assertThrows(IllegalArgumentException.class, () -> PacketBlast.sizes("20"));
        assertThrows(IllegalArgumentException.class, () -> PacketBlast.sizes("jumbo"));
    }
}
