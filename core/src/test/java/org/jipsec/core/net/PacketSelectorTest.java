package org.jipsec.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.SplittableRandom;
import org.jipsec.core.ipsec.Endpoint;
import org.junit.jupiter.api.Test;

/** Spec §4.1 "Packet selector" (ipsec4_get_ulp / ipsec6_get_ulp), case by case. */
class PacketSelectorTest {

    private static PacketSelector sel(String hex, boolean needPort) throws MalformedPacketException {
        byte[] p = Bytes.fromHex(hex);
        return PacketSelector.of(p, 0, p.length, needPort);
    }

    @Test
    void tcpPortsOnlyWhenNeeded() throws Exception {
        byte[] p = TestPackets.tcp4(new SplittableRandom(1), 10, 0x02);
        PacketSelector s = PacketSelector.of(p, 0, p.length, true);
        assertEquals(IpProtocols.TCP, s.protocol());
        assertEquals(40000, s.srcPort());
        assertEquals(80, s.dstPort());
        assertEquals("10.1.0.1[40000] 10.2.0.1[80] tcp", s.toString());
        assertEquals(new Endpoint(Ipv4Header.toAddress(TestPackets.V4_SRC), 40000), s.source());
        s = PacketSelector.of(p, 0, p.length, false);
        assertEquals(IpProtocols.TCP, s.protocol());
        assertEquals(0, s.srcPort());
        assertEquals(32, s.addressBits());
    }

    @Test
    void icmpTypeAndCodeAreThePortsEvenWithoutNeedPort() throws Exception {
        PacketSelector s = sel(KnownPackets.V4_ICMP_ECHO, false);
        assertEquals(IpProtocols.ICMP, s.protocol());
        assertEquals(8, s.srcPort());
        assertEquals(0, s.dstPort());
    }

    @Test
    void ipv4FragmentsHaveAnyProtocolAndNoPorts() throws Exception {
        byte[] p = TestPackets.tcp4(new SplittableRandom(1), 10, 0x02);
        Ipv4Header.setMoreFragments(p, 0, true);
        PacketSelector s = PacketSelector.of(p, 0, p.length, true);
        assertEquals(IpProtocols.ANY, s.protocol());
        assertEquals(0, s.srcPort());
    }

    @Test
    void ahIsSkipped() throws Exception {
        PacketSelector s = sel(KnownPackets.V4_AH_UDP, true);
        assertEquals(IpProtocols.UDP, s.protocol());
        assertEquals(500, s.srcPort());
        assertEquals(4500, s.dstPort());
        s = sel(KnownPackets.V6_AH_TCP, true);
        assertEquals(IpProtocols.TCP, s.protocol());
        assertEquals(1234, s.srcPort());
    }

    @Test
    void truncatedTcpHeaderGivesAnyOnIpv4() throws Exception {
        byte[] p = TestPackets.tcp4(new SplittableRandom(1), 0, 0x02);
        byte[] cut = java.util.Arrays.copyOf(p, 30);
        Ipv4Header.setTotalLength(cut, 0, 30);
        assertEquals(
                IpProtocols.ANY, PacketSelector.of(cut, 0, cut.length, true).protocol());
    }

    @Test
    void ipv6UsesTheLastHeader() throws Exception {
        PacketSelector s = sel(KnownPackets.V6_FULL_CHAIN, true);
        assertEquals(IpProtocols.UDP, s.protocol());
        assertEquals(500, s.srcPort());
        assertEquals(4500, s.dstPort());
        assertEquals(128, s.addressBits());
        assertEquals("2001:db8:2:0:0:0:0:1", s.dstAddress().getHostAddress());
        s = sel(KnownPackets.V6_FIRST_FRAGMENT, true);
        assertEquals(IpProtocols.ICMPV6, s.protocol());
        assertEquals(128, s.srcPort()); // echo request
        // a later fragment: any protocol, no ports (as IPv4)
        s = sel(KnownPackets.V6_LATER_FRAGMENT, true);
        assertEquals(IpProtocols.ANY, s.protocol());
        assertEquals(0, s.srcPort());
        assertEquals(IpProtocols.ESP, sel(KnownPackets.V6_ESP, true).protocol());
    }

    @Test
    void garbageIsMalformed() {
        assertThrows(MalformedPacketException.class, () -> PacketSelector.of(new byte[0], 0, 0, true));
        assertThrows(MalformedPacketException.class, () -> PacketSelector.of(new byte[] {0x45, 0}, 0, 2, true));
        assertThrows(MalformedPacketException.class, () -> PacketSelector.of(new byte[20], 0, 20, true));
    }

    @FuzzTest
    void selectorThrowsOnlyMalformed(FuzzedDataProvider data) {
        boolean needPort = data.consumeBoolean();
        byte[] b = data.consumeRemainingAsBytes();
        try {
            PacketSelector s = PacketSelector.of(b, 0, b.length, needPort);
            assertEquals(s.ipv6() ? 16 : 4, s.srcBytes().length);
            IpPacket.upperLayer(b, 0, b.length);
        } catch (MalformedPacketException expected) {
            // the only exception allowed
        }
    }
}
