package org.jipsec.core.engine;

import static org.jipsec.core.engine.EngineNet.A4;
import static org.jipsec.core.engine.EngineNet.B4;
import static org.jipsec.core.engine.EngineNet.sock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jipsec.core.engine.socket.JipsecDatagramSocket;
import org.jipsec.core.engine.socket.UdpPackets;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.xform.DropReason;
import org.jipsec.core.xform.SaContext;
import org.junit.jupiter.api.Test;

/**
 * Issue #12: one sequence counter and one replay window per SA, whatever the number of modes or policies using it.
 * An SA of mode "any" (A4 → B4) protects a host-to-host flow in transport mode and a subnet flow in tunnel mode; the
 * two modes' packets, interleaved, must carry distinct sequence numbers (with AES-GCM the sequence number is the
 * nonce: a repeat under the key leaks the plaintexts' XOR and the GHASH key), and the receiver must accept every one
 * once and refuse every replay, whichever mode it came in.
 */
class EngineSharedSaStateTest {

    static final int SPI = 0x3001;
    final EngineNet net = new EngineNet();

    /** The SA of mode any with AES-GCM-16 (PF_KEY 20, 160-bit key with salt) on both nodes, both policies each way. */
    void setUp() {
        for (EngineNet.Node n : List.of(net.a, net.b)) {
            n.add(
                    org.jipsec.core.pfkey.Sadb.SADB_SATYPE_ESP,
                    SPI,
                    A4,
                    B4,
                    IpsecMode.ANY,
                    0,
                    0,
                    20,
                    0,
                    8,
                    List.of(EngineNet.key(org.jipsec.core.pfkey.Sadb.SADB_EXT_KEY_ENCRYPT, 20, 7)));
        }
        net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
        net.b.spdaddHosts(A4, B4, "in ipsec esp/transport//require");
        net.a.spdadd("10.1.0.0", 16, "10.2.0.0", 16, 255, "out ipsec esp/tunnel/" + A4 + "-" + B4 + "/require");
        net.b.spdadd("10.1.0.0", 16, "10.2.0.0", 16, 255, "in ipsec esp/tunnel/" + A4 + "-" + B4 + "/require");
    }

    /** Sends {@code n} packets alternating transport (a datagram A4 → B4) and tunnel (forwarded 10.1/16 → 10.2/16). */
    List<byte[]> sendInterleaved(int n) throws Exception {
        JipsecDatagramSocket as = net.a.host.openDatagramSocket(false);
        List<byte[]> wire = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] msg = ("packet " + i).getBytes(StandardCharsets.UTF_8);
            OutputDecision d;
            if (i % 2 == 0) {
                d = as.send(msg, sock(B4, 5000));
            } else {
                byte[] inner = UdpPackets.build(sock("10.1.0.5", 1000 + i), sock("10.2.0.7", 2000), msg, 7, 63);
                d = EngineCalls.forward(net.a.engine, PacketBuffer.wrap(inner));
            }
            OutputDecision.Send s = assertInstanceOf(OutputDecision.Send.class, d, d::toString);
            wire.add(s.packets().getFirst().packet());
        }
        return wire;
    }

    static long sequence(byte[] esp) {
        assertEquals(50, esp[9] & 0xff, "ESP after the outer IPv4 header");
        assertEquals(SPI, (int) Bytes.u32(esp, 20));
        return Bytes.u32(esp, 24);
    }

    SecurityAssociation saOf(EngineNet.Node n) {
        return n.engine
                .keyEngine()
                .lookupInbound(EngineNet.ip(B4), SaType.ESP, SPI)
                .orElseThrow();
    }

    @Test
    void tunnelAndTransportUseOfOneSaNeverRepeatASequenceNumber() throws Exception {
        setUp();
        List<byte[]> wire = sendInterleaved(8);
        Set<Long> seen = new HashSet<>();
        List<Long> order = new ArrayList<>();
        for (byte[] w : wire) {
            long s = sequence(w);
            order.add(s);
            assertTrue(seen.add(s), "sequence number " + s + " sent twice under one key: " + order);
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), order, "one counter: 1, 2, 3… across both modes");
        SecurityAssociation sa = saOf(net.a);
        List<SaContext> contexts = net.a.engine.contextsOf(sa);
        assertEquals(2, contexts.size(), "a tunnel-mode and a transport-mode context");
        assertSame(contexts.get(0).state(), contexts.get(1).state(), "one state per SA");
        assertSame(contexts.get(0).replayWindow(), contexts.get(1).replayWindow(), "one replay window per SA");
        assertEquals(8, contexts.get(0).outbound().packets(), "usage counted once for the SA, over both modes");
        assertEquals(8, contexts.get(1).outbound().packets());
        assertEquals(8, sa.sequence(), "setkey -D seq= is the SA's one counter");
    }

    @Test
    void receiverAcceptsEachPacketOfBothModesOnceAndRefusesEveryReplay() throws Exception {
        setUp();
        List<byte[]> wire = sendInterleaved(6);
        for (byte[] w : wire) {
            InputDecision d =
                    EngineCalls.input(net.b.engine, PacketBuffer.wrap(w.clone()), new Encapsulation.RawIp(50));
            assertInstanceOf(InputDecision.Deliver.class, d, () -> "seq " + sequence(w) + ": " + d);
        }
        for (byte[] w : wire) {
            InputDecision d =
                    EngineCalls.input(net.b.engine, PacketBuffer.wrap(w.clone()), new Encapsulation.RawIp(50));
            InputDecision.Drop drop = assertInstanceOf(InputDecision.Drop.class, d, () -> "replay delivered: " + d);
            assertEquals(DropReason.REPLAY, drop.xform());
        }
        SecurityAssociation sa = saOf(net.b);
        List<SaContext> contexts = net.b.engine.contextsOf(sa);
        assertEquals(6, contexts.getFirst().replayWindow().top(), "the window saw 1..6 from both modes");
        assertEquals(6, contexts.getFirst().inbound().packets());
        assertEquals(
                6, net.b.engine.xformStatistics().drops(org.jipsec.core.ipsec.IpsecProtocol.ESP, DropReason.REPLAY));
        // the receiver's window is the SA's: a context of the SA in another mode sees the same window
        SaContext other =
                contexts.getFirst().inMode(contexts.getFirst().parameters().withMode(IpsecMode.TUNNEL));
        assertSame(contexts.getFirst().replayWindow(), other.replayWindow());
        assertEquals(6, other.inbound().packets());
    }

    @Test
    void aContextOfAnotherSaCannotJoinTheState() throws Exception {
        setUp();
        sendInterleaved(2);
        SaContext c = net.a.engine.contextsOf(saOf(net.a)).getFirst();
        var foreign = c.parameters().withSpi(SPI + 1).withMode(IpsecMode.TUNNEL);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> c.inMode(foreign));
        var unused = new SaIndex(
                SaType.ESP, IpsecMode.ANY, 0, new Endpoint(EngineNet.ip(A4)), new Endpoint(EngineNet.ip(B4)));
        assertTrue(net.a.engine.keyEngine().lookupOutbound(unused).isPresent());
    }
}
