package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.VethPair;
import org.jipsec.testkit.RequiresRoot;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NAT-T keepalives on the wire (RFC 3948 §2.3, §4): for an SA with UDP encapsulation the gateway sends, every
 * keepalive interval, a UDP datagram holding the single octet 0xFF from its NAT-T port to the peer's (here 4500); an
 * SA without UDP encapsulation gets none. NetBSD's kernel sends no keepalives (racoon does, {@code natt_keepalive},
 * 20 s by default) and has no sysctl for them; jipsec's interval is the gateway option {@code --nat-keepalive}.
 * Captured with dumpcap in the peer's namespace, read with tshark. Root and tshark only.
 */
@RequiresRoot
@RequiresTool("tshark")
class NatKeepaliveEndToEndTest {

    static final String K = GatewayEndToEndTest.K_AB;

    @TempDir
    Path dir;

    @BeforeAll
    static void needRoot() {
        Assumptions.assumeTrue(NetnsLab.available(), "needs root and iproute2 (network namespaces)");
    }

    @Test
    void keepalivesGoToThePeersNatTPortAtTheIntervalAndOnlyForUdpEncapsulatedSas() throws Exception {
        GatewayEndToEndTest.needTshark();
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), "10.86.0.1/24");
            g.lab.address(b, v.b(), "10.86.0.2/24");
            g.lab.address(b, v.b(), "10.86.0.3/24");
            g.keepaliveSeconds = 2;
            g.gateway(
                    a,
                    "add 10.86.0.1[4500] 10.86.0.2[4500] esp-udp 0x4001 -m tunnel -E aes-gcm-16 " + K + " ;\n"
                            + "add 10.86.0.2[4500] 10.86.0.1[4500] esp-udp 0x4002 -m tunnel -E aes-gcm-16 " + K + " ;\n"
                            + "add 10.86.0.1 10.86.0.3 esp 0x4003 -E aes-gcm-16 " + K + " ;\n");
            Path pcap = g.capture(b, v.b());
            Thread.sleep(7_500);
            g.stopCaptures();
            String udp = GatewayLab.tshark(
                    pcap,
                    "-Y",
                    "udp && !icmp",
                    "-T",
                    "fields",
                    "-E",
                    "separator=,",
                    "-e",
                    "frame.time_epoch",
                    "-e",
                    "ip.src",
                    "-e",
                    "ip.dst",
                    "-e",
                    "udp.srcport",
                    "-e",
                    "udp.dstport",
                    "-e",
                    "udp.length",
                    "-e",
                    "udp.payload");
            List<Double> times = new ArrayList<>();
            for (String line : udp.strip().split("\n")) {
                if (line.isBlank()) continue;
                String[] f = line.split(",");
                assertEquals(
                        "10.86.0.1,10.86.0.2,4500,4500,9,ff",
                        String.join(",", List.of(f).subList(1, 7)),
                        "only keepalives (the one octet 0xFF) from A's NAT-T port to B's:\n" + udp);
                times.add(Double.parseDouble(f[0]));
            }
            assertEquals(
                    times.size(),
                    GatewayLab.tshark(
                                    pcap, "-Y", "udpencap.nat_keepalive && !icmp", "-T", "fields", "-e", "frame.number")
                            .strip()
                            .split("\n")
                            .length,
                    "tshark's UDPENCAP dissector names them NAT-keepalives");
            // 7.5 s at a 2-s interval: 3 or 4 keepalives, spaced by the interval (not every 1-s timer tick). Bounds
            // are loose on purpose (a loaded CI machine may delay a timer tick): the point is "periodic, at the
            // interval, not per tick", not the timer's precision.
            assertTrue(times.size() >= 2 && times.size() <= 4, times.toString());
            for (int i = 1; i < times.size(); i++) {
                double gap = times.get(i) - times.get(i - 1);
                assertTrue(gap > 1.0 && gap < 5.0, "gap " + gap + " s in " + times);
            }
            String toPlainPeer =
                    GatewayLab.tshark(pcap, "-Y", "ip.dst == 10.86.0.3", "-T", "fields", "-e", "frame.number");
            assertEquals("", toPlainPeer.strip(), "nothing for the SA without UDP encapsulation");
        }
    }
}
