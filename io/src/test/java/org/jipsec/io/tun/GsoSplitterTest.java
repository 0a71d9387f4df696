package org.jipsec.io.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.jipsec.io.Scapy;
import org.jipsec.io.TestPackets;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.Test;

class GsoSplitterTest {
    private static final int MSS = 1448;
    private static final int TCP_HDR = 32; // 20 + 12 bytes of options (NOP NOP timestamps)

    /** A TSO frame as the kernel hands it over: virtio_net_hdr + IP + TCP (with options) + payload. */
    static byte[] tsoFrame(boolean v6, int payloadLen, int flags) throws Exception {
        int ipLen = v6 ? 40 : 20;
        byte[] ip = new byte[ipLen + TCP_HDR + payloadLen];
        InetAddress src = InetAddress.getByName(v6 ? "fd00::1" : "10.0.0.1");
        InetAddress dst = InetAddress.getByName(v6 ? "fd00::2" : "10.0.0.2");
        if (v6) {
            ip[0] = 0x60;
            TestPackets.put16(ip, 4, TCP_HDR + payloadLen);
            ip[6] = 6;
            ip[7] = 64;
            System.arraycopy(src.getAddress(), 0, ip, 8, 16);
            System.arraycopy(dst.getAddress(), 0, ip, 24, 16);
        } else {
            ip[0] = 0x45;
            TestPackets.put16(ip, 2, ip.length);
            TestPackets.put16(ip, 4, 0xfffe); // id wraps during the split
            ip[6] = 0x40; // DF
            ip[8] = 64;
            ip[9] = 6;
            System.arraycopy(src.getAddress(), 0, ip, 12, 4);
            System.arraycopy(dst.getAddress(), 0, ip, 16, 4);
        }
        int t = ipLen;
        TestPackets.put16(ip, t, 40000);
        TestPackets.put16(ip, t + 2, 5001);
        ip[t + 4] = (byte) 0xff; // sequence 0xfffffff0: wraps too
        ip[t + 5] = (byte) 0xff;
        ip[t + 6] = (byte) 0xff;
        ip[t + 7] = (byte) 0xf0;
        ip[t + 11] = 1; // ack 1
        ip[t + 12] = (byte) ((TCP_HDR / 4) << 4);
        ip[t + 13] = (byte) flags;
        TestPackets.put16(ip, t + 14, 502);
        ip[t + 20] = 1;
        ip[t + 21] = 1;
        ip[t + 22] = 8;
        ip[t + 23] = 10; // timestamp option
        for (int i = 0; i < payloadLen; i++) {
            ip[t + TCP_HDR + i] = (byte) (i * 7 + 3);
        }
        TestPackets.put16(ip, t + 16, 0x1234); // partial sum, replaced by the splitter
        byte[] frame = new byte[VirtioNetHdr.SIZE + ip.length];
        new VirtioNetHdr(
                        VirtioNetHdr.F_NEEDS_CSUM,
                        v6 ? VirtioNetHdr.GSO_TCPV6 : VirtioNetHdr.GSO_TCPV4,
                        t + TCP_HDR,
                        MSS,
                        t,
                        16)
                .write(MemorySegment.ofArray(frame), 0);
        System.arraycopy(ip, 0, frame, VirtioNetHdr.SIZE, ip.length);
        return frame;
    }

    /** The split of {@code frame} into {@code outs} 2048-byte arrays at offset 0: the packets, copied out. */
    static List<byte[]> split(byte[] frame, int outs) throws TunPacketException {
        return splitHeap(frame, outs, 0, 2048);
    }

