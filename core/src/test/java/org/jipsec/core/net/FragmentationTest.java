package org.jipsec.core.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Fragmenter and Reassembler (RFC 791 §3.2, RFC 8200 §4.5, RFC 5722, RFC 6946, RFC 1858). */
class FragmentationTest {

    private final MutableClock clock = new MutableClock();
    private final Reassembler reassembler =
            new Reassembler(new Reassembler.Limits(8, 64 * 1024, Duration.ofSeconds(30)), clock);

    private static List<byte[]> fragments(FragmentationResult r) {
        return assertInstanceOf(FragmentationResult.Fragments.class, r).packets();
    }

    private byte[] feedAll(List<byte[]> frags) {
        ReassemblyResult last = null;
        for (int i = 0; i < frags.size(); i++) {
            byte[] f = frags.get(i);
            last = reassembler.accept(f, 0, f.length);
            if (i < frags.size() - 1) assertInstanceOf(ReassemblyResult.Pending.class, last, "fragment " + i);
        }
        return assertInstanceOf(ReassemblyResult.Complete.class, last).packet().toByteArray();
    }

    @Test
    void ipv4RoundTripInAnyOrder() throws Exception {
        SplittableRandom r = new SplittableRandom(791);
        Random shuffler = new Random(791);
        for (int n = 0; n < 200; n++) {
            byte[] p = TestPackets.udp4(r, 100 + r.nextInt(9000));
            int mtu = 68 + r.nextInt(1500);
            FragmentationResult fr = Fragmenter.fragmentIpv4(p, 0, p.length, mtu);
            if (p.length <= mtu) {
                assertInstanceOf(FragmentationResult.Fits.class, fr);
                continue;
            }
            List<byte[]> frags = new ArrayList<>(fragments(fr));
            for (byte[] f : frags) {
                assertTrue(f.length <= mtu);
                assertTrue(Ipv4Header.verifyChecksum(f, 0));
                if (Ipv4Header.moreFragments(f, 0)) assertEquals(0, (f.length - 20) % 8);
            }
            Collections.shuffle(frags, shuffler);
            assertArrayEquals(p, feedAll(frags), "packet " + n + " mtu " + mtu);
        }
        assertEquals(0, reassembler.pendingDatagrams());
        assertEquals(0, reassembler.pendingBytes());
    }

    @Test
    void ipv6RoundTripInAnyOrder() throws Exception {
        SplittableRandom r = new SplittableRandom(8200);
        Random shuffler = new Random(8200);
        for (int n = 0; n < 100; n++) {
            byte[] p = TestPackets.udp6(r, 1300 + r.nextInt(9000));
            int mtu = 1280 + r.nextInt(300);
            if (p.length <= mtu) continue;
            List<byte[]> frags = new ArrayList<>(fragments(Fragmenter.fragmentIpv6(p, 0, p.length, mtu, r.nextInt())));
            for (byte[] f : frags) {
                assertTrue(f.length <= mtu);
                Ipv6HeaderChain c = Ipv6HeaderChain.of(f, 0, f.length);
                assertEquals(0, c.fragmentIndex());
            }
            Collections.shuffle(frags, shuffler);
            assertArrayEquals(p, feedAll(frags), "packet " + n);
        }
    }

    @Test
    void ipv6FragmentHeaderGoesAfterRoutingHeader() throws Exception {
        // IPv6/HBH/DestOpt/Routing/DestOpt/UDP, padded to 3000 bytes: the unfragmentable part is 80 bytes
        byte[] small = KnownPackets.bytes(KnownPackets.V6_FULL_CHAIN);
        byte[] p = java.util.Arrays.copyOf(small, 3000);
        Ipv6Header.setPayloadLength(p, 0, 3000 - 40);
        Bytes.put16(p, 92, 3000 - 88); // UDP length
        TransportChecksum.update(p, 0, p.length);
        List<byte[]> frags = fragments(Fragmenter.fragmentIpv6(p, 0, p.length, 1280, 0x1234));
        for (byte[] f : frags) {
            assertEquals(IpProtocols.FRAGMENT, f[56] & 0xff); // routing header's next header
            assertEquals(IpProtocols.DSTOPTS, Ipv6FragmentHeader.nextHeader(f, 80));
            assertEquals(0x1234, Ipv6FragmentHeader.identification(f, 80));
        }
        assertArrayEquals(p, feedAll(new ArrayList<>(frags)));
        assertTrue(TransportChecksum.verify(p, 0, p.length));
    }

