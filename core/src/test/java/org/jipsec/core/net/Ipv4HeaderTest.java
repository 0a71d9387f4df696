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

class Ipv4HeaderTest {

    @Test
    void fieldsOfAScapyPacket() throws Exception {
        byte[] p = KnownPackets.bytes(KnownPackets.V4_LSRR_TCP);
        assertEquals(32, Ipv4Header.check(p, 0, p.length));
        assertEquals(4, Ipv4Header.version(p, 0));
        assertEquals(8, Ipv4Header.ihl(p, 0));
        assertEquals(52, Ipv4Header.totalLength(p, 0));
        assertEquals(1, Ipv4Header.identification(p, 0));
        assertFalse(Ipv4Header.dontFragment(p, 0));
        assertFalse(Ipv4Header.isFragment(p, 0));
        assertEquals(64, Ipv4Header.ttl(p, 0));
        assertEquals(IpProtocols.TCP, Ipv4Header.protocol(p, 0));
        assertEquals(0xcc9f, Ipv4Header.checksum(p, 0));
        assertTrue(Ipv4Header.verifyChecksum(p, 0));
        assertEquals("10.1.0.1", Ipv4Header.srcAddress(p, 0).getHostAddress());
        assertEquals(0x0a020001, Ipv4Header.dst(p, 0));
        assertEquals(12, Ipv4Header.optionsLength(p, 0));
        UpperLayer u = IpPacket.upperLayer(p, 0, p.length);
        assertEquals(new UpperLayer(IpProtocols.TCP, 32, false), u);
    }

    @Test
    void settersKeepOtherBits() {
        byte[] p = new byte[20];
        Ipv4Header.write(p, 0, 0xb9, 20, 7, Ipv4Header.FLAG_DF, 64, IpProtocols.UDP, 1, 2);
        assertEquals(46, Ipv4Header.dscp(p, 0));
        assertEquals(1, Ipv4Header.ecn(p, 0));
        Ipv4Header.setEcn(p, 0, 3);
        assertEquals(46, Ipv4Header.dscp(p, 0));
        Ipv4Header.setDscp(p, 0, 10);
        assertEquals(3, Ipv4Header.ecn(p, 0));
        Ipv4Header.setFragmentOffset(p, 0, 1480);
        Ipv4Header.setMoreFragments(p, 0, true);
        assertTrue(Ipv4Header.dontFragment(p, 0));
        assertEquals(185, Ipv4Header.fragmentOffsetUnits(p, 0));
        assertEquals(1480, Ipv4Header.fragmentOffset(p, 0));
        assertTrue(Ipv4Header.isFragment(p, 0));
        Ipv4Header.setDontFragment(p, 0, false);
        assertEquals(Ipv4Header.FLAG_MF | 185, Ipv4Header.flagsAndOffset(p, 0));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Header.setFragmentOffset(p, 0, 3));
    }

    @Test
    void optionsAndSourceRouteFinalDestination() throws Exception {
        byte[] p = KnownPackets.bytes(KnownPackets.V4_LSRR_TCP);
        List<Integer> types = new ArrayList<>();
        OptionCursor c = new OptionCursor().resetIpv4(p, 0);
        while (c.next()) types.add(c.type());
        assertEquals(List.of(OptionCursor.IPV4_LSRR, OptionCursor.IPV4_EOL), types);
        assertTrue(OptionCursor.isCopiedIpv4(OptionCursor.IPV4_LSRR));
        int fd = OptionCursor.ipv4SourceRouteFinalDestination(p, 0);
        assertEquals("10.3.0.3", Ipv4Header.toAddress(Bytes.i32(p, fd)).getHostAddress());
        assertTrue(TransportChecksum.verify(p, 0, p.length)); // scapy's checksum uses 10.3.0.3
        p[22] = 12; // pointer past the route: exhausted, the destination field is final
        assertEquals(-1, OptionCursor.ipv4SourceRouteFinalDestination(p, 0));
    }

    @Test
    void badHeadersAreMalformed() {
        byte[] p = KnownPackets.bytes(KnownPackets.V4_ICMP_ECHO);
        assertThrows(MalformedPacketException.class, () -> Ipv4Header.check(p, 0, 19));
        assertThrows(MalformedPacketException.class, () -> Ipv4Header.check(p, 0, p.length - 1)); // total length
        byte[] ihl = p.clone();
        ihl[0] = 0x44;
        assertThrows(MalformedPacketException.class, () -> Ipv4Header.check(ihl, 0, ihl.length));
        byte[] big = p.clone();
        big[0] = 0x4f;
        assertThrows(MalformedPacketException.class, () -> Ipv4Header.check(big, 0, big.length));
        byte[] opt = KnownPackets.bytes(KnownPackets.V4_LSRR_TCP);
        opt[21] = 40; // LSRR length runs past the header
        assertThrows(MalformedPacketException.class, () -> {
            OptionCursor c = new OptionCursor().resetIpv4(opt, 0);
            while (c.next()) {
                /* walk */
            }
        });
    }

    @Test
    void zeroesMutableIpv6OptionsForAh() throws Exception {
        byte[] p = KnownPackets.bytes(KnownPackets.V6_FULL_CHAIN);
        Ipv6HeaderChain c = Ipv6HeaderChain.of(p, 0, p.length);
        assertEquals(0, OptionCursor.zeroMutableIpv6Options(p, c.offset(0), c.length(0))); // router alert: 0x05
        assertEquals(1, OptionCursor.zeroMutableIpv6Options(p, c.offset(1), c.length(1))); // type 0x3e
        assertEquals("3e0400000000", Bytes.hex(p, c.offset(1) + 2, 6));
    }

    @FuzzTest
    void headerAndOptionsThrowOnlyMalformed(FuzzedDataProvider data) {
        byte[] b = data.consumeRemainingAsBytes();
        if (b.length > 0) b[0] = (byte) (0x40 | (b[0] & 0x0f));
        try {
            int hl = Ipv4Header.check(b, 0, b.length);
            OptionCursor c = new OptionCursor().resetIpv4(b, 0);
            while (c.next()) assertTrue(c.offset() + c.length() <= hl);
            OptionCursor.ipv4SourceRouteFinalDestination(b, 0);
            IpPacket.upperLayer(b, 0, b.length);
            Fragmenter.fragmentIpv4(b, 0, b.length, 68);
        } catch (MalformedPacketException expected) {
            // the only exception allowed
        }
    }
}
