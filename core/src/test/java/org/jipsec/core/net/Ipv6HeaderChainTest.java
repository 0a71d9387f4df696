package org.jipsec.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Ipv6HeaderChainTest {

    @Test
    void walksHopByHopDestRoutingDestUdp() throws Exception {
        byte[] p = KnownPackets.bytes(KnownPackets.V6_FULL_CHAIN);
        Ipv6HeaderChain c = Ipv6HeaderChain.of(p, 0, p.length);
        assertEquals(4, c.count());
        assertEquals(List.of(0, 60, 43, 60), List.of(c.type(0), c.type(1), c.type(2), c.type(3)));
        assertEquals(List.of(40, 48, 56, 80), List.of(c.offset(0), c.offset(1), c.offset(2), c.offset(3)));
        assertEquals(List.of(8, 8, 24, 8), List.of(c.length(0), c.length(1), c.length(2), c.length(3)));
        assertEquals(IpProtocols.UDP, c.upperProtocol());
        assertEquals(88, c.upperOffset());
        // RFC 8200 §4.5: unfragmentable part ends after the Routing header
        assertEquals(80, c.unfragmentableEnd());
        assertEquals(56, c.unfragmentableNextHeaderField());
        // KAME: AH/ESP go after hbh, dest1, routing — before the second dest-opts header
        assertEquals(80, c.ipsecInsertionOffset());
        assertEquals(56, c.ipsecNextHeaderField());
        assertEquals(Ipv6Header.OFF_NEXT_HEADER, c.nextHeaderFieldOf(0));
        assertEquals(40, c.nextHeaderFieldOf(1));
        // the final destination is the routing header's address 2001:db8:3::3
        assertEquals(
                "2001:db8:3:0:0:0:0:3",
                Ipv6Header.address(p, c.finalDestinationOffset()).getHostAddress());
        assertEquals(2, c.routingIndex());
        assertEquals(-1, c.fragmentIndex());
        assertTrue(TransportChecksum.verify(p, 0, p.length)); // scapy used the final destination too
    }

    @Test
    void optionsOfHopByHopAndDestOpts() throws Exception {
        byte[] p = KnownPackets.bytes(KnownPackets.V6_FULL_CHAIN);
        Ipv6HeaderChain c = Ipv6HeaderChain.of(p, 0, p.length);
        OptionCursor o = new OptionCursor();
        List<Integer> hbh = new ArrayList<>();
        o.resetIpv6(p, c.offset(0), c.length(0));
        while (o.next()) hbh.add(o.type());
        assertEquals(List.of(OptionCursor.IPV6_ROUTER_ALERT, OptionCursor.IPV6_PADN), hbh);
        o.resetIpv6(p, c.offset(1), c.length(1));
        assertTrue(o.next());
        assertEquals(0x3e, o.type());
        assertTrue(OptionCursor.isMutableIpv6(o.type())); // 0x3e has the 0x20 "may change" bit
        assertEquals(4, o.dataLength());
        assertEquals(0xaa, p[o.dataOffset()] & 0xff);
        assertFalse(o.next());
    }

    @Test
    void destOptsWithoutRoutingIsSkippedForIpsecAsKameDoes() throws Exception {
        byte[] p = KnownPackets.bytes(KnownPackets.V6_DSTOPT_TCP);
        Ipv6HeaderChain c = Ipv6HeaderChain.of(p, 0, p.length);
        assertEquals(48, c.ipsecInsertionOffset());
        assertEquals(40, c.unfragmentableEnd()); // but it is fragmentable (no routing header)
        assertEquals(IpProtocols.TCP, c.upperProtocol());
    }

    @Test
    void insertionGoesBeforeAnExistingAh() throws Exception {
        byte[] p = KnownPackets.bytes(KnownPackets.V6_AH_TCP);
        Ipv6HeaderChain c = Ipv6HeaderChain.of(p, 0, p.length);
        assertEquals(1, c.count());
        assertEquals(24, c.length(0)); // (4 + 2) × 4
        assertEquals(IpProtocols.TCP, c.upperProtocol());
        assertEquals(64, c.upperOffset());
        assertEquals(40, c.ipsecInsertionOffset());
    }

    @Test
    void fragments() throws Exception {
        byte[] first = KnownPackets.bytes(KnownPackets.V6_FIRST_FRAGMENT);
        Ipv6HeaderChain c = Ipv6HeaderChain.of(first, 0, first.length);
        assertEquals(0, c.fragmentIndex());
        assertFalse(c.isLaterFragment());
        assertEquals(IpProtocols.ICMPV6, c.upperProtocol());
        assertEquals(48, c.upperOffset());
        assertEquals(48, c.ipsecInsertionOffset());
        byte[] later = KnownPackets.bytes(KnownPackets.V6_LATER_FRAGMENT);
        c = Ipv6HeaderChain.of(later, 0, later.length);
        assertTrue(c.isLaterFragment());
        assertEquals(24, Ipv6FragmentHeader.fragmentOffset(later, c.offset(0)));
        assertEquals(77, Ipv6FragmentHeader.identification(later, c.offset(0)));
        assertFalse(Ipv6FragmentHeader.moreFragments(later, c.offset(0)));
    }

    @Test
    void espEndsTheChain() throws Exception {
        byte[] p = KnownPackets.bytes(KnownPackets.V6_ESP);
        Ipv6HeaderChain c = Ipv6HeaderChain.of(p, 0, p.length);
        assertEquals(0, c.count());
        assertEquals(IpProtocols.ESP, c.upperProtocol());
        assertEquals(40, c.upperOffset());
    }

    @Test
    void rejectsTruncatedAndMisplacedHeaders() {
        byte[] p = KnownPackets.bytes(KnownPackets.V6_FULL_CHAIN);
        // payload length claims more than the buffer
        assertThrows(MalformedPacketException.class, () -> Ipv6HeaderChain.of(p, 0, p.length - 1));
        // routing header length runs past the payload
        byte[] q = p.clone();
        q[57] = 40;
        assertThrows(MalformedPacketException.class, () -> Ipv6HeaderChain.of(q, 0, q.length));
        // hop-by-hop after dest-opts (RFC 8200 §4.1)
        byte[] r = p.clone();
        r[48] = 0; // dest-opts' next header → hop-by-hop
        assertThrows(MalformedPacketException.class, () -> Ipv6HeaderChain.of(r, 0, r.length));
        // wrong version
        byte[] s = p.clone();
        s[0] = 0x45;
        assertThrows(MalformedPacketException.class, () -> Ipv6HeaderChain.of(s, 0, s.length));
    }

    @Test
    void headerFieldAccessors() {
        byte[] p = new byte[40];
        Ipv6Header.write(p, 0, 0xb8, 0x12345, 0, IpProtocols.NONE, 64, TestPackets.V6_SRC, TestPackets.V6_DST);
        assertEquals(6, Ipv6Header.version(p, 0));
        assertEquals(0xb8, Ipv6Header.trafficClass(p, 0));
        assertEquals(46, Ipv6Header.dscp(p, 0));
        assertEquals(0x12345, Ipv6Header.flowLabel(p, 0));
        Ipv6Header.setTrafficClass(p, 0, 0x03);
        assertEquals(0x12345, Ipv6Header.flowLabel(p, 0));
        assertEquals(3, Ipv6Header.ecn(p, 0));
        Ipv6Header.setFlowLabel(p, 0, 0xfffff);
        assertEquals(0x03, Ipv6Header.trafficClass(p, 0));
        assertEquals(64, Ipv6Header.hopLimit(p, 0));
        assertEquals("2001:db8:1:0:0:0:0:1", Ipv6Header.srcAddress(p, 0).getHostAddress());
    }

    @FuzzTest
    void chainWalkerThrowsOnlyMalformed(FuzzedDataProvider data) {
        byte[] b = data.consumeRemainingAsBytes();
        if (b.length > 0) b[0] = (byte) (0x60 | (b[0] & 0x0f));
        if (b.length >= 6) Bytes.put16(b, 4, Math.max(0, b.length - 40));
        try {
            Ipv6HeaderChain c = Ipv6HeaderChain.of(b, 0, b.length);
            for (int i = 0; i < c.count(); i++) {
                assertTrue(c.offset(i) + c.length(i) <= c.packetEnd());
                if (c.type(i) == IpProtocols.HOPOPTS || c.type(i) == IpProtocols.DSTOPTS) {
                    OptionCursor o = new OptionCursor().resetIpv6(b, c.offset(i), c.length(i));
                    while (o.next()) assertTrue(o.dataOffset() + o.dataLength() <= c.offset(i) + c.length(i));
                }
            }
            assertTrue(c.upperOffset() <= c.packetEnd());
            assertTrue(c.ipsecInsertionOffset() <= c.upperOffset());
            c.finalDestinationOffset();
        } catch (MalformedPacketException expected) {
            // the only exception allowed
        }
    }
}