    @Test
    void dontFragmentGivesNeedsFragmentationWithTheMtu() throws Exception {
        byte[] p = TestPackets.udp4(new SplittableRandom(1), 1500);
        Ipv4Header.setDontFragment(p, 0, true);
        Ipv4Header.updateChecksum(p, 0);
        assertEquals(new FragmentationResult.NeedsFragmentation(1400), Fragmenter.fragmentIpv4(p, 0, p.length, 1400));
        assertInstanceOf(FragmentationResult.Fits.class, Fragmenter.fragmentIpv4(p, 0, p.length, 1500));
        assertInstanceOf(
                FragmentationResult.CannotFragment.class,
                Fragmenter.fragmentIpv6(TestPackets.udp6(new SplittableRandom(1), 2000), 0, 2000, 1000, 1));
    }

    @Test
    void onlyCopiedOptionsGoIntoLaterFragments() throws Exception {
        // header with options: LSRR (131, copied) and Record Route (7, not copied) + EOL padding → 20 + 20
        byte[] opts = Bytes.fromHex("830b040a0900010a030003" + "07070400000000" + "0000");
        byte[] p = new byte[40 + 400];
        Ipv4Header.write(p, 0, 0, p.length, 99, 0, 64, IpProtocols.UDP, TestPackets.V4_SRC, TestPackets.V4_DST);
        Ipv4Header.setVersionAndHeaderLength(p, 0, 40);
        System.arraycopy(opts, 0, p, 20, opts.length);
        Ipv4Header.updateChecksum(p, 0);
        List<byte[]> frags = fragments(Fragmenter.fragmentIpv4(p, 0, p.length, 200));
        assertEquals(40, Ipv4Header.headerLength(frags.get(0), 0));
        for (int i = 1; i < frags.size(); i++) {
            byte[] f = frags.get(i);
            assertEquals(32, Ipv4Header.headerLength(f, 0)); // 11 bytes of LSRR padded to 12
            assertEquals(0x83, f[20] & 0xff);
            assertEquals(0, f[31]);
            assertTrue(Ipv4Header.verifyChecksum(f, 0));
        }
        assertArrayEquals(p, feedAll(new ArrayList<>(frags)));
    }

    @Test
    void refragmentingAFragmentKeepsOffsetsAndMf() throws Exception {
        byte[] p = TestPackets.udp4(new SplittableRandom(3), 3000);
        List<byte[]> first = fragments(Fragmenter.fragmentIpv4(p, 0, p.length, 1500));
        List<byte[]> all = new ArrayList<>();
        for (byte[] f : first) {
            FragmentationResult again = Fragmenter.fragmentIpv4(f, 0, f.length, 576);
            if (again instanceof FragmentationResult.Fragments(List<byte[]> packets)) all.addAll(packets);
            else all.add(f);
        }
        assertTrue(all.size() > first.size());
        Collections.reverse(all);
        assertArrayEquals(p, feedAll(all));
    }

