package org.jipsec.core.engine;

import static org.jipsec.core.engine.EngineNet.A4;
import static org.jipsec.core.engine.EngineNet.A6;
import static org.jipsec.core.engine.EngineNet.B4;
import static org.jipsec.core.engine.EngineNet.B6;
import static org.jipsec.core.engine.EngineNet.sock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.jipsec.core.engine.socket.UdpPackets;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.sysctl.SysctlNames;
import org.jipsec.core.xform.NetbsdStatsLayout;
import org.junit.jupiter.api.Test;

/**
 * {@code net.inet.ipsec.ipip_spoofcheck} (NetBSD xform_ipip.c {@code _ipip_input}): a packet out of a tunnel-mode SA
 * whose inner source is one of the receiving host's addresses is dropped and counted as {@code IPIP_STAT_SPOOF};
 * with the variable at 0, or for any other inner source, it is delivered.
 */
class EngineSpoofCheckTest {

    final EngineNet net = new EngineNet();

    /** A → B through an ESP tunnel between outerA and outerB; returns B's decision for one UDP packet. */
    private InputDecision through(String innerSrc, String innerDst, String outerA, String outerB, int spi) {
        byte[] inner = UdpPackets.build(sock(innerSrc, 1234), sock(innerDst, 53), new byte[] {1, 2, 3}, 7, 63);
        OutputDecision d = EngineCalls.forward(net.a.engine, PacketBuffer.wrap(inner));
        OutputDecision.Send s = assertInstanceOf(OutputDecision.Send.class, d, d::toString);
        WirePacket w = s.packets().getFirst();
        return EngineCalls.input(net.b.engine, PacketBuffer.wrap(w.packet()), w.encapsulation());
    }

    private void tunnel(String innerSrc, int srcLen, String innerDst, String outerA, String outerB, int spi) {
        net.a.spdadd(innerSrc, srcLen, innerDst, 16, 255, "out ipsec esp/tunnel/" + outerA + "-" + outerB + "/require");
        net.b.spdadd(innerSrc, srcLen, innerDst, 16, 255, "in ipsec esp/tunnel/" + outerA + "-" + outerB + "/require");
        net.espPair(spi, outerA, outerB, IpsecMode.TUNNEL, List.of());
    }

    private long spoofCounter() throws Exception {
        byte[] raw = net.b.sysctl.readStruct(SysctlNames.IPIP_STATS);
        return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(8 * NetbsdStatsLayout.IPIP_STAT_SPOOF);
    }

    @Test
    void aTunnelledPacketWithALocalSourceIsDroppedAndCounted() throws Exception {
        tunnel("10.1.0.0", 16, "10.2.0.0", A4, B4, 0x3001);
        net.b.engine.setLocalAddresses(LocalAddresses.of(
                List.of(EngineNet.ip(B4).getAddress(), EngineNet.ip("10.1.0.9").getAddress())));
        assertInstanceOf(InputDecision.Deliver.class, through("10.1.0.5", "10.2.0.7", A4, B4, 0x3001));
        InputDecision in = through("10.1.0.9", "10.2.0.7", A4, B4, 0x3001);
        InputDecision.Drop drop = assertInstanceOf(InputDecision.Drop.class, in, in::toString);
        assertEquals(DropCause.SPOOFED, drop.cause());
        assertEquals(1, spoofCounter());

        net.b.sysctl.write(SysctlNames.IPSEC_IPIP_SPOOFCHECK, 0);
        assertInstanceOf(
                InputDecision.Deliver.class,
                through("10.1.0.9", "10.2.0.7", A4, B4, 0x3001),
                "ipip_spoofcheck = 0 lets it through");
        assertEquals(1, spoofCounter());
    }

    @Test
    void ipv6InnerPacketsAreCheckedAgainstIpv6Addresses() throws Exception {
        tunnel("fd01::", 16, "fd02::", A6, B6, 0x3002);
        net.b.engine.setLocalAddresses(
                LocalAddresses.of(List.of(EngineNet.ip("fd01::9").getAddress())));
        assertInstanceOf(InputDecision.Deliver.class, through("fd01::5", "fd02::7", A6, B6, 0x3002));
        InputDecision.Drop drop =
                assertInstanceOf(InputDecision.Drop.class, through("fd01::9", "fd02::7", A6, B6, 0x3002));
        assertEquals(DropCause.SPOOFED, drop.cause());
        assertEquals(1, spoofCounter());
    }

    @Test
    void withoutKnownLocalAddressesNothingIsASpoof() {
        tunnel("10.1.0.0", 16, "10.2.0.0", A4, B4, 0x3003);
        assertInstanceOf(InputDecision.Deliver.class, through("10.1.0.9", "10.2.0.7", A4, B4, 0x3003));
    }
}