    @Test
    void ipv4TsoFrameBecomesMssSizedSegmentsWithFixedHeaders() throws Exception {
        int flags = 0x80 | 0x10 | 0x08 | 0x01; // CWR ACK PSH FIN
        List<byte[]> segs = split(tsoFrame(false, 4000, flags), 8);
        assertEquals(3, segs.size());
        int[] payloads = {1448, 1448, 1104};
        for (int i = 0; i < 3; i++) {
            byte[] s = segs.get(i);
            assertEquals(20 + TCP_HDR + payloads[i], s.length);
            assertEquals(s.length, TestPackets.u16(s, 2), "total length");
            assertEquals((0xfffe + i) & 0xffff, TestPackets.u16(s, 4), "IP id increments");
            assertEquals(0, TestPackets.checksum(0, s, 0, 20), "IPv4 header checksum verifies");
            long seq = ((s[24] & 0xffL) << 24 | (s[25] & 0xff) << 16 | (s[26] & 0xff) << 8 | (s[27] & 0xff));
            assertEquals((0xfffffff0L + (long) i * MSS) & 0xffffffffL, seq, "sequence number");
            int f = s[20 + 13] & 0xff;
            assertEquals(i == 0 ? 0x80 | 0x10 : i == 1 ? 0x10 : 0x10 | 0x08 | 0x01, f, "flags of segment " + i);
            assertEquals((byte) (i * MSS * 7 + 3), s[20 + TCP_HDR], "payload continues where the last ended");
        }
    }

    @Test
    @RequiresTool("scapy")
    void scapyAgreesEveryChecksumIsRight() throws Exception {
        Scapy.require();
        StringBuilder hex = new StringBuilder();
        for (boolean v6 : new boolean[] {false, true}) {
            for (byte[] s : split(tsoFrame(v6, 5000, 0x18), 8)) {
                hex.append("'").append(HexFormat.of().formatHex(s)).append("',");
            }
        }
        // A GSO_NONE UDP packet with a partial (pseudo-header) checksum, completed by the splitter.
        byte[] udp = TestPackets.udp4(
                InetAddress.getByName("10.0.0.1"),
                InetAddress.getByName("10.0.0.2"),
                1,
                2,
                "partial checksum".getBytes());
        byte[] pseudo = new byte[12];
        System.arraycopy(udp, 12, pseudo, 0, 8);
        pseudo[9] = 17;
        TestPackets.put16(pseudo, 10, udp.length - 20);
        TestPackets.put16(udp, 26, ~TestPackets.checksum(0, pseudo, 0, 12) & 0xffff);
        byte[] frame = new byte[VirtioNetHdr.SIZE + udp.length];
        new VirtioNetHdr(VirtioNetHdr.F_NEEDS_CSUM, VirtioNetHdr.GSO_NONE, 0, 0, 20, 6)
                .write(MemorySegment.ofArray(frame), 0);
        System.arraycopy(udp, 0, frame, VirtioNetHdr.SIZE, udp.length);
        List<byte[]> one = split(frame, 1);
        assertEquals(1, one.size());
        hex.append("'").append(HexFormat.of().formatHex(one.get(0))).append("',");
        String out = Scapy.run("""
                from scapy.all import IP, IPv6, TCP, UDP, raw
                pkts = [%s]
                for h in pkts:
                    b = bytes.fromhex(h)
                    p = IP(b) if b[0] >> 4 == 4 else IPv6(b)
                    l4 = p[TCP] if TCP in p else p[UDP]
                    got = l4.chksum
                    del l4.chksum
                    if IP in p:
                        ipc = p[IP].chksum
                        del p[IP].chksum
                    q = p.__class__(raw(p))
                    l4q = q[TCP] if TCP in q else q[UDP]
                    assert l4q.chksum == got, ('l4', hex(got), hex(l4q.chksum))
                    if IP in q:
                        assert q[IP].chksum == ipc, ('ip', hex(ipc), hex(q[IP].chksum))
                        assert q[IP].len == len(b)
                    else:
                        assert q[IPv6].plen == len(b) - 40
                print(len(pkts), 'ok')
                """.formatted(hex));
        assertEquals("9 ok", out.strip());
    }