    @Test
    void overlapDiscardsTheWholeDatagramAndLaterFragments() throws Exception {
        byte[] p = TestPackets.udp6(new SplittableRandom(5722), 4000);
        List<byte[]> frags = fragments(Fragmenter.fragmentIpv6(p, 0, p.length, 1280, 42));
        byte[] f0 = frags.get(0);
        assertInstanceOf(ReassemblyResult.Pending.class, reassembler.accept(f0, 0, f0.length));
        // a forged fragment overlapping the first one's tail (offset 8 bytes before its end)
        int firstData = f0.length - 48;
        byte[] forged = java.util.Arrays.copyOf(frags.get(1), frags.get(1).length);
        Bytes.put16(forged, 42, (firstData - 8) | 1);
        assertEquals(
                new ReassemblyResult.Dropped(Reassembler.DropReason.OVERLAP),
                reassembler.accept(forged, 0, forged.length));
        assertEquals(0, reassembler.pendingBytes());
        // RFC 5722: "and any constituent fragments, including those not yet received"
        for (int i = 1; i < frags.size(); i++) {
            byte[] f = frags.get(i);
            assertEquals(
                    new ReassemblyResult.Dropped(Reassembler.DropReason.DISCARDED_DATAGRAM),
                    reassembler.accept(f, 0, f.length));
        }
        assertEquals(1, reassembler.dropped(Reassembler.DropReason.OVERLAP));
        // after the timeout the identification may be used again
        clock.advance(Duration.ofSeconds(31));
        assertArrayEquals(p, feedAll(new ArrayList<>(frags)));
    }

    @Test
    void ipv4OverlapIsRejectedToo() throws Exception {
        byte[] p = TestPackets.udp4(new SplittableRandom(9), 2000);
        List<byte[]> frags = fragments(Fragmenter.fragmentIpv4(p, 0, p.length, 576));
        byte[] second = frags.get(1).clone();
        Ipv4Header.setFragmentOffset(second, 0, Ipv4Header.fragmentOffset(second, 0) - 16);
        Ipv4Header.updateChecksum(second, 0);
        reassembler.accept(frags.get(0), 0, frags.get(0).length);
        assertEquals(
                new ReassemblyResult.Dropped(Reassembler.DropReason.OVERLAP),
                reassembler.accept(second, 0, second.length));
    }

    @Test
    void exactDuplicatesAreDroppedAloneAndReassemblyContinues() throws Exception {
        byte[] p = TestPackets.udp4(new SplittableRandom(11), 2000);
        List<byte[]> frags = fragments(Fragmenter.fragmentIpv4(p, 0, p.length, 576));
        reassembler.accept(frags.get(0), 0, frags.get(0).length);
        byte[] dup = frags.get(0).clone();
        Ipv4Header.setTtl(dup, 0, 3); // took another path: TTL differs, data the same
        Ipv4Header.updateChecksum(dup, 0);
        assertEquals(
                new ReassemblyResult.Dropped(Reassembler.DropReason.DUPLICATE), reassembler.accept(dup, 0, dup.length));
        assertArrayEquals(p, feedAll(frags.subList(1, frags.size())));
        assertEquals(1, reassembler.dropped(Reassembler.DropReason.DUPLICATE));
    }

    @Test
    void timeoutPurgesAndReportsTheFirstFragment() throws Exception {
        byte[] p = TestPackets.udp4(new SplittableRandom(12), 2000);
        List<byte[]> frags = fragments(Fragmenter.fragmentIpv4(p, 0, p.length, 576));
        reassembler.accept(frags.get(0), 0, frags.get(0).length);
        reassembler.accept(frags.get(1), 0, frags.get(1).length);
        clock.advance(Duration.ofSeconds(29));
        assertTrue(reassembler.expire().isEmpty());
        assertEquals(1, reassembler.pendingDatagrams());
        clock.advance(Duration.ofSeconds(1));
        List<byte[]> timedOut = reassembler.expire();
        assertEquals(1, timedOut.size());
        assertArrayEquals(frags.get(0), timedOut.get(0));
        assertEquals(0, reassembler.pendingDatagrams());
        assertEquals(0, reassembler.pendingBytes());
        assertEquals(1, reassembler.dropped(Reassembler.DropReason.TIMEOUT));
        // the rest arriving late starts a new datagram that never completes
        assertInstanceOf(ReassemblyResult.Pending.class, reassembler.accept(frags.get(2), 0, frags.get(2).length));
    }

