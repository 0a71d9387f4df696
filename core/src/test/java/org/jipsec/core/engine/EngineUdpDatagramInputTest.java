package org.jipsec.core.engine;

import static org.jipsec.core.engine.EngineNet.A4;
import static org.jipsec.core.engine.EngineNet.A6;
import static org.jipsec.core.engine.EngineNet.B4;
import static org.jipsec.core.engine.EngineNet.B6;
import static org.jipsec.core.engine.EngineNet.key;
import static org.jipsec.core.engine.EngineNet.sock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.jipsec.core.engine.socket.UdpPackets;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.xform.DropReason;
import org.junit.jupiter.api.Test;

/**
 * The NAT-T socket's input ({@link IpsecEngine#input} with {@link Encapsulation.UdpDatagram}: the ESP bytes and the
 * outer endpoints, no IP/UDP header — taken without rebuilding the UDP header and decrypted into a second buffer)
 * decides exactly as the same datagram given whole (IP + UDP header, RFC 3948 §2.2) through the general path: same
 * decision (delivered bytes and history, drop cause, reason and detail), same transform and policy counters. Two
 * identical worlds; one receives the payloads, the other the whole packets (a third the payloads in lent buffers,
 * {@link IpsecEngine#inputDatagram}): valid ones (tunnel and transport, IPv4
 * and IPv6, AES-GCM and AES-CBC + HMAC), replays, a policy violation, and every truncation and random bit flips.
 */
class EngineUdpDatagramInputTest {

