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

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jipsec.core.engine.socket.UdpPackets;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.xform.DropReason;
import org.jipsec.core.xform.Xform;
import org.junit.jupiter.api.Test;

/**
 * {@link IpsecEngine#input(PacketBuffer, Encapsulation, InputResult)} on a whole IP packet (raw ESP, AH, IPComp):
 * the caller's buffer is decided in place (no copy), and AES-GCM decrypts from it straight into the engine's own
 * arrays when the buffer is no larger than those; a larger buffer keeps the former in-place decryption. Both decide
 * the same — same delivered bytes and history, same drop cause and detail, same counters — for raw ESP (AES-GCM
 * tunnel over IPv4, AES-CBC + HMAC transport over IPv6), AH and IPComp, valid, replayed and with random bit flips.
 * Two identical worlds: one gets each packet in an array too large for the engine's (the former path, which copied
 * and decrypted in place), the other in a gateway-sized array with junk around the packet.
 */
class EngineRawPacketInputTest {

    private static EngineNet world() {
        EngineNet net = new EngineNet();
        net.a.spdadd("10.1.0.0", 16, "10.2.0.0", 16, 255, "out ipsec esp/tunnel/" + A4 + "-" + B4 + "/require");
        net.b.spdadd("10.1.0.0", 16, "10.2.0.0", 16, 255, "in ipsec esp/tunnel/" + A4 + "-" + B4 + "/require");
        net.a.spdaddHosts(A6, B6, "out ipsec esp/transport//require");
        net.b.spdaddHosts(A6, B6, "in ipsec esp/transport//require");
        net.a.spdadd("10.1.0.0", 16, "10.5.0.0", 16, 255, "out ipsec ah/tunnel/10.9.0.1-10.9.0.2/require");
        net.b.spdadd("10.1.0.0", 16, "10.5.0.0", 16, 255, "in ipsec ah/tunnel/10.9.0.1-10.9.0.2/require");
        net.a.spdadd("10.1.0.0", 16, "10.6.0.0", 16, 255, "out ipsec ipcomp/tunnel/10.9.1.1-10.9.1.2/require");
        net.b.spdadd("10.1.0.0", 16, "10.6.0.0", 16, 255, "in ipsec ipcomp/tunnel/10.9.1.1-10.9.1.2/require");
        for (EngineNet.Node n : List.of(net.a, net.b)) {
            // aes-gcm-16 (SADB_X_EALG_AESGCM16 = 20), 160-bit key with salt
            n.add(
                    Sadb.SADB_SATYPE_ESP,
                    0x3001,
                    A4,
                    B4,
                    IpsecMode.TUNNEL,
                    0,
                    0,
                    20,
                    0,
                    4,
                    List.of(key(Sadb.SADB_EXT_KEY_ENCRYPT, 20, 0x3001)));
        }
        net.espPair(0x3002, A6, B6, IpsecMode.TRANSPORT, List.of());
        net.ahPair(0x3003, "10.9.0.1", "10.9.0.2", IpsecMode.TUNNEL);
        net.ipcompPair(0x3004, "10.9.1.1", "10.9.1.2", IpsecMode.TUNNEL);
        return net;
    }

