package org.jipsec.core.engine;

import static org.jipsec.core.engine.EngineNet.A4;
import static org.jipsec.core.engine.EngineNet.A6;
import static org.jipsec.core.engine.EngineNet.B4;
import static org.jipsec.core.engine.EngineNet.B6;
import static org.jipsec.core.engine.EngineNet.sock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jipsec.core.engine.socket.Datagram;
import org.jipsec.core.engine.socket.JipsecDatagramSocket;
import org.jipsec.core.engine.socket.UdpPackets;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.spd.AppliedTransform;
import org.junit.jupiter.api.Test;

/**
 * Two engines wired in memory, SAs and policies installed through PF_KEY: each transform combination a user
 * configures with setkey, end to end through the datagram socket API or the forwarding path.
 */
class EngineTransformsTest {

    final EngineNet net = new EngineNet();

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }

    /** B listens on port 5000 of {@code bAddr}; A sends {@code msg}; returns what crossed the wire. */
    WirePacket sendAtoB(String bAddr, byte[] msg, JipsecDatagramSocket bSock) throws Exception {
        JipsecDatagramSocket as = net.a.host.openDatagramSocket(false);
        OutputDecision d = as.send(msg, sock(bAddr, 5000));
        assertInstanceOf(OutputDecision.Send.class, d, d::toString);
        List<WirePacket> wire = net.a.link.transmitted();
        WirePacket w = wire.getLast();
        List<InputDecision> in = net.a.link.deliver();
        assertInstanceOf(
                InputDecision.Deliver.class, in.getLast(), () -> in.getLast().toString());
        Datagram got = bSock.receive().orElseThrow();
        assertArrayEquals(msg, got.data());
        return w;
    }

    JipsecDatagramSocket listen(String addr) throws Exception {
        JipsecDatagramSocket s = net.b.host.openDatagramSocket(false);
        s.bind(sock(addr, 5000));
        return s;
    }

    void policies(String src, String dst, String requests) {
        net.a.spdaddHosts(src, dst, "out ipsec " + requests);
        net.b.spdaddHosts(src, dst, "in ipsec " + requests);
    }

    @Test
    void transportEspIpv4() throws Exception {
        policies(A4, B4, "esp/transport//require");
        net.espPair(0x1001, A4, B4, IpsecMode.TRANSPORT, List.of());
        JipsecDatagramSocket bs = listen(B4);
        byte[] msg = text("hello over esp v4");
        WirePacket w = sendAtoB(B4, msg, bs);
        assertEquals(new Encapsulation.RawIp(50), w.encapsulation());
        assertEquals(4, (w.packet()[0] & 0xf0) >>> 4);
        assertFalse(contains(w.packet(), msg), "payload must be encrypted");
        assertEquals(0x1001, (int) org.jipsec.core.net.Bytes.u32(w.packet(), 20), "SPI after the IPv4 header");
        var sa = net.a
                .engine
                .keyEngine()
                .lookupOutbound(new org.jipsec.core.sad.SaIndex(
                        org.jipsec.core.ipsec.SaType.ESP,
                        IpsecMode.TRANSPORT,
                        0,
                        new Endpoint(EngineNet.ip(A4)),
                        new Endpoint(EngineNet.ip(B4))))
                .orElseThrow();
        assertEquals(1, sa.allocations(), "per-SA accounting");
        assertTrue(sa.bytes() > msg.length);
    }

    /**
     * NetBSD's replay->count is the X_SA2 sequence setkey -D shows as {@code seq=}: packets sent on an outbound SA,
     * packets accepted on an inbound one (ipsec_updatereplay increments it per accepted packet).
     */
    @Test
    void inboundSaCountsAcceptedPacketsAsItsSequence() throws Exception {
        policies(A4, B4, "esp/transport//require");
        net.espPair(0x1005, A4, B4, IpsecMode.TRANSPORT, List.of());
        JipsecDatagramSocket bs = listen(B4);
        for (int i = 0; i < 3; i++) sendAtoB(B4, text("packet " + i), bs);
        var out = net.a
                .engine
                .keyEngine()
                .lookupOutbound(new org.jipsec.core.sad.SaIndex(
                        org.jipsec.core.ipsec.SaType.ESP,
                        IpsecMode.TRANSPORT,
                        0,
                        new Endpoint(EngineNet.ip(A4)),
                        new Endpoint(EngineNet.ip(B4))))
                .orElseThrow();
        var in = net.b
                .engine
                .keyEngine()
                .lookupInbound(EngineNet.ip(B4), org.jipsec.core.ipsec.SaType.ESP, 0x1005)
                .orElseThrow();
        assertEquals(3, out.sequence(), "outbound: the last sequence number sent");
        assertEquals(3, in.sequence(), "inbound: packets accepted");
    }

    @Test
    void transportEspIpv6() throws Exception {
        policies(A6, B6, "esp/transport//require");
        net.espPair(0x1002, A6, B6, IpsecMode.TRANSPORT, List.of());
        JipsecDatagramSocket bs = listen(B6);
        byte[] msg = text("hello over esp v6");
        WirePacket w = sendAtoB(B6, msg, bs);
        assertEquals(new Encapsulation.RawIp(50), w.encapsulation());
        assertEquals(6, (w.packet()[0] & 0xf0) >>> 4);
        assertFalse(contains(w.packet(), msg));
    }

    /** Forwards an inner packet through a tunnel; returns B's decision. */
    InputDecision tunnel(String innerSrc, String innerDst, String outerA, String outerB, byte[] payload) {
        net.a.spdadd(innerSrc, 16, innerDst, 16, 255, "out ipsec esp/tunnel/" + outerA + "-" + outerB + "/require");
        net.b.spdadd(innerSrc, 16, innerDst, 16, 255, "in ipsec esp/tunnel/" + outerA + "-" + outerB + "/require");
        net.espPair(0x2001, outerA, outerB, IpsecMode.TUNNEL, List.of());
        byte[] inner = UdpPackets.build(sock(innerSrc, 1234), sock(innerDst, 53), payload, 7, 63);
        OutputDecision d = EngineCalls.forward(net.a.engine, PacketBuffer.wrap(inner.clone()));
        OutputDecision.Send s = assertInstanceOf(OutputDecision.Send.class, d, d::toString);
        WirePacket w = s.packets().getFirst();
        assertEquals(new Encapsulation.RawIp(50), w.encapsulation());
        boolean outerV6 = outerA.contains(":");
        assertEquals(outerV6 ? 6 : 4, (w.packet()[0] & 0xf0) >>> 4, "outer family");
        InputDecision in = EngineCalls.input(net.b.engine, PacketBuffer.wrap(w.packet()), w.encapsulation());
        InputDecision.Deliver del = assertInstanceOf(InputDecision.Deliver.class, in, in::toString);
        assertArrayEquals(inner, del.packet(), "the inner packet comes out unchanged");
        assertEquals(
                List.of(new AppliedTransform(
                        IpsecProtocol.ESP,
                        IpsecMode.TUNNEL,
                        EngineNet.ip(outerA),
                        EngineNet.ip(outerB),
                        0x2001,
                        EngineNet.ip(outerA),
                        EngineNet.ip(outerB))),
                del.history());
        return in;
    }

    @Test
    void tunnelEsp4in6() {
        tunnel("10.1.0.5", "10.2.0.7", A6, B6, text("v4 inside v6"));
    }

    @Test
    void tunnelEsp6in4() {
        tunnel("fd01::5", "fd02::7", A4, B4, text("v6 inside v4"));
    }

    @Test
    void ahTransportAuthenticatesButShowsThePayload() throws Exception {
        policies(A4, B4, "ah/transport//require");
        net.ahPair(0x3001, A4, B4, IpsecMode.TRANSPORT);
        JipsecDatagramSocket bs = listen(B4);
        byte[] msg = text("authenticated, not secret");
        WirePacket w = sendAtoB(B4, msg, bs);
        assertEquals(new Encapsulation.RawIp(51), w.encapsulation());
        assertTrue(contains(w.packet(), msg));
        // a flipped payload bit in a fresh packet fails the ICV (RFC 4302 §3.4.4; a resent one is a replay first)
        net.a.host.openDatagramSocket(false).send(msg, sock(B4, 5000));
        net.a.link.discardQueued();
        byte[] bad = net.a.link.transmitted().getLast().packet().clone();
        bad[bad.length - 1] ^= 1;
        InputDecision d = net.b.host.receive(bad, w.encapsulation());
        InputDecision.Drop drop = assertInstanceOf(InputDecision.Drop.class, d);
        assertEquals(org.jipsec.core.xform.DropReason.BAD_AUTH, drop.xform());
    }

    @Test
    void espAhBundleInKameOrder() throws Exception {
        policies(A4, B4, "esp/transport//require ah/transport//require");
        net.espPair(0x4001, A4, B4, IpsecMode.TRANSPORT, List.of());
        net.ahPair(0x4002, A4, B4, IpsecMode.TRANSPORT);
        JipsecDatagramSocket bs = listen(B4);
        WirePacket w = sendAtoB(B4, text("bundle"), bs);
        // IP | AH | ESP | UDP: AH is the outer header, its next header ESP
        assertEquals(new Encapsulation.RawIp(51), w.encapsulation());
        assertEquals(50, w.packet()[20] & 0xff, "AH next header = ESP");
        assertTrue(bs.receive().isEmpty());
    }

    @Test
    void ipcompThenEsp() throws Exception {
        policies(A4, B4, "ipcomp/transport//use esp/transport//require");
        net.ipcompPair(0x5001, A4, B4, IpsecMode.TRANSPORT);
        net.espPair(0x5002, A4, B4, IpsecMode.TRANSPORT, List.of());
        JipsecDatagramSocket bs = listen(B4);
        byte[] msg = new byte[1200];
        Arrays.fill(msg, (byte) 'a');
        JipsecDatagramSocket as = net.a.host.openDatagramSocket(false);
        OutputDecision.Send s = assertInstanceOf(OutputDecision.Send.class, as.send(msg, sock(B4, 5000)));
        WirePacket w = s.packets().getFirst();
        assertEquals(new Encapsulation.RawIp(50), w.encapsulation());
        assertTrue(w.packet().length < 600, "compressed before encryption: " + w.packet().length);
        InputDecision.Deliver del = assertInstanceOf(
                InputDecision.Deliver.class, net.a.link.deliver().getFirst());
        assertEquals(
                List.of(IpsecProtocol.ESP, IpsecProtocol.IPCOMP),
                del.history().stream().map(AppliedTransform::protocol).toList());
        assertArrayEquals(msg, bs.receive().orElseThrow().data());
    }

    @Test
    void natTraversalUdpEncapsulation() throws Exception {
        policies(A4, B4, "esp/transport//require");
        net.espPair(
                0x6001,
                A4,
                B4,
                IpsecMode.TRANSPORT,
                List.of(
                        new Extension.NatTType(2),
                        new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_SPORT, 4500),
                        new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_DPORT, 4500)));
        JipsecDatagramSocket bs = listen(B4);
        WirePacket w = sendAtoB(B4, text("behind a NAT"), bs);
        assertEquals(new Encapsulation.Udp(4500, 4500), w.encapsulation());
        assertEquals(17, w.packet()[9] & 0xff, "outer IPv4 protocol UDP");
        assertEquals(0x6001, (int) org.jipsec.core.net.Bytes.u32(w.payload(), 0), "ESP SPI right after the UDP header");

        // the same flow as the io layer's UDP 4500 socket sees it: payload + addresses
        JipsecDatagramSocket as = net.a.host.openDatagramSocket(false);
        as.send(text("second"), sock(B4, 5000));
        WirePacket w2 = net.a.link.transmitted().getLast();
        net.a.link.discardQueued();
        Encapsulation.UdpDatagram how = new Encapsulation.UdpDatagram(
                new Endpoint(EngineNet.ip(A4), 4500), new Endpoint(EngineNet.ip(B4), 4500));
        InputDecision d = EngineCalls.input(net.b.engine, PacketBuffer.wrap(w2.payload()), how);
        InputDecision.Deliver del = assertInstanceOf(InputDecision.Deliver.class, d, d::toString);
        assertArrayEquals(
                text("second"), UdpPackets.parse(del.packet()).orElseThrow().data());

        assertInstanceOf(
                InputDecision.Keepalive.class,
                EngineCalls.input(net.b.engine, PacketBuffer.wrap(new byte[] {(byte) 0xff}), how));
        List<WirePacket> keepalives = net.a.engine.natKeepalives(net.a.host.addresses());
        assertEquals(1, keepalives.size(), "one per NAT-T SA sent from here");
        assertEquals(new Encapsulation.Udp(4500, 4500), keepalives.getFirst().encapsulation());
        assertInstanceOf(
                InputDecision.Keepalive.class,
                net.b.host.receive(
                        keepalives.getFirst().packet(), keepalives.getFirst().encapsulation()));
        assertEquals(0, net.b.engine.natKeepalives(net.b.host.addresses()).size(), "B is the responder");
        InputDecision ike =
                EngineCalls.input(net.b.engine, PacketBuffer.wrap(new byte[] {0, 0, 0, 0, 'I', 'K', 'E'}), how);
        assertArrayEquals(
                text("IKE"), assertInstanceOf(InputDecision.Ike.class, ike).payload());
    }

    @Test
    void replayedPacketIsDropped() throws Exception {
        policies(A4, B4, "esp/transport//require");
        net.espPair(0x7001, A4, B4, IpsecMode.TRANSPORT, List.of());
        JipsecDatagramSocket bs = listen(B4);
        WirePacket w = sendAtoB(B4, text("once"), bs);
        InputDecision d = net.b.host.receive(w.packet().clone(), w.encapsulation());
        InputDecision.Drop drop = assertInstanceOf(InputDecision.Drop.class, d, d::toString);
        assertEquals(DropCause.XFORM, drop.cause());
        assertEquals(org.jipsec.core.xform.DropReason.REPLAY, drop.xform());
        assertEquals(
                1, net.b.engine.xformStatistics().drops(IpsecProtocol.ESP, org.jipsec.core.xform.DropReason.REPLAY));
        assertTrue(bs.receive().isEmpty());
    }

    @Test
    void enableSysctlsAndDfbitApplyToTheNextPacket() throws Exception {
        net.a.spdadd("10.1.0.0", 16, "10.2.0.0", 16, 255, "out ipsec esp/tunnel/" + A4 + "-" + B4 + "/require");
        net.espPair(0x2101, A4, B4, IpsecMode.TUNNEL, List.of());
        byte[] inner = UdpPackets.build(sock("10.1.0.5", 1), sock("10.2.0.7", 2), text("df"), 7, 63);
        org.jipsec.core.net.Ipv4Header.setDontFragment(inner, 0, true);
        org.jipsec.core.net.Ipv4Header.updateChecksum(inner, 0);
        // dfbit 2 (default): copied from the inner header (spec §4.11)
        WirePacket w = ((OutputDecision.Send) EngineCalls.forward(net.a.engine, PacketBuffer.wrap(inner.clone())))
                .packets()
                .getFirst();
        assertTrue(org.jipsec.core.net.Ipv4Header.dontFragment(w.packet(), 0));
        net.a.sysctl.write(org.jipsec.core.sysctl.SysctlNames.IPSEC_DFBIT, 0);
        w = ((OutputDecision.Send) EngineCalls.forward(net.a.engine, PacketBuffer.wrap(inner.clone())))
                .packets()
                .getFirst();
        assertFalse(
                org.jipsec.core.net.Ipv4Header.dontFragment(w.packet(), 0), "dfbit 0 clears DF on the outer header");
        net.a.sysctl.write(org.jipsec.core.sysctl.SysctlNames.IPSEC_ESP_ENABLE, 0);
        OutputDecision d = EngineCalls.forward(net.a.engine, PacketBuffer.wrap(inner.clone()));
        OutputDecision.Drop drop = assertInstanceOf(OutputDecision.Drop.class, d, d::toString);
        assertEquals(org.jipsec.core.xform.DropReason.DISABLED, drop.xform());
        assertEquals(1, net.a.engine.statistics().get(IpsecStatistics.OUT_INVAL));
    }
}
