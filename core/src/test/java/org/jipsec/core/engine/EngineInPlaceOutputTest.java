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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.jipsec.core.engine.socket.UdpPackets;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.xform.Xform;
import org.junit.jupiter.api.Test;

/**
 * {@link IpsecEngine#outputInPlace} against {@link IpsecEngine#output}: two identical engine pairs (same seeds, same
 * SAs and policies, same clock) are fed the same packets, one through each API; every wire packet must be byte for
 * byte the same (same sequence numbers, IVs, padding), with the same encapsulation, the same per-SA accounting, and
 * the peer must accept it.
 */
class EngineInPlaceOutputTest {

    final EngineNet copying = new EngineNet();
    final EngineNet inPlace = new EngineNet();

    void both(Consumer<EngineNet> setup) {
        setup.accept(copying);
        setup.accept(inPlace);
    }

    static void gcmPair(EngineNet net, int spi, String src, String dst, IpsecMode mode, List<Extension> more) {
        for (EngineNet.Node n : List.of(net.a, net.b)) {
            List<Extension> x = new ArrayList<>(List.of(EngineNet.key(Sadb.SADB_EXT_KEY_ENCRYPT, 20, spi)));
            x.addAll(more);
            n.add(Sadb.SADB_SATYPE_ESP, spi, src, dst, mode, 0, 0, 20, 0, 4, x); // aes-gcm-16, 128-bit key + salt
        }
    }

    static byte[] packet(String src, String dst, int payload, int seed) {
        byte[] data = new byte[payload];
        for (int i = 0; i < payload; i++) data[i] = (byte) (seed * 13 + i);
        return UdpPackets.build(sock(src, 1000 + seed), sock(dst, 2000), data, seed, 64);
    }

    /** The packet at HEADROOM of an array with HEADROOM and TAILROOM, as the gateway gives it. */
    static PacketBuffer roomy(byte[] p) {
        byte[] a = new byte[Xform.HEADROOM + p.length + Xform.TAILROOM];
        System.arraycopy(p, 0, a, Xform.HEADROOM, p.length);
        return PacketBuffer.wrap(a, Xform.HEADROOM, p.length);
    }

    /**
     * Sends each packet through {@code output} on {@code copying} and through {@code outputInPlace} on {@code inPlace};
     * asserts identical wire packets, and that B of the in-place pair accepts each; returns the in-place results.
     */
    List<WirePacket> compare(List<byte[]> packets, boolean roomy) {
        return compare(packets, roomy, roomy);
    }

    /** {@code sameArray}: the room suffices (one SA), so the caller's array must be the one protected. */
    List<WirePacket> compare(List<byte[]> packets, boolean roomy, boolean sameArray) {
        List<WirePacket> out = new ArrayList<>();
        InPlaceOutput r = new InPlaceOutput();
        for (byte[] p : packets) {
            byte[] callers = p.clone();
            OutputDecision d = EngineCalls.output(copying.a.engine, PacketBuffer.wrap(callers), null);
            assertArrayEquals(p, callers, "output() leaves the caller's buffer alone");
            WirePacket expected = assertInstanceOf(OutputDecision.Send.class, d, d::toString)
                    .packets()
                    .getFirst();

            PacketBuffer buf = roomy ? roomy(p) : PacketBuffer.wrap(p.clone());
            byte[] before = buf.array();
            inPlace.a.engine.output(buf, Flow.LOCAL, r);
            assertTrue(r.sent(), r::toString);
            assertFalse(r.clear());
            assertNull(r.decision());
            if (sameArray) assertTrue(before == buf.array(), "protected in the caller's array, no reallocation");
            byte[] wire = Arrays.copyOfRange(buf.array(), buf.start(), buf.end());
            assertArrayEquals(expected.packet(), wire, "byte-identical to the copying path");
            assertEquals(expected.encapsulation(), r.encapsulation());
            WirePacket w = new WirePacket(wire, r.encapsulation());
            InputDecision in = EngineCalls.input(inPlace.b.engine, PacketBuffer.wrap(w.packet()), w.encapsulation());
            InputDecision.Deliver del = assertInstanceOf(InputDecision.Deliver.class, in, in::toString);
            assertArrayEquals(p, del.packet(), "the peer decrypts the original packet");
            out.add(w);
        }
        return out;
    }

