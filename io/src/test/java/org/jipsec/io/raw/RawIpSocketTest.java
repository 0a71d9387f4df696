package org.jipsec.io.raw;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.jipsec.io.TestPackets;
import org.jipsec.io.TwoHosts;
import org.jipsec.io.ffm.Datagram;
import org.jipsec.io.ffm.LibC;
import org.jipsec.io.ffm.NativeDatagramSocket;
import org.jipsec.io.ffm.PacketBatch;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.NetnsThread;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.Test;

/** Raw ESP/AH sockets between two namespaces joined by a veth pair. */
@RequiresRoot
class RawIpSocketTest {
    private static final byte[] ESP = HexFormat.of().parseHex("00001000000000016a697073656320657370");

    private static RawIpSocket open(String ns, boolean v6, int proto, boolean hdrincl) throws Exception {
        return NetnsThread.call(ns, () -> RawIpSocket.open(v6, proto, new RawIpSocket.Options(hdrincl, 1 << 20)));
    }

    @Test
    void ipv4EspWithKernelHeaderArrivesWithHeaderAndSource() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            TwoHosts h = TwoHosts.create(lab);
            try (RawIpSocket tx = open(h.a(), false, LibC.IPPROTO_ESP, false);
                    RawIpSocket rx = open(h.b(), false, LibC.IPPROTO_ESP, false)) {
                tx.send(ESP, 0, ESP.length, h.b4());
                byte[] buf = new byte[2048];
                Datagram d = rx.receive(buf, 0, buf.length, 5000);
                assertNotNull(d, "ESP packet must arrive");
                assertEquals(h.a4(), d.source().getAddress());
                assertEquals(20 + ESP.length, d.length(), "IPv4 raw receive includes the IP header");
                assertEquals(50, buf[9]);
                assertArrayEquals(ESP, Arrays.copyOfRange(buf, 20, d.length()));
            }
        }
    }

    @Test
    void ipv4HeaderIncludedIsSentAsWritten() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            TwoHosts h = TwoHosts.create(lab);
            try (RawIpSocket tx = open(h.a(), false, LibC.IPPROTO_ESP, true);
                    RawIpSocket raw = open(h.a(), false, LibC.IPPROTO_RAW, false);
                    RawIpSocket rx = open(h.b(), false, LibC.IPPROTO_ESP, false)) {
                byte[] pkt = TestPackets.ipv4(h.a4(), h.b4(), 50, 0x1234, ESP);
                pkt[1] = 0x28; // DSCP AF11 as written by us
                TestPackets.put16(pkt, 10, 0);
                TestPackets.put16(pkt, 10, TestPackets.checksum(0, pkt, 0, 20));
                tx.send(pkt, 0, pkt.length, h.b4());
                raw.send(pkt, 0, pkt.length, h.b4()); // IPPROTO_RAW implies IP_HDRINCL
                byte[] buf = new byte[2048];
                for (int i = 0; i < 2; i++) {
                    Datagram d = rx.receive(buf, 0, buf.length, 5000);
                    assertNotNull(d);
                    assertEquals(h.a4(), d.source().getAddress());
                    assertEquals(pkt.length, d.length());
                    assertEquals(0x28, buf[1]);
                    assertEquals(0x1234, TestPackets.u16(buf, 4), "our IP id is kept");
                    assertArrayEquals(ESP, Arrays.copyOfRange(buf, 20, d.length()));
                }
            }
        }
    }

    @Test
    void ipv6EspArrivesWithoutHeaderWithSource() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            TwoHosts h = TwoHosts.create(lab);
            try (RawIpSocket tx = open(h.a(), true, LibC.IPPROTO_ESP, false);
                    RawIpSocket rx = open(h.b(), true, LibC.IPPROTO_ESP, false)) {
                tx.send(ESP, 0, ESP.length, h.b6());
                byte[] buf = new byte[2048];
                Datagram d = rx.receive(buf, 0, buf.length, 5000);
                assertNotNull(d, "ESP over IPv6 must arrive");
                assertEquals(h.a6(), d.source().getAddress());
                assertArrayEquals(ESP, Arrays.copyOf(buf, d.length()), "IPv6 raw receive has no IP header");
            }
        }
    }

    @Test
    void ipv6HeaderIncludedCarriesOurHopLimitAndFlowLabel() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            TwoHosts h = TwoHosts.create(lab);
            try (RawIpSocket tx = open(h.a(), true, LibC.IPPROTO_ESP, true);
                    RawIpSocket rx = open(h.b(), true, LibC.IPPROTO_ESP, false);
                    // packet(7) SOCK_DGRAM for ETH_P_IPV6 (0x86dd, network order): shows the IPv6 header as received
                    NativeDatagramSocket sniff = NetnsThread.call(
                            h.b(), () -> NativeDatagramSocket.open(17, LibC.SOCK_DGRAM, 0xdd86, "packet"))) {
                byte[] pkt = new byte[40 + ESP.length];
                pkt[0] = 0x60;
                pkt[1] = 0x0a; // flow label 0xabcde
                pkt[2] = (byte) 0xbc;
                pkt[3] = (byte) 0xde;
                TestPackets.put16(pkt, 4, ESP.length);
                pkt[6] = 50;
                pkt[7] = 17; // hop limit we chose
                System.arraycopy(h.a6().getAddress(), 0, pkt, 8, 16);
                System.arraycopy(h.b6().getAddress(), 0, pkt, 24, 16);
                System.arraycopy(ESP, 0, pkt, 40, ESP.length);
                tx.send(pkt, 0, pkt.length, h.b6());
                byte[] buf = new byte[2048];
                Datagram d = rx.receive(buf, 0, buf.length, 5000);
                assertNotNull(d, "IPV6_HDRINCL packet must arrive");
                assertEquals(h.a6(), d.source().getAddress());
                assertArrayEquals(ESP, Arrays.copyOf(buf, d.length()));
                byte[] seen = null;
                for (int i = 0; i < 20 && seen == null; i++) {
                    Datagram s = sniff.receive(buf, 0, buf.length, 2000);
                    if (s != null && s.length() == pkt.length && buf[6] == 50) {
                        seen = Arrays.copyOf(buf, s.length());
                    }
                }
                assertNotNull(seen, "packet socket sees the IPv6 packet");
                assertArrayEquals(pkt, seen, "the IPv6 header arrives exactly as written (flow label, hop limit 17)");
            }
        }
    }

    @Test
    void batchedSendAndReceiveOfAhOverIpv4AndEspOverIpv6() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            TwoHosts h = TwoHosts.create(lab);
            for (boolean v6 : new boolean[] {false, true}) {
                int proto = v6 ? LibC.IPPROTO_ESP : LibC.IPPROTO_AH;
                InetAddress dst = v6 ? h.b6() : h.b4();
                InetAddress src = v6 ? h.a6() : h.a4();
                try (RawIpSocket tx = open(h.a(), v6, proto, false);
                        RawIpSocket rx = open(h.b(), v6, proto, false);
                        PacketBatch out = new PacketBatch(64, 256, 0);
                        PacketBatch in = new PacketBatch(32, 2048, 0)) {
                    for (int i = 0; i < 64; i++) {
                        byte[] p = ESP.clone();
                        p[7] = (byte) i; // sequence number low byte
                        out.put(i, p, 0, p.length);
                        out.setAddress(i, dst.getAddress(), 0);
                    }
                    assertEquals(64, tx.sendBatch(out, 64));
                    Set<Integer> seen = new HashSet<>();
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    byte[] from = new byte[16];
                    while (seen.size() < 64 && System.nanoTime() < deadline) {
                        int n = rx.receiveBatch(in, 1000);
                        for (int i = 0; i < n; i++) {
                            int hdr = v6 ? 0 : 20;
                            assertEquals(hdr + ESP.length, in.length(i));
                            assertEquals(dst.getAddress().length, in.copyAddress(i, from));
                            assertArrayEquals(src.getAddress(), Arrays.copyOf(from, src.getAddress().length));
                            seen.add(in.buffer(i).get(JAVA_BYTE, hdr + 7) & 0xff);
                        }
                    }
                    assertEquals(64, seen.size(), "all 64 packets of the batch arrive (" + (v6 ? "v6" : "v4") + ")");
                    assertTrue(tx.socket().sendErrors() == 0);
                }
            }
        }
    }

    @Test
    void ipv6ReceiveInfoGivesDestinationTrafficClassAndHopLimit() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            TwoHosts h = TwoHosts.create(lab);
            try (RawIpSocket tx = open(h.a(), true, LibC.IPPROTO_ESP, false);
                    RawIpSocket rx = open(h.b(), true, LibC.IPPROTO_ESP, false);
                    PacketBatch in = new PacketBatch(4, 2048, NativeDatagramSocket.RECEIVE_INFO_CONTROL)) {
                tx.socket().setOption(LibC.IPPROTO_IPV6, LibC.IPV6_TCLASS, 0xb9, "IPV6_TCLASS"); // EF + ECT(1)
                tx.socket().setOption(LibC.IPPROTO_IPV6, LibC.IPV6_UNICAST_HOPS, 33, "IPV6_UNICAST_HOPS");
                rx.socket().enableReceiveInfo();
                tx.send(ESP, 0, ESP.length, h.b6());
                assertEquals(1, rx.receiveBatch(in, 5000));
                byte[] dst = new byte[16];
                assertEquals(16, in.destinationAddress(0, dst));
                assertArrayEquals(h.b6().getAddress(), dst);
                assertEquals(0xb9, in.trafficClass(0));
                assertEquals(33, in.hopLimit(0));
                assertTrue(in.interfaceIndex(0) > 0);
                assertEquals(h.a6(), in.address(0).getAddress());
            }
        }
    }
}
