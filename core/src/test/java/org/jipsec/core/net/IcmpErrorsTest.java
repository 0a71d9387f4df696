package org.jipsec.core.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IcmpErrorsTest {

    @Test
    void fragmentationNeededQuotesHeaderAndEightBytes() throws Exception {
        byte[] p = TestPackets.udp4(new SplittableRandom(4), 1500);
        Ipv4Header.setDontFragment(p, 0, true);
        Ipv4Header.updateChecksum(p, 0);
        FragmentationResult r = Fragmenter.fragmentIpv4(p, 0, p.length, 1400);
        int mtu = assertInstanceOf(FragmentationResult.NeedsFragmentation.class, r)
                .mtu();
        byte[] icmp = IcmpErrors.fragmentationNeeded(p, 0, p.length, mtu, 0x0a000001);
        assertEquals(20 + 8 + 28, icmp.length);
        assertTrue(Ipv4Header.verifyChecksum(icmp, 0));
        assertTrue(TransportChecksum.verify(icmp, 0, icmp.length));
        assertEquals(TestPackets.V4_SRC, Ipv4Header.dst(icmp, 0));
        assertEquals(3, icmp[20]);
        assertEquals(4, icmp[21]);
        assertEquals(1400, Bytes.u16(icmp, 26));
        assertArrayEquals(Arrays.copyOf(p, 28), Arrays.copyOfRange(icmp, 28, 56));
        PacketSelector s = PacketSelector.of(icmp, 0, icmp.length, true);
        assertEquals(3, s.srcPort());
        assertEquals(4, s.dstPort());
    }

    @Test
    void packetTooBigStaysWithin1280() throws Exception {
        byte[] p = TestPackets.udp6(new SplittableRandom(5), 3000);
        byte[] icmp = IcmpErrors.packetTooBig(p, 0, p.length, 1400, TestPackets.V6_DST);
        assertEquals(1280, icmp.length);
        assertTrue(TransportChecksum.verify(icmp, 0, icmp.length));
        assertEquals(2, icmp[40]);
        assertEquals(1400, Bytes.i32(icmp, 44));
        assertEquals(Ipv6Header.srcHigh(p, 0), Ipv6Header.dstHigh(icmp, 0));
        // a datagram whose first fragment arrived times out: ICMPv6 Time Exceeded code 1 quoting it
        MutableClock clock = new MutableClock();
        Reassembler r = new Reassembler(Reassembler.Limits.defaults(), clock);
        var frags = assertInstanceOf(
                        FragmentationResult.Fragments.class, Fragmenter.fragmentIpv6(p, 0, p.length, 1280, 9))
                .packets();
        r.accept(frags.get(0), 0, frags.get(0).length);
        clock.advance(java.time.Duration.ofSeconds(60));
        var firsts = r.expire();
        assertEquals(1, firsts.size());
        assertArrayEquals(frags.get(0), firsts.get(0));
        byte[] te = IcmpErrors.reassemblyTimeExceeded6(firsts.get(0), TestPackets.V6_DST);
        assertEquals(1280, te.length);
        assertEquals(3, te[40]);
        assertEquals(1, te[41]);
        assertTrue(TransportChecksum.verify(te, 0, te.length));
    }
}