    static List<byte[]> flow(String src, String dst) {
        List<byte[]> l = new ArrayList<>();
        int[] sizes = {1, 100, 1372, 1400, 33, 1372};
        for (int i = 0; i < sizes.length; i++) l.add(packet(src, dst, sizes[i], i + 1));
        return l;
    }

    static SecurityAssociation sa(EngineNet net, SaType type, IpsecMode mode, String src, String dst) {
        return net.a
                .engine
                .keyEngine()
                .lookupOutbound(
                        new SaIndex(type, mode, 0, new Endpoint(EngineNet.ip(src)), new Endpoint(EngineNet.ip(dst))))
                .orElseThrow();
    }

    @Test
    void gatewayTunnelGcmInUdpIsByteIdentical() {
        both(net -> {
            net.a.spdadd("10.1.0.0", 16, "10.2.0.0", 16, 255, "out ipsec esp/tunnel/" + A4 + "-" + B4 + "/require");
            net.b.spdadd("10.1.0.0", 16, "10.2.0.0", 16, 255, "in ipsec esp/tunnel/" + A4 + "-" + B4 + "/require");
            gcmPair(
                    net,
                    0x7001,
                    A4,
                    B4,
                    IpsecMode.TUNNEL,
                    List.of(
                            new Extension.NatTType(2),
                            new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_SPORT, 4500),
                            new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_DPORT, 4500)));
        });
        List<WirePacket> w = compare(flow("10.1.0.5", "10.2.0.7"), true);
        assertEquals(new Encapsulation.Udp(4500, 4500), w.getFirst().encapsulation());
        SecurityAssociation c = sa(copying, SaType.ESP, IpsecMode.TUNNEL, A4, B4);
        SecurityAssociation i = sa(inPlace, SaType.ESP, IpsecMode.TUNNEL, A4, B4);
        assertEquals(6, i.allocations(), "per-SA packet count");
        assertEquals(c.allocations(), i.allocations());
        assertEquals(c.bytes(), i.bytes(), "per-SA byte count");
    }

    @Test
    void transportCbcHmacWithRandomIvsIsByteIdentical() {
        both(net -> {
            net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
            net.b.spdaddHosts(A4, B4, "in ipsec esp/transport//require");
            net.espPair(0x7002, A4, B4, IpsecMode.TRANSPORT, List.of());
        });
        compare(flow(A4, B4), true);
    }

    @Test
    void bundleAndTunnel4in6AreByteIdentical() {
        both(net -> {
            net.a.spdadd("10.1.0.0", 16, "10.2.0.0", 16, 255, "out ipsec esp/tunnel/" + A6 + "-" + B6 + "/require");
            net.b.spdadd("10.1.0.0", 16, "10.2.0.0", 16, 255, "in ipsec esp/tunnel/" + A6 + "-" + B6 + "/require");
            gcmPair(net, 0x7003, A6, B6, IpsecMode.TUNNEL, List.of());
            net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require ah/transport//require");
            net.b.spdaddHosts(A4, B4, "in ipsec esp/transport//require ah/transport//require");
            net.espPair(0x7004, A4, B4, IpsecMode.TRANSPORT, List.of());
            net.ahPair(0x7005, A4, B4, IpsecMode.TRANSPORT);
        });
        compare(flow("10.1.0.5", "10.2.0.7"), true);
        List<WirePacket> w = compare(flow(A4, B4), true, false); // two SAs want twice the room: the buffer grows
        assertEquals(new Encapsulation.RawIp(51), w.getFirst().encapsulation(), "AH outermost");
    }

    @Test
    void withoutRoomTheBufferGrowsAndTheResultIsTheSame() {
        both(net -> {
            net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
            net.b.spdaddHosts(A4, B4, "in ipsec esp/transport//require");
            gcmPair(net, 0x7006, A4, B4, IpsecMode.TRANSPORT, List.of());
        });
        compare(flow(A4, B4), false);
        // and no room at all: a bare array of exactly the packet is replaced by a bigger one
        byte[] p = packet(A4, B4, 1400, 9);
        OutputDecision d = EngineCalls.output(copying.a.engine, PacketBuffer.wrap(p.clone()), null);
        PacketBuffer buf = PacketBuffer.wrap(p.clone());
        byte[] original = buf.array();
        InPlaceOutput r = new InPlaceOutput();
        inPlace.a.engine.output(buf, Flow.LOCAL, r);
        assertTrue(r.sent());
        assertTrue(original != buf.array(), "reallocated");
        assertArrayEquals(
                ((OutputDecision.Send) d).packets().getFirst().packet(),
                Arrays.copyOfRange(buf.array(), buf.start(), buf.end()));
    }

    @Test
    void clearPolicySendsTheBufferAsItIs() {
        inPlace.a.spdaddHosts(A4, B4, "out none");
        byte[] p = packet(A4, B4, 50, 1);
        PacketBuffer buf = roomy(p);
        InPlaceOutput r = new InPlaceOutput();
        inPlace.a.engine.output(buf, Flow.LOCAL, r);
        assertTrue(r.sent());
        assertTrue(r.clear(), "sent unprotected");
        assertEquals(new Encapsulation.RawIp(17), r.encapsulation());
        assertEquals(Xform.HEADROOM, buf.start());
        assertArrayEquals(p, Arrays.copyOfRange(buf.array(), buf.start(), buf.end()));
    }

    @Test
    void missingSaAndDiscardAreAnsweredWithTheDecision() {
        inPlace.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
        inPlace.a.spdaddHosts(A6, B6, "out discard");
        InPlaceOutput r = new InPlaceOutput();
        inPlace.a.engine.output(roomy(packet(A4, B4, 50, 1)), Flow.LOCAL, r);
        assertFalse(r.sent());
        assertNull(r.encapsulation());
        assertTrue(
                r.decision() instanceof OutputDecision.Queued || r.decision() instanceof OutputDecision.Drop,
                r::toString);
        inPlace.a.engine.output(roomy(packet(A6, B6, 50, 1)), Flow.LOCAL, r);
        OutputDecision.Drop drop = assertInstanceOf(OutputDecision.Drop.class, r.decision());
        assertEquals(DropCause.POLICY_DISCARD, drop.cause());
    }

    @Test
    void anSaDeletedBetweenTwoPacketsTakesEffectAtOnce() {
        inPlace.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
        gcmPair(inPlace, 0x7007, A4, B4, IpsecMode.TRANSPORT, List.of());
        InPlaceOutput r = new InPlaceOutput();
        inPlace.a.engine.output(roomy(packet(A4, B4, 50, 1)), Flow.LOCAL, r);
        assertTrue(r.sent());
        inPlace.a.ok(
                inPlace.a.admin,
                org.jipsec.core.pfkey.PfkeyMessage.of(
                        Sadb.SADB_DELETE,
                        Sadb.SADB_SATYPE_ESP,
                        0,
                        inPlace.a.pid,
                        List.of(
                                new Extension.Sa(0x7007, 0, 0, 0, 0, 0),
                                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, new Endpoint(EngineNet.ip(A4))),
                                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, new Endpoint(EngineNet.ip(B4))))));
        inPlace.a.engine.output(roomy(packet(A4, B4, 50, 2)), Flow.LOCAL, r);
        assertFalse(r.sent(), "no SA any more: " + r);
        // a new SA under another SPI is used by the next packet
        gcmPair(inPlace, 0x7008, A4, B4, IpsecMode.TRANSPORT, List.of());
        PacketBuffer buf = roomy(packet(A4, B4, 50, 3));
        inPlace.a.engine.output(buf, Flow.LOCAL, r);
        assertTrue(r.sent(), r::toString);
        assertEquals(0x7008, (int) org.jipsec.core.net.Bytes.u32(buf.array(), buf.start() + 20), "the new SA's SPI");
    }
}
