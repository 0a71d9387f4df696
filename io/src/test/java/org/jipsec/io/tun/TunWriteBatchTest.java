package org.jipsec.io.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jipsec.io.TestPackets;
import org.junit.jupiter.api.Test;

class TunWriteBatchTest {

    private static byte[] frameBytes(TunWriteBatch b, int i) {
        return b.frame(i).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    private static int adds;

    /** Adds through the segment and the heap-array entry points alternately (both must behave the same). */
    private static void add(TunWriteBatch b, byte[] p) {
        if ((adds++ & 1) == 0) {
            assertTrue(b.add(MemorySegment.ofArray(p), p.length));
        } else {
            byte[] within = new byte[p.length + 12];
            java.util.Arrays.fill(within, (byte) 0x77);
            System.arraycopy(p, 0, within, 5, p.length);
            assertTrue(b.add(within, 5, p.length));
        }
    }

    @Test
    void segmentsOfOneFlowCoalesceBackIntoTheSuperPacketTheySplitFrom() throws Exception {
        for (boolean v6 : new boolean[] {false, true}) {
            List<byte[]> segs = GsoSplitterTest.split(GsoSplitterTest.tsoFrame(v6, 5000, 0x18), 8);
            assertEquals(4, segs.size());
            try (TunWriteBatch b = new TunWriteBatch(4)) {
                segs.forEach(s -> add(b, s));
                assertEquals(1, b.frames());
                assertEquals(3, b.coalescedSegments());
                b.finish();
                byte[] frame = frameBytes(b, 0);
                VirtioNetHdr h = VirtioNetHdr.parse(MemorySegment.ofArray(frame), 0, frame.length);
                assertEquals(v6 ? VirtioNetHdr.GSO_TCPV6 : VirtioNetHdr.GSO_TCPV4, h.gsoType());
                assertEquals(1448, h.gsoSize());
                assertEquals(VirtioNetHdr.F_NEEDS_CSUM, h.flags());
                List<byte[]> again = GsoSplitterTest.split(frame, 8);
                assertEquals(segs.size(), again.size());
                for (int i = 0; i < segs.size(); i++) {
                    assertEquals(
                            HexFormat.of().formatHex(segs.get(i)),
                            HexFormat.of().formatHex(again.get(i)),
                            "segment " + i + " survives coalesce + split byte for byte");
                }
            }
        }
    }

    @Test
    void otherFlowsNonTcpAndBadChecksumsKeepTheirOrderUncoalesced() throws Exception {
        List<byte[]> flowA = GsoSplitterTest.split(GsoSplitterTest.tsoFrame(false, 4000, 0x10), 8);
        byte[] udp = TestPackets.udp4(
                InetAddress.getByName("10.0.0.9"), InetAddress.getByName("10.0.0.2"), 1, 2, "x".getBytes());
        byte[] corrupt = flowA.get(2).clone();
        corrupt[corrupt.length - 1] ^= 1; // payload flipped: TCP checksum now wrong
        try (TunWriteBatch b = new TunWriteBatch(8)) {
            add(b, flowA.get(0));
            add(b, udp);
            add(b, flowA.get(1)); // joins frame 0 across the UDP packet
            add(b, corrupt); // must not be folded in, and closes the flow
            add(b, flowA.get(2)); // after the corrupt one: new frame, keeps order
            assertEquals(4, b.frames());
            assertEquals(1, b.coalescedSegments());
            b.finish();
            assertEquals(2, GsoSplitterTest.split(frameBytes(b, 0), 8).size());
            assertEquals(
                    HexFormat.of().formatHex(udp),
                    HexFormat.of()
                            .formatHex(
                                    GsoSplitterTest.split(frameBytes(b, 1), 1).get(0)));
            assertEquals(VirtioNetHdr.NONE, VirtioNetHdr.parse(b.frame(2), 0, (int)
                    b.frame(2).byteSize()));
            assertEquals(
                    HexFormat.of().formatHex(corrupt),
                    HexFormat.of().formatHex(java.util.Arrays.copyOfRange(frameBytes(b, 2), VirtioNetHdr.SIZE, (int)
                            b.frame(2).byteSize())));
        }
    }

    @Test
    void fullBatchRefusesANewFrameButStillAcceptsAnAppend() throws Exception {
        List<byte[]> segs = GsoSplitterTest.split(GsoSplitterTest.tsoFrame(false, 4344, 0x10), 8);
        try (TunWriteBatch b = new TunWriteBatch(1)) {
            add(b, segs.get(0));
            assertTrue(b.isFull());
            assertTrue(b.add(MemorySegment.ofArray(segs.get(1)), segs.get(1).length));
            byte[] udp = TestPackets.udp4(
                    InetAddress.getByName("10.0.0.9"), InetAddress.getByName("10.0.0.2"), 1, 2, "x".getBytes());
            assertFalse(b.add(MemorySegment.ofArray(udp), udp.length));
        }
    }

    @FuzzTest(maxDuration = "10s")
    void anyPacketsGiveFramesTheSplitterAccepts(FuzzedDataProvider data) throws Exception {
        List<byte[]> base = GsoSplitterTest.split(GsoSplitterTest.tsoFrame(data.consumeBoolean(), 3000, 0x10), 8);
        try (TunWriteBatch b = new TunWriteBatch(16)) {
            int n = data.consumeInt(1, 12);
            List<Integer> added = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] p = data.consumeBoolean()
                        ? base.get(data.consumeInt(0, base.size() - 1)).clone()
                        : data.consumeBytes(data.consumeInt(1, 200));
                if (p.length == 0) {
                    continue;
                }
                int flips = data.consumeInt(0, 2);
                for (int k = 0; k < flips; k++) {
                    p[data.consumeInt(0, p.length - 1)] = data.consumeByte();
                }
                if (b.add(MemorySegment.ofArray(p), p.length)) {
                    added.add(p.length);
                }
            }
            b.finish();
            for (int f = 0; f < b.frames(); f++) {
                byte[] fr = frameBytes(b, f);
                VirtioNetHdr h = VirtioNetHdr.parse(MemorySegment.ofArray(fr), 0, fr.length);
                if (h.isGso()) {
                    GsoSplitterTest.split(fr, TunWriteBatch.MAX_SEGMENTS); // must not throw
                }
            }
        }
    }
}