    private static final List<Extension> NAT_T = List.of(
            new Extension.NatTType(2),
            new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_SPORT, 4500),
            new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_DPORT, 4500));

    /** One world: A sends, B receives; built the same way every time (seeded), so two worlds agree byte for byte. */
    private static EngineNet world() {
        EngineNet net = new EngineNet();
        net.a.spdadd("10.1.0.0", 16, "10.2.0.0", 16, 255, "out ipsec esp/tunnel/" + A4 + "-" + B4 + "/require");
        net.b.spdadd("10.1.0.0", 16, "10.2.0.0", 16, 255, "in ipsec esp/tunnel/" + A4 + "-" + B4 + "/require");
        net.a.spdadd("10.1.0.0", 16, "10.3.0.0", 16, 255, "out ipsec esp/tunnel/" + A4 + "-" + B4 + "/require");
        net.b.spdadd("10.1.0.0", 16, "10.3.0.0", 16, 255, "in discard"); // policy violation on B
        net.a.spdaddHosts(A6, B6, "out ipsec esp/transport//require");
        net.b.spdaddHosts(A6, B6, "in ipsec esp/transport//require");
        net.a.spdadd("10.1.0.0", 16, "10.4.0.0", 16, 255, "out ipsec esp/tunnel/fd00::11-fd00::12/require");
        net.b.spdadd("10.1.0.0", 16, "10.4.0.0", 16, 255, "in ipsec esp/tunnel/fd00::11-fd00::12/require");
        for (EngineNet.Node n : List.of(net.a, net.b)) {
            // aes-gcm-16 (SADB_X_EALG_AESGCM16 = 20), 160-bit key with salt; tunnel v4 and transport v6
            n.add(
                    Sadb.SADB_SATYPE_ESP,
                    0x2001,
                    A4,
                    B4,
                    IpsecMode.TUNNEL,
                    0,
                    0,
                    20,
                    0,
                    4,
                    concat(List.of(key(Sadb.SADB_EXT_KEY_ENCRYPT, 20, 0x2001)), NAT_T));
            n.add(
                    Sadb.SADB_SATYPE_ESP,
                    0x2002,
                    A6,
                    B6,
                    IpsecMode.TRANSPORT,
                    0,
                    0,
                    20,
                    0,
                    4,
                    concat(List.of(key(Sadb.SADB_EXT_KEY_ENCRYPT, 20, 0x2002)), NAT_T));
        }
        // aes-cbc + hmac-sha256, IPv4 in IPv6 tunnel
        net.espPair(0x2003, "fd00::11", "fd00::12", IpsecMode.TUNNEL, NAT_T);
        return net;
    }

    private static List<Extension> concat(List<Extension> a, List<Extension> b) {
        List<Extension> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    /** The protected packets A sends, whole (IP + UDP + ESP). */
    private static List<WirePacket> traffic(EngineNet net, int perFlow) throws Exception {
        List<WirePacket> out = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < perFlow; i++) {
            byte[] data = new byte[1 + rnd.nextInt(1400)];
            rnd.nextBytes(data);
            for (String[] f : List.of(
                    new String[] {"10.1.0.1", "10.2.0.9"},
                    new String[] {"10.1.0.1", "10.3.0.9"},
                    new String[] {A6, B6},
                    new String[] {"10.1.0.1", "10.4.0.9"})) {
                byte[] p = UdpPackets.build(sock(f[0], 1000 + i), sock(f[1], 2000), data, i + 1, 64);
                OutputDecision d = EngineCalls.output(net.a.engine, PacketBuffer.wrap(p), null);
                OutputDecision.Send s = assertInstanceOf(OutputDecision.Send.class, d, d::toString);
                WirePacket w = s.packets().getFirst();
                assertEquals(new Encapsulation.Udp(4500, 4500), w.encapsulation());
                out.add(w);
            }
        }
        return out;
    }

    /** The datagram {@code payload} from {@code src} to {@code dst} as it was on the wire: IP + UDP (checksum 0). */
    private static byte[] whole(byte[] payload, Endpoint src, Endpoint dst) {
        boolean v6 = src.isIpv6();
        int hl = v6 ? 40 : 20;
        byte[] p = new byte[hl + 8 + payload.length];
        int udpLen = 8 + payload.length;
        if (v6) {
            p[0] = 0x60;
            p[4] = (byte) (udpLen >>> 8);
            p[5] = (byte) udpLen;
            p[6] = 17;
            p[7] = 64;
            System.arraycopy(src.address().getAddress(), 0, p, 8, 16);
            System.arraycopy(dst.address().getAddress(), 0, p, 24, 16);
        } else {
            p[0] = 0x45;
            p[2] = (byte) (p.length >>> 8);
            p[3] = (byte) p.length;
            p[8] = 64;
            p[9] = 17;
            System.arraycopy(src.address().getAddress(), 0, p, 12, 4);
            System.arraycopy(dst.address().getAddress(), 0, p, 16, 4);
            long sum = 0;
            for (int i = 0; i < 20; i += 2) sum += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
            while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
            int c = (int) ~sum & 0xffff;
            p[10] = (byte) (c >>> 8);
            p[11] = (byte) c;
        }
        p[hl] = (byte) (src.port() >>> 8);
        p[hl + 1] = (byte) src.port();
        p[hl + 2] = (byte) (dst.port() >>> 8);
        p[hl + 3] = (byte) dst.port();
        p[hl + 4] = (byte) (udpLen >>> 8);
        p[hl + 5] = (byte) udpLen;
        System.arraycopy(payload, 0, p, hl + 8, payload.length);
        return p;
    }

    private static void assertSame(InputDecision viaDatagram, InputDecision viaWhole, String what) {
        assertEquals(viaWhole.getClass(), viaDatagram.getClass(), what + ": " + viaWhole + " vs " + viaDatagram);
        switch (viaWhole) {
            case InputDecision.Deliver w -> {
                InputDecision.Deliver d = (InputDecision.Deliver) viaDatagram;
                assertArrayEquals(w.packet(), d.packet(), what);
                assertEquals(w.history(), d.history(), what);
            }
            case InputDecision.Drop w -> {
                InputDecision.Drop d = (InputDecision.Drop) viaDatagram;
                assertEquals(w.cause(), d.cause(), what);
                assertEquals(w.xform(), d.xform(), what);
                assertEquals(w.detail(), d.detail(), what);
            }
            case InputDecision.Ike w ->
                assertArrayEquals(w.payload(), ((InputDecision.Ike) viaDatagram).payload(), what);
            default -> assertEquals(viaWhole, viaDatagram, what);
        }
    }

    private static void assertSameCounters(EngineNet x, EngineNet y) {
        for (IpsecProtocol p : IpsecProtocol.values()) {
            for (DropReason r : DropReason.values()) {
                assertEquals(
                        y.b.engine.xformStatistics().drops(p, r),
                        x.b.engine.xformStatistics().drops(p, r),
                        p + " " + r);
            }
            assertEquals(
                    y.b.engine.xformStatistics().inputPackets(p),
                    x.b.engine.xformStatistics().inputPackets(p));
            assertEquals(
                    y.b.engine.xformStatistics().inputBytes(p),
                    x.b.engine.xformStatistics().inputBytes(p));
        }
        assertEquals(
                y.b.engine.statistics().get(IpsecStatistics.IN_POLVIO),
                x.b.engine.statistics().get(IpsecStatistics.IN_POLVIO));
        for (int spi : new int[] {0x2001, 0x2002, 0x2003}) {
            for (String dst : List.of(B4, B6, "fd00::12")) {
                var sx = x.b.engine
                        .keyEngine()
                        .lookupInbound(InetAddress.ofLiteral(dst), org.jipsec.core.ipsec.SaType.ESP, spi);
                var sy = y.b.engine
                        .keyEngine()
                        .lookupInbound(InetAddress.ofLiteral(dst), org.jipsec.core.ipsec.SaType.ESP, spi);
                assertEquals(sy.isPresent(), sx.isPresent());
                if (sx.isPresent())
                    assertEquals(sy.get().bytes(), sx.get().bytes(), "SA 0x" + Integer.toHexString(spi) + " bytes");
            }
        }
    }

    private static Endpoint[] endpoints(WirePacket w) {
        byte[] p = w.packet();
        boolean v6 = (p[0] & 0xf0) == 0x60;
        int n = v6 ? 16 : 4;
        int at = v6 ? 8 : 12;
        try {
            Endpoint src = new Endpoint(InetAddress.getByAddress(Arrays.copyOfRange(p, at, at + n)), 4500);
            Endpoint dst = new Endpoint(InetAddress.getByAddress(Arrays.copyOfRange(p, at + n, at + 2 * n)), 4500);
            return new Endpoint[] {src, dst};
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The world fed through {@link IpsecEngine#inputDatagram} (lent buffers), next to each test's x. */
    private final java.util.Map<EngineNet, EngineNet> lent = new java.util.IdentityHashMap<>();

    private int headroom;
    private final InputResult result = new InputResult();

    private void feedBoth(EngineNet x, EngineNet y, byte[] payload, Endpoint src, Endpoint dst, String what) {
        byte[] copy = payload.clone();
        InputDecision dx =
                EngineCalls.input(x.b.engine, PacketBuffer.wrap(copy), new Encapsulation.UdpDatagram(src, dst));
        assertArrayEquals(payload, copy, "the caller's buffer is not modified");
        InputDecision dy = EngineCalls.input(y.b.engine, PacketBuffer.wrap(whole(payload, src, dst)), Encapsulation.IP);
        assertSame(dx, dy, what);
        EngineNet z = lent.get(x);
        if (z != null) {
            // a lent buffer: headroom 0, 20, 40 or 64 (room for the IP header or not), junk around the datagram
            int room = new int[] {0, 20, 40, 64}[headroom++ & 3];
            byte[] buf = new byte[room + payload.length + 7];
            java.util.Arrays.fill(buf, (byte) 0x5a);
            System.arraycopy(payload, 0, buf, room, payload.length);
            InputDecision dz;
            if ((headroom & 4) == 0) {
                dz = EngineCalls.inputDatagram(
                        z.b.engine,
                        PacketBuffer.wrap(buf, room, payload.length),
                        new Encapsulation.UdpDatagram(src, dst));
            } else {
                // no array made for a delivery: the packet is a range of the engine's buffer
                InputResult r = result;
                z.b.engine.input(
                        PacketBuffer.wrap(buf, room, payload.length), new Encapsulation.UdpDatagram(src, dst), r);
                assertEquals(dy instanceof InputDecision.Deliver, r.delivered(), what);
                if (r.delivered()) assertEquals(null, r.decision());
                dz = r.toDecision();
            }
            assertSame(dz, dy, what + " (lent buffer, headroom " + room + ")");
        }
    }

    @Test
    void validReplayedAndRejectedDatagramsDecideAsTheWholePacket() throws Exception {
        EngineNet x = world();
        EngineNet y = world();
        EngineNet z = world();
        lent.put(x, z);
        List<WirePacket> wire = traffic(x, 12);
        assertEquals(wire, traffic(y, 12), "both worlds send the same bytes");
        assertEquals(wire, traffic(z, 12));
        int delivered = 0;
        for (WirePacket w : wire) {
            Endpoint[] e = endpoints(w);
            feedBoth(x, y, w.payload(), e[0], e[1], "valid");
            feedBoth(x, y, w.payload(), e[0], e[1], "replayed");
        }
        assertSameCounters(x, y);
        assertSameCounters(z, y);
        assertTrue(x.b.engine.xformStatistics().drops(IpsecProtocol.ESP, DropReason.REPLAY) >= wire.size());
        assertTrue(x.b.engine.statistics().get(IpsecStatistics.IN_POLVIO) > 0, "the discard policy was hit");
        for (WirePacket w : wire) {
            Endpoint[] e = endpoints(w);
            InputDecision d = EngineCalls.input(
                    x.b.engine, PacketBuffer.wrap(w.payload()), new Encapsulation.UdpDatagram(e[0], e[1]));
            if (d instanceof InputDecision.Deliver) delivered++;
        }
        assertEquals(0, delivered, "everything was seen once already");
    }

    @Test
    void malformedShortAndMutatedDatagramsDecideAsTheWholePacket() throws Exception {
        EngineNet x = world();
        EngineNet y = world();
        EngineNet z = world();
        lent.put(x, z);
        List<WirePacket> wire = traffic(x, 3);
        traffic(y, 3);
        traffic(z, 3);
        SplittableRandom rnd = new SplittableRandom(11);
        int n = 0;
        for (WirePacket w : wire) {
            Endpoint[] e = endpoints(w);
            byte[] p = w.payload();
            for (int len = 0; len < p.length; len += len < 40 ? 1 : 1 + rnd.nextInt(97)) {
                feedBoth(x, y, Arrays.copyOf(p, len), e[0], e[1], "truncated to " + len);
                n++;
            }
            for (int i = 0; i < 40; i++) {
                byte[] m = p.clone();
                int at = i < 16 ? i : rnd.nextInt(m.length);
                m[at] ^= (byte) (1 << rnd.nextInt(8));
                feedBoth(x, y, m, e[0], e[1], "bit flipped at " + at);
                n++;
            }
        }
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[rnd.nextInt(64)];
            rnd.nextBytes(junk);
            if (junk.length >= 4 && rnd.nextBoolean()) System.arraycopy(new byte[] {0, 0, 0x20, 0x01}, 0, junk, 0, 4);
            Endpoint[] e = endpoints(wire.get(rnd.nextInt(wire.size())));
            feedBoth(x, y, junk, e[0], e[1], "junk " + i);
            n++;
        }
        // a datagram to a port that is not a NAT-T port is not ESP-in-UDP: the general path decides
        feedBoth(
                x,
                y,
                wire.getFirst().payload(),
                new Endpoint(EngineNet.ip(A4), 4500),
                new Endpoint(EngineNet.ip(B4), 4501),
                "other port");
        feedBoth(
                x,
                y,
                new byte[] {(byte) 0xff},
                new Endpoint(EngineNet.ip(A4), 4500),
                new Endpoint(EngineNet.ip(B4), 4500),
                "keepalive");
        assertSameCounters(x, y);
        assertSameCounters(z, y);
        assertTrue(n > 300);
    }

    /** The engine remembers its last inbound flow's SPD answer: a policy change between two packets counts at once. */
    @Test
    void inboundPolicyChangedBetweenTwoPacketsOfOneFlowTakesEffectAtOnce() throws Exception {
        EngineNet net = world();
        List<WirePacket> wire = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byte[] p =
                    UdpPackets.build(sock("10.1.0.1", 1000), sock("10.2.0.9", 2000), new byte[] {(byte) i}, i + 1, 64);
            wire.add(((OutputDecision.Send) EngineCalls.output(net.a.engine, PacketBuffer.wrap(p), null))
                    .packets()
                    .getFirst());
        }
        InputResult r = new InputResult();
        java.util.function.IntFunction<InputDecision> feed = i -> {
            Endpoint[] e = endpoints(wire.get(i));
            if (i % 2 == 0)
                return EngineCalls.input(
                        net.b.engine,
                        PacketBuffer.wrap(wire.get(i).payload()),
                        new Encapsulation.UdpDatagram(e[0], e[1]));
            net.b.engine.input(PacketBuffer.wrap(wire.get(i).payload()), new Encapsulation.UdpDatagram(e[0], e[1]), r);
            return r.toDecision();
        };
        assertInstanceOf(InputDecision.Deliver.class, feed.apply(0));
        assertInstanceOf(InputDecision.Deliver.class, feed.apply(1));
        // the flow's inbound policy becomes discard (SPDUPDATE of its selector): the next packet is refused
        net.b
                .engine
                .spd()
                .update(
                        new org.jipsec.core.spd.SelectorSet(
                                new Endpoint(EngineNet.ip("10.1.0.0")),
                                16,
                                new Endpoint(EngineNet.ip("10.2.0.0")),
                                16,
                                255),
                        org.jipsec.core.spd.PolicyParser.parse("in discard"),
                        org.jipsec.core.spd.PolicyOrigin.USER,
                        org.jipsec.core.spd.PolicyLifetime.NONE);
        for (int i = 2; i < 4; i++) {
            InputDecision d = feed.apply(i);
            assertEquals(
                    DropCause.POLICY_VIOLATION,
                    assertInstanceOf(InputDecision.Drop.class, d, d::toString).cause());
        }
        // every policy gone: the system default (def_policy accept) lets the flow through again
        net.b.engine.spd().flush(org.jipsec.core.spd.PolicyOrigin.USER);
        for (int i = 4; i < 6; i++) assertInstanceOf(InputDecision.Deliver.class, feed.apply(i));
    }
}
