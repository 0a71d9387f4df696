package org.jipsec.core.engine;

import static org.jipsec.core.engine.EngineNet.A4;
import static org.jipsec.core.engine.EngineNet.A6;
import static org.jipsec.core.engine.EngineNet.B4;
import static org.jipsec.core.engine.EngineNet.B6;
import static org.jipsec.core.engine.EngineNet.sock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jipsec.core.engine.socket.UdpPackets;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.Sadb;
import org.junit.jupiter.api.Test;

/**
 * {@link IpsecEngine#input} on untrusted bytes. B requires ESP for everything it receives (IPv4 and IPv6), so a
 * random packet can never be delivered: it must come out as a drop (or a stored fragment, a NAT-T keepalive or an IKE
 * message), never as an exception. Mutated real packets (ESP, AH, IPComp+ESP, tunnel, NAT-T) may only be delivered
 * when the mutation hit bytes the protection does not cover, and then with the original payload.
 */
class EngineInputFuzzTest {

    static final byte[] PAYLOAD = "the original datagram, repeated, repeated, repeated".getBytes();

    private static final class World {
        final EngineNet net = new EngineNet();
        final List<WirePacket> seeds = new ArrayList<>();

        World() {
            net.b.spdadd("10.1.0.0", 16, "10.2.0.0", 16, 255, "in ipsec esp/tunnel/fd00::11-fd00::12/require");
            for (String[] fam : List.of(new String[] {A4, B4, "0.0.0.0"}, new String[] {A6, B6, "::"})) {
                net.b.spdadd(fam[2], 0, fam[2], 0, 255, "in ipsec esp/transport//require");
            }
            net.a.spdaddHosts(A4, B4, "out ipsec ipcomp/transport//use esp/transport//require ah/transport//require");
            net.a.spdaddHosts(A6, B6, "out ipsec esp/transport//require");
            net.a.spdadd("10.1.0.0", 16, "10.2.0.0", 16, 255, "out ipsec esp/tunnel/fd00::11-fd00::12/require");
            net.ipcompPair(0x300, A4, B4, IpsecMode.TRANSPORT);
            net.espPair(0x1001, A4, B4, IpsecMode.TRANSPORT, List.of());
            net.ahPair(0x1002, A4, B4, IpsecMode.TRANSPORT);
            net.espPair(
                    0x1003,
                    A6,
                    B6,
                    IpsecMode.TRANSPORT,
                    List.of(
                            new Extension.NatTType(2),
                            new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_SPORT, 4500),
                            new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_DPORT, 4500)));
            // its own endpoints: ADD files an SA under an existing head whatever its mode (key.c CMP_REQID, spec §4.6)
            net.espPair(0x1004, "fd00::11", "fd00::12", IpsecMode.TUNNEL, List.of());
            try {
                for (int i = 0; i < 3; i++) {
                    for (String dst : List.of(B4, B6)) {
                        OutputDecision d = net.a.host.openDatagramSocket(false).send(PAYLOAD, sock(dst, 5000));
                        if (!(d instanceof OutputDecision.Send)) throw new AssertionError(dst + ": " + d);
                    }
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            byte[] inner = UdpPackets.build(sock("10.1.0.1", 1), sock("10.2.0.1", 2), PAYLOAD, 1, 64);
            for (int i = 0; i < 3; i++) {
                OutputDecision d = EngineCalls.forward(net.a.engine, PacketBuffer.wrap(inner.clone()));
                if (!(d instanceof OutputDecision.Send s)) throw new AssertionError("tunnel: " + d);
                seeds.addAll(s.packets());
            }
            net.a.link.discardQueued();
            seeds.addAll(net.a.link.transmitted());
        }

        private int fed;
        private final InputResult result = new InputResult();

        InputDecision feed(byte[] b, boolean udpDatagram) {
            Encapsulation how = udpDatagram
                    ? new Encapsulation.UdpDatagram(
                            new Endpoint(EngineNet.ip(A6), 4500), new Endpoint(EngineNet.ip(B6), 4500))
                    : Encapsulation.IP;
            if (udpDatagram && (fed++ & 1) == 1) {
                // the gateway's way: the datagram in a lent buffer with headroom, no array for a delivery
                byte[] lent = new byte[64 + b.length];
                System.arraycopy(b, 0, lent, 64, b.length);
                net.b.engine.input(PacketBuffer.wrap(lent, 64, b.length), (Encapsulation.UdpDatagram) how, result);
                return result.toDecision();
            }
            return EngineCalls.input(net.b.engine, PacketBuffer.wrap(b), how);
        }
    }

    private static World world;

    private static World world() {
        if (world == null) world = new World();
        return world;
    }

    @FuzzTest(maxDuration = "30s")
    void input(FuzzedDataProvider data) {
        boolean udp = data.consumeBoolean();
        byte[] b = data.consumeRemainingAsBytes();
        InputDecision d = world().feed(b, udp);
        assertFalse(d instanceof InputDecision.Deliver, () -> "random bytes delivered: " + d);
    }

    @Test
    void seedsAreDeliveredIntact() {
        World w = new World();
        assertTrue(w.seeds.size() >= 9, "seeds: " + w.seeds.size());
        for (WirePacket p : w.seeds) {
            boolean udp = p.encapsulation() instanceof Encapsulation.Udp;
            InputDecision d = w.feed(udp ? p.payload() : p.packet().clone(), udp);
            assertTrue(d instanceof InputDecision.Deliver, () -> p + " -> " + d);
        }
    }

    @Test
    void mutatedPacketsNeverThrowAndNeverDeliverForgedData() {
        SplittableRandom rnd = new SplittableRandom(20261128);
        for (int round = 0; round < 2000; round++) {
            World w = round % 500 == 0 || world == null ? (world = new World()) : world();
            WirePacket seed = w.seeds.get(rnd.nextInt(w.seeds.size()));
            boolean udp = seed.encapsulation() instanceof Encapsulation.Udp && rnd.nextBoolean();
            byte[] b = udp ? seed.payload() : seed.packet().clone();
            int flips = 1 + rnd.nextInt(4);
            for (int i = 0; i < flips && b.length > 0; i++) b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            if (rnd.nextInt(8) == 0 && b.length > 1) b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length)); // truncate
            InputDecision d = w.feed(b, udp);
            if (d instanceof InputDecision.Deliver del) {
                // only unprotected bytes were hit (outer header fields): the payload is the original one
                UdpPackets.parse(del.packet()).ifPresent(p -> assertArrayEquals(PAYLOAD, p.data()));
            }
        }
    }
}
