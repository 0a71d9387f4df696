package org.jipsec.io.udp;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jipsec.core.net.UdpEncapClassifier;
import org.jipsec.core.net.UdpEncapKind;
import org.jipsec.io.TwoHosts;
import org.jipsec.io.ffm.Datagram;
import org.jipsec.io.ffm.LibC;
import org.jipsec.io.ffm.NativeDatagramSocket;
import org.jipsec.io.ffm.PacketBatch;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.NetnsThread;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.Test;

/** UDP 4500 sockets between two namespaces: RFC 3948 classification, batches, UDP GSO and GRO. */
@RequiresRoot
class UdpEncapSocketTest {
    private static final byte[] KEEPALIVE = {(byte) 0xff};
    private static final byte[] IKE = HexFormat.of()
            .parseHex("00000000" + "0102030405060708" + "0000000000000000" + "2120220800000000" + "0000001c");
    private static final byte[] ESP = HexFormat.of().parseHex("0000100000000001" + "c0ffee");

    private static UdpEncapSocket open(String ns, InetAddress a, UdpEncapSocket.Options o) throws Exception {
        return NetnsThread.call(ns, () -> UdpEncapSocket.open(new InetSocketAddress(a, UdpEncapClassifier.PORT), o));
    }

    @Test
    void keepaliveIkeAndEspAreClassifiedOverIpv4AndIpv6() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            TwoHosts h = TwoHosts.create(lab);
            for (boolean v6 : new boolean[] {false, true}) {
                InetAddress a = v6 ? h.a6() : h.a4();
                InetAddress b = v6 ? h.b6() : h.b4();
                try (UdpEncapSocket tx = open(h.a(), a, UdpEncapSocket.Options.defaults());
                        UdpEncapSocket rx = open(h.b(), b, UdpEncapSocket.Options.defaults())) {
                    InetSocketAddress dst = new InetSocketAddress(b, 4500);
                    tx.send(KEEPALIVE, 0, 1, dst);
                    tx.send(IKE, 0, IKE.length, dst);
                    tx.send(ESP, 0, ESP.length, dst);
                    List<UdpEncapKind> kinds = new ArrayList<>();
                    byte[] buf = new byte[2048];
                    for (int i = 0; i < 3; i++) {
                        Datagram d = rx.receive(buf, 0, buf.length, 5000);
                        assertNotNull(d, "datagram " + i + " must arrive");
                        assertEquals(new InetSocketAddress(a, 4500), d.source());
                        kinds.add(UdpEncapClassifier.classify(buf, 0, d.length()));
                    }
                    assertEquals(List.of(UdpEncapKind.NAT_KEEPALIVE, UdpEncapKind.IKE, UdpEncapKind.ESP), kinds);
                }
            }
        }
    }

    @Test
    void batchesGsoAndGroDeliverEveryDatagram() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            TwoHosts h = TwoHosts.create(lab);
            for (boolean gro : new boolean[] {false, true}) {
                try (UdpEncapSocket tx = open(h.a(), h.a4(), UdpEncapSocket.Options.defaults());
                        UdpEncapSocket rx = open(h.b(), h.b4(), new UdpEncapSocket.Options(8 << 20, gro));
                        PacketBatch out = new PacketBatch(4, 65536, 32);
                        PacketBatch in = new PacketBatch(64, 65536, 32)) {
                    // slot 0..2: single ESP datagrams of 100 bytes; slot 3: 20 segments of 1000 bytes (UDP GSO)
                    int expected = 0;
                    for (int s = 0; s < 3; s++) {
                        byte[] p = new byte[100];
                        p[3] = 1; // SPI 1
                        p[7] = (byte) expected++; // sequence number
                        out.put(s, p, 0, p.length);
                        out.setAddress(s, h.b4().getAddress(), 4500);
                    }
                    MemorySegment big = out.buffer(3);
                    for (int k = 0; k < 20; k++) {
                        big.set(JAVA_BYTE, k * 1000L + 3, (byte) 1);
                        big.set(JAVA_BYTE, k * 1000L + 7, (byte) expected++);
                    }
                    out.setLength(3, 20_000);
                    out.setUdpSegmentSize(3, 1000);
                    out.setAddress(3, h.b4().getAddress(), 4500);
                    assertEquals(4, tx.sendBatch(out, 4));
                    boolean[] seen = new boolean[expected];
                    int total = 0;
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (total < expected && System.nanoTime() < deadline) {
                        int n = rx.receiveBatch(in, 1000);
                        for (int i = 0; i < n; i++) {
                            int len = in.length(i);
                            int seg = in.udpGroSegmentSize(i);
                            int count = UdpEncapSocket.segmentCount(len, seg);
                            int size = seg == 0 ? len : seg;
                            for (int k = 0; k < count; k++) {
                                int l = Math.min(size, len - k * size);
                                assertEquals(
                                        UdpEncapKind.ESP,
                                        UdpEncapClassifier.classify(in.buffer(i), (long) k * size, l));
                                seen[in.buffer(i).get(JAVA_BYTE, (long) k * size + 7)] = true;
                                total++;
                            }
                        }
                    }
                    assertEquals(expected, total, "gro=" + gro);
                    boolean[] all = new boolean[expected];
                    java.util.Arrays.fill(all, true);
                    assertArrayEquals(all, seen);
                }
            }
        }
    }

    @Test
    void receiveInfoGivesDestinationAndTosOverIpv4AndIpv6() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            TwoHosts h = TwoHosts.create(lab);
            for (boolean v6 : new boolean[] {false, true}) {
                InetAddress a = v6 ? h.a6() : h.a4();
                InetAddress b = v6 ? h.b6() : h.b4();
                try (UdpEncapSocket tx = open(h.a(), a, UdpEncapSocket.Options.defaults());
                        UdpEncapSocket rx = open(h.b(), b, UdpEncapSocket.Options.defaults());
                        PacketBatch in = new PacketBatch(4, 2048, NativeDatagramSocket.RECEIVE_INFO_CONTROL)) {
                    if (v6) {
                        tx.socket().setOption(LibC.IPPROTO_IPV6, LibC.IPV6_TCLASS, 0x2a, "IPV6_TCLASS");
                    } else {
                        tx.socket().setOption(LibC.IPPROTO_IP, LibC.IP_TOS, 0x2a, "IP_TOS");
                    }
                    rx.socket().enableReceiveInfo();
                    tx.send(ESP, 0, ESP.length, new InetSocketAddress(b, 4500));
                    assertEquals(1, rx.receiveBatch(in, 5000));
                    byte[] dst = new byte[16];
                    assertEquals(v6 ? 16 : 4, in.destinationAddress(0, dst));
                    assertArrayEquals(b.getAddress(), java.util.Arrays.copyOf(dst, v6 ? 16 : 4));
                    assertEquals(0x2a, in.trafficClass(0), "DSCP AF11 + ECT(0) as sent");
                    assertEquals(new InetSocketAddress(a, 4500), in.address(0));
                    // per-packet traffic class (cmsg) overrides the socket's, alongside a UDP_SEGMENT cmsg
                    try (PacketBatch out = new PacketBatch(1, 4096, 48)) {
                        for (int k = 0; k < 3; k++) {
                            out.buffer(0).set(JAVA_BYTE, k * 100L + 3, (byte) 1);
                        }
                        out.setLength(0, 300);
                        out.setAddress(0, b.getAddress(), 4500);
                        out.setUdpSegmentSize(0, 100);
                        out.setTrafficClass(0, 0xb9);
                        assertEquals(1, tx.sendBatch(out, 1));
                    }
                    int got = 0;
                    for (int round = 0; round < 10 && got < 3; round++) {
                        int n = rx.receiveBatch(in, 1000);
                        for (int k = 0; k < n; k++) {
                            assertEquals(100, in.length(k));
                            assertEquals(0xb9, in.trafficClass(k), "EF + ECT(1) from the cmsg");
                        }
                        got += n;
                    }
                    assertEquals(3, got);
                }
            }
        }
    }
}