    private static List<byte[]> traffic(EngineNet net, int perFlow) throws Exception {
        List<byte[]> out = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < perFlow; i++) {
            byte[] data = new byte[1 + rnd.nextInt(1400)];
            for (int j = 0; j < data.length; j++) data[j] = (byte) (j % 7 == 0 ? rnd.nextInt() : 'a'); // compressible
            for (String[] f : List.of(
                    new String[] {"10.1.0.1", "10.2.0.9"},
                    new String[] {A6, B6},
                    new String[] {"10.1.0.1", "10.5.0.9"},
                    new String[] {"10.1.0.1", "10.6.0.9"})) {
                byte[] p = UdpPackets.build(sock(f[0], 1000 + i), sock(f[1], 2000), data, i + 1, 64);
                OutputDecision d = EngineCalls.forward(net.a.engine, PacketBuffer.wrap(p));
                OutputDecision.Send s = assertInstanceOf(OutputDecision.Send.class, d, d::toString);
                out.add(s.packets().getFirst().packet());
            }
        }
        return out;
    }

    private final InputResult result = new InputResult();
    private int round;

    /** Larger than the engine's input arrays (NatTInput.buffers): AES-GCM keeps its in-place pass. */
    private static final int LARGE = Xform.HEADROOM + 40 + 0x10000 + Xform.TAILROOM + 1;
    /** The gateway's raw receive array (RawReceive): no larger than the engine's input arrays. */
    private static final int LENT = Xform.HEADROOM + 40 + 0xffff;

    private final InputResult reference = new InputResult();

    /** Whether {@code x}'s delivery was a range of the caller's (large) buffer, i.e. decided in place. */
    private boolean inPlace;

    private byte[] lentBuffer;

    private void feedBoth(EngineNet copied, EngineNet lent, byte[] pkt, String what) {
        byte[] large = new byte[LARGE];
        int at = Xform.HEADROOM + round % 7;
        System.arraycopy(pkt, 0, large, at, pkt.length);
        copied.b.engine.input(PacketBuffer.wrap(large, at, pkt.length), Encapsulation.IP, reference);
        inPlace = reference.delivered() && reference.array() == large;
        InputDecision dx = reference.toDecision();
        byte[] buf = new byte[LENT];
        lentBuffer = buf;
        java.util.Arrays.fill(buf, (byte) 0xa5);
        int off = Xform.HEADROOM - 40 * (round++ % 3);
        System.arraycopy(pkt, 0, buf, off, pkt.length);
        lent.b.engine.input(PacketBuffer.wrap(buf, off, pkt.length), Encapsulation.IP, result);
        assertEquals(dx instanceof InputDecision.Deliver, result.delivered(), what + ": " + dx);
        InputDecision dy = result.toDecision();
        assertEquals(dx.getClass(), dy.getClass(), what);
        switch (dx) {
            case InputDecision.Deliver d -> {
                assertArrayEquals(d.packet(), ((InputDecision.Deliver) dy).packet(), what);
                assertEquals(d.history(), ((InputDecision.Deliver) dy).history(), what);
            }
            case InputDecision.Drop d -> {
                assertEquals(d.cause(), ((InputDecision.Drop) dy).cause(), what);
                assertEquals(d.xform(), ((InputDecision.Drop) dy).xform(), what);
                assertEquals(d.detail(), ((InputDecision.Drop) dy).detail(), what);
            }
            default -> assertEquals(dx, dy, what);
        }
    }

    private static void assertSameCounters(EngineNet x, EngineNet y) {
        for (IpsecProtocol p : IpsecProtocol.values()) {
            for (DropReason r : DropReason.values()) {
                assertEquals(
                        x.b.engine.xformStatistics().drops(p, r),
                        y.b.engine.xformStatistics().drops(p, r),
                        p + " " + r);
            }
            assertEquals(
                    x.b.engine.xformStatistics().inputPackets(p),
                    y.b.engine.xformStatistics().inputPackets(p));
            assertEquals(
                    x.b.engine.xformStatistics().inputBytes(p),
                    y.b.engine.xformStatistics().inputBytes(p));
        }
    }

    @Test
    void lentPacketsDecideAsCopiedOnesValidReplayedAndMutated() throws Exception {
        EngineNet x = world();
        EngineNet y = world();
        List<byte[]> wire = traffic(x, 8);
        List<byte[]> same = traffic(y, 8);
        for (int i = 0; i < wire.size(); i++) assertArrayEquals(wire.get(i), same.get(i), "both worlds agree");
        int delivered = 0;
        for (int i = 0; i < wire.size(); i++) {
            byte[] p = wire.get(i);
            feedBoth(x, y, p.clone(), "valid");
            if (result.delivered()) delivered++;
            if (i % 4
                    == 0) { // AES-GCM: into the engine's arrays from the gateway-sized buffer, in place from the other
                assertTrue(inPlace, "GCM decided in the caller's large buffer");
                assertTrue(result.delivered() && result.array() != lentBuffer, "GCM decrypted into the engine's array");
            }
            if (i % 4 == 1) assertTrue(inPlace, "CBC decided in the caller's buffer, not a copy");
            feedBoth(x, y, p.clone(), "replayed");
        }
        assertTrue(delivered >= wire.size() / 2, "ESP, AH and IPComp packets delivered: " + delivered);
        SplittableRandom rnd = new SplittableRandom(3);
        for (byte[] p : traffic(x, 4)) {
            byte[] m = p.clone();
            int bit = rnd.nextInt(m.length * 8);
            m[bit / 8] ^= (byte) (1 << (bit % 8));
            feedBoth(x, y, m, "bit " + bit + " flipped");
        }
        assertSameCounters(x, y);
    }
}