    @Test
    void inconsistentFramesAreRejected() throws Exception {
        byte[] good = tsoFrame(false, 4000, 0x10);
        assertThrows(TunPacketException.class, () -> split(Arrays.copyOf(good, 9), 8), "shorter than vnet hdr");
        assertThrows(TunPacketException.class, () -> split(good, 2), "3 segments, 2 buffers");
        byte[] badStart = good.clone();
        badStart[6] = 24; // csum_start 24 != IHL 20
        assertThrows(TunPacketException.class, () -> split(badStart, 8));
        assertThrows(
                TunPacketException.class,
                () -> split(Arrays.copyOf(good, good.length - 100), 8),
                "truncated read: IPv4 total length disagrees");
        byte[] good6 = tsoFrame(true, 4000, 0x10);
        assertThrows(
                TunPacketException.class,
                () -> split(Arrays.copyOf(good6, good6.length - 1), 8),
                "truncated read: IPv6 payload length disagrees");
        byte[] zeroMss = good.clone();
        zeroMss[4] = 0;
        zeroMss[5] = 0;
        assertThrows(TunPacketException.class, () -> split(zeroMss, 8));
        byte[] v6AsV4 = good.clone();
        v6AsV4[1] = VirtioNetHdr.GSO_TCPV6;
        assertThrows(TunPacketException.class, () -> split(v6AsV4, 8));
        byte[] udpL4 = good.clone();
        udpL4[1] = VirtioNetHdr.GSO_UDP_L4;
        assertThrows(TunPacketException.class, () -> split(udpL4, 8), "UDP GSO is not offered, so not split");
        byte[] plainBadCsum = new byte[VirtioNetHdr.SIZE + 30];
        plainBadCsum[0] = VirtioNetHdr.F_NEEDS_CSUM;
        plainBadCsum[VirtioNetHdr.SIZE] = 0x45;
        plainBadCsum[6] = 29; // csum_start 29 + offset 0: field beyond the end
        assertThrows(TunPacketException.class, () -> split(plainBadCsum, 1));
    }

    @Test
    void virtioNetHdrIsLittleEndian() throws Exception {
        byte[] b = HexFormat.of().parseHex("0101" + "4200" + "a805" + "1400" + "1000");
        VirtioNetHdr h = VirtioNetHdr.parse(MemorySegment.ofArray(b), 0, b.length);
        assertEquals(new VirtioNetHdr(1, 1, 0x42, 1448, 20, 16), h);
        byte[] back = new byte[10];
        h.write(MemorySegment.ofArray(back), 0);
        assertEquals(HexFormat.of().formatHex(b), HexFormat.of().formatHex(back));
    }

    @FuzzTest(maxDuration = "10s")
    void splitThrowsOnlyTunPacketException(FuzzedDataProvider data) {
        int outs = data.consumeInt(0, 48);
        byte[] frame = data.consumeRemainingAsBytes();
        byte[][] o = new byte[outs][2048];
        try {
            int n = GsoSplitter.split(MemorySegment.ofArray(frame), frame.length, o, 0, new int[outs]);
            if (n < 1 || n > outs) {
                throw new AssertionError("count " + n);
            }
        } catch (TunPacketException expected) {
            // counted drop
        }
    }