    @Test
    void memoryBoundEvictsTheOldestDatagram() throws Exception {
        SplittableRandom r = new SplittableRandom(13);
        // 8 datagrams max: the 9th evicts the first
        List<List<byte[]>> all = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            byte[] p = TestPackets.udp4(r, 1200);
            Ipv4Header.setIdentification(p, 0, 1000 + i);
            Ipv4Header.updateChecksum(p, 0);
            List<byte[]> frags = fragments(Fragmenter.fragmentIpv4(p, 0, p.length, 576));
            all.add(frags);
            reassembler.accept(frags.get(0), 0, frags.get(0).length);
        }
        assertEquals(8, reassembler.pendingDatagrams());
        assertEquals(1, reassembler.dropped(Reassembler.DropReason.EVICTED));
        // the byte bound: 2000 bytes; 48-byte fragments cost 112 bytes each
        Reassembler small = new Reassembler(new Reassembler.Limits(100, 2000, Duration.ofSeconds(30)), clock);
        byte[] p = TestPackets.udp4(r, 2000);
        List<byte[]> tiny = fragments(Fragmenter.fragmentIpv4(p, 0, p.length, 68)); // 48 data bytes each
        for (byte[] f : tiny.subList(0, 30)) small.accept(f, 0, f.length);
        assertTrue(small.pendingBytes() <= 2000);
        assertTrue(small.dropped(Reassembler.DropReason.NO_MEMORY) > 0);
    }

    @Test
    void tinyTcpFragmentsAreDropped() throws Exception {
        // RFC 1858 §3.1: a first fragment of 8 bytes (ports only, no flags) and one at offset 8 (flags overwrite)
        byte[] p = TestPackets.tcp4(new SplittableRandom(1858), 200, 0x02);
        byte[] first = slice4(p, 0, 8, true);
        byte[] second = slice4(p, 8, 16, true);
        assertEquals(
                new ReassemblyResult.Dropped(Reassembler.DropReason.TINY_FRAGMENT),
                reassembler.accept(first, 0, first.length));
        assertEquals(
                new ReassemblyResult.Dropped(Reassembler.DropReason.TINY_FRAGMENT),
                reassembler.accept(second, 0, second.length));
        // the same sizes are fine for UDP
        byte[] u = TestPackets.udp4(new SplittableRandom(1), 200);
        byte[] uf = slice4(u, 0, 8, true);
        assertInstanceOf(ReassemblyResult.Pending.class, reassembler.accept(uf, 0, uf.length));
    }

    /** A hand-made IPv4 fragment of {@code p}'s data [start, start+len). */
    private static byte[] slice4(byte[] p, int start, int len, boolean more) {
        byte[] f = new byte[20 + len];
        System.arraycopy(p, 0, f, 0, 20);
        System.arraycopy(p, 20 + start, f, 20, len);
        Ipv4Header.setTotalLength(f, 0, f.length);
        Ipv4Header.setFlagsAndOffset(f, 0, (more ? Ipv4Header.FLAG_MF : 0) | (start >>> 3));
        Ipv4Header.updateChecksum(f, 0);
        return f;
    }

    @Test
    void atomicFragmentIsProcessedInIsolation() throws Exception {
        byte[] p = TestPackets.udp6(new SplittableRandom(6946), 1400);
        List<byte[]> frags = fragments(Fragmenter.fragmentIpv6(p, 0, p.length, 1280, 7));
        reassembler.accept(frags.get(0), 0, frags.get(0).length); // pending datagram with id 7
        // an atomic fragment with the same identification does not touch it (RFC 6946 §4)
        byte[] small = TestPackets.udp6(new SplittableRandom(1), 200);
        byte[] atomic = new byte[small.length + 8];
        System.arraycopy(small, 0, atomic, 0, 40);
        atomic[6] = (byte) IpProtocols.FRAGMENT;
        Ipv6FragmentHeader.write(atomic, 40, IpProtocols.UDP, 0, false, 7);
        System.arraycopy(small, 40, atomic, 48, small.length - 40);
        Ipv6Header.setPayloadLength(atomic, 0, atomic.length - 40);
        byte[] got = assertInstanceOf(ReassemblyResult.Complete.class, reassembler.accept(atomic, 0, atomic.length))
                .packet()
                .toByteArray();
        assertArrayEquals(small, got);
        assertEquals(1, reassembler.pendingDatagrams());
        assertArrayEquals(p, feedAll(frags.subList(1, frags.size())));
    }

    @Test
    void badLengthsAndPingOfDeath() throws Exception {
        byte[] p = TestPackets.udp4(new SplittableRandom(2), 2000);
        List<byte[]> frags = fragments(Fragmenter.fragmentIpv4(p, 0, p.length, 576));
        byte[] odd = java.util.Arrays.copyOf(frags.get(0), frags.get(0).length - 1);
        Ipv4Header.setTotalLength(odd, 0, odd.length);
        Ipv4Header.updateChecksum(odd, 0);
        assertEquals(
                new ReassemblyResult.Dropped(Reassembler.DropReason.BAD_LENGTH),
                reassembler.accept(odd, 0, odd.length));
        byte[] huge = frags.get(1).clone();
        Ipv4Header.setFragmentOffset(huge, 0, 65528);
        Ipv4Header.updateChecksum(huge, 0);
        assertEquals(
                new ReassemblyResult.Dropped(Reassembler.DropReason.TOO_BIG), reassembler.accept(huge, 0, huge.length));
        assertInstanceOf(ReassemblyResult.NotFragment.class, reassembler.accept(p, 0, p.length));
        assertEquals(
                new ReassemblyResult.Dropped(Reassembler.DropReason.MALFORMED),
                reassembler.accept(new byte[] {0x45}, 0, 1));
    }

    @Test
    void firstIpv6FragmentMustHoldTheHeaderChain() {
        // Fragment(offset 0, M) whose data starts with a Destination Options header of 16 bytes but only 8 present
        byte[] f = new byte[40 + 8 + 8];
        Ipv6Header.write(f, 0, 0, 0, 16, IpProtocols.FRAGMENT, 64, TestPackets.V6_SRC, TestPackets.V6_DST);
        Ipv6FragmentHeader.write(f, 40, IpProtocols.DSTOPTS, 0, true, 5);
        f[48] = (byte) IpProtocols.UDP;
        f[49] = 1; // (1 + 1) × 8 = 16 bytes
        assertEquals(
                new ReassemblyResult.Dropped(Reassembler.DropReason.INCOMPLETE_HEADER_CHAIN),
                reassembler.accept(f, 0, f.length));
        assertEquals(0, reassembler.pendingBytes());
    }

    @FuzzTest
    void reassemblerSurvivesArbitraryFragments(FuzzedDataProvider data) {
        Reassembler r = new Reassembler(new Reassembler.Limits(4, 20000, Duration.ofSeconds(5)), clock);
        while (data.remainingBytes() > 0) {
            byte[] pkt = data.consumeBytes(data.consumeInt(0, 1600));
            if (pkt.length > 0) {
                // steer towards fragments so the interesting paths run
                if (data.consumeBoolean() && pkt.length >= 20) {
                    pkt[0] = 0x45;
                    Bytes.put16(pkt, 2, pkt.length);
                    pkt[6] = (byte) (pkt[6] | 0x20);
                }
            }
            ReassemblyResult res = r.accept(pkt, 0, pkt.length);
            if (res instanceof ReassemblyResult.Complete(PacketBuffer out)) {
                try {
                    IpPacket.check(out.array(), out.start(), out.length());
                } catch (MalformedPacketException e) {
                    // a reassembled datagram may still carry a broken upper layer; its IP header must parse
                    if (e.getMessage().startsWith("IPv4: total")
                            || e.getMessage().startsWith("IPv6: payload")) throw new AssertionError(e);
                }
            }
            assertTrue(r.pendingBytes() <= 20000);
            assertTrue(r.pendingDatagrams() <= 4);
            if (data.consumeBoolean()) clock.advance(Duration.ofSeconds(1));
        }
        try {
            byte[] p = data.consumeRemainingAsBytes();
            Fragmenter.fragment(p, 0, p.length, 1280, 1);
        } catch (MalformedPacketException expected) {
            // the only exception allowed
        }
    }
}