    /** The heap split of {@code frame} into {@code outs} arrays at offset {@code off}: the packets, copied out. */
    static List<byte[]> splitHeap(byte[] frame, int outs, int off, int room) throws TunPacketException {
        byte[][] o = new byte[outs][off + room];
        int[] lens = new int[outs];
        int n = GsoSplitter.split(MemorySegment.ofArray(frame), frame.length, o, off, lens);
        List<byte[]> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < off; j++) {
                if (o[i][j] != 0) throw new AssertionError("byte " + j + " of the headroom written");
            }
            r.add(Arrays.copyOfRange(o[i], off, off + lens[i]));
        }
        return r;
    }

    @Test
    void heapSplitAtAnOffsetGivesTheSameSegments() throws Exception {
        for (boolean v6 : new boolean[] {false, true}) {
            for (int payload : new int[] {1, 1447, 1448, 1449, 4000, 20000, 63000}) {
                for (int flags : new int[] {0x10, 0x18 | 0x01 | 0x80}) {
                    byte[] frame = tsoFrame(v6, payload, flags);
                    List<byte[]> seg = split(frame, 64);
                    List<byte[]> heap = splitHeap(frame, 64, 96, 2048);
                    assertEquals(seg.size(), heap.size());
                    for (int i = 0; i < seg.size(); i++) {
                        assertEquals(
                                HexFormat.of().formatHex(seg.get(i)),
                                HexFormat.of().formatHex(heap.get(i)),
                                "v6 " + v6 + " payload " + payload + " flags " + flags + " segment " + i);
                    }
                }
            }
        }
        // GSO_NONE with a partial checksum to complete (a small UDP packet)
        byte[] ip = new byte[20 + 8 + 11];
        ip[0] = 0x45;
        TestPackets.put16(ip, 2, ip.length);
        ip[8] = 64;
        ip[9] = 17;
        ip[12] = 10;
        ip[15] = 1;
        ip[16] = 10;
        ip[19] = 2;
        TestPackets.put16(ip, 20, 53);
        TestPackets.put16(ip, 22, 53);
        TestPackets.put16(ip, 24, 19);
        for (int i = 28; i < ip.length; i++) ip[i] = (byte) i;
        byte[] frame = new byte[VirtioNetHdr.SIZE + ip.length];
        new VirtioNetHdr(VirtioNetHdr.F_NEEDS_CSUM, VirtioNetHdr.GSO_NONE, 0, 0, 20, 6)
                .write(MemorySegment.ofArray(frame), 0);
        System.arraycopy(ip, 0, frame, VirtioNetHdr.SIZE, ip.length);
        assertEquals(
                HexFormat.of().formatHex(split(frame, 1).getFirst()),
                HexFormat.of().formatHex(splitHeap(frame, 1, 96, 100).getFirst()));
    }

    @Test
    void heapSplitRefusesWhatDoesNotFit() throws Exception {
        byte[] frame = tsoFrame(false, 4000, 0x10);
        assertThrows(TunPacketException.class, () -> splitHeap(frame, 2, 96, 2048), "3 segments, 2 arrays");
        assertThrows(TunPacketException.class, () -> splitHeap(frame, 8, 96, 1000), "a segment beyond the array");
        assertThrows(TunPacketException.class, () -> splitHeap(Arrays.copyOf(frame, frame.length - 100), 8, 96, 2048));
    }

    /**
     * The split does not depend on the headroom it leaves: at offset 0 and 96 the same packets, or both refuse (the
     * name is from when a second, MemorySegment split was the reference; kept, its seed inputs live under it).
     */
    @FuzzTest(maxDuration = "10s")
    void heapSplitAgreesWithTheSegmentSplit(FuzzedDataProvider data) {
        int outs = data.consumeInt(1, 48);
        byte[] frame = data.consumeRemainingAsBytes();
        List<byte[]> seg;
        try {
            seg = split(frame, outs);
        } catch (TunPacketException e) {
            seg = null;
        }
        List<byte[]> heap;
        try {
            heap = splitHeap(frame, outs, 96, 2048);
        } catch (TunPacketException e) {
            heap = null;
        }
        if ((seg == null) != (heap == null)) throw new AssertionError("one refused, the other did not");
        if (seg != null) {
            if (seg.size() != heap.size()) throw new AssertionError("counts differ");
            for (int i = 0; i < seg.size(); i++) {
                if (!Arrays.equals(seg.get(i), heap.get(i))) throw new AssertionError("segment " + i + " differs");
            }
        }
    }
}
