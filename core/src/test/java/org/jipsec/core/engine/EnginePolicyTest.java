package org.jipsec.core.engine;

import static org.jipsec.core.engine.EngineNet.A4;
import static org.jipsec.core.engine.EngineNet.A6;
import static org.jipsec.core.engine.EngineNet.B4;
import static org.jipsec.core.engine.EngineNet.B6;
import static org.jipsec.core.engine.EngineNet.ip;
import static org.jipsec.core.engine.EngineNet.key;
import static org.jipsec.core.engine.EngineNet.sock;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.engine.socket.JipsecDatagramSocket;
import org.jipsec.core.engine.socket.UdpPackets;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.pfkey.Delivery;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.Outcome;
import org.jipsec.core.pfkey.PfkeyCodec;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.sad.SaState;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.spd.AppliedTransform;
import org.jipsec.core.sysctl.SysctlNames;
import org.jipsec.core.xform.SaContext;
import org.junit.jupiter.api.Test;

/** Policy decisions of the engine: levels, defaults, ACQUIRE, inbound checks, SA death and lifetimes. */
class EnginePolicyTest {

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static long stat(EngineNet.Node n, int index) {
        return n.engine.statistics().get(index);
    }

    /**
     * ipsec(4) BUGS: inbound {@code esp/tunnel/A-B/use ah/transport/A-B/require}, the peer sends AH over the ESP
     * tunnel. NetBSD rejects the inner packet (its AH flag is on the outer one); jipsec checks the whole history and
     * accepts it.
     */
    @Test
    void ahOverTunnelIsAcceptedByTheInboundRequirePolicy() {
        EngineNet net = new EngineNet();
        net.a.spdadd(
                "10.1.0.0",
                16,
                "10.2.0.0",
                16,
                255,
                "out ipsec esp/tunnel/" + A4 + "-" + B4 + "/require ah/transport/" + A4 + "-" + B4 + "/require");
        net.b.spdadd(
                "10.1.0.0",
                16,
                "10.2.0.0",
                16,
                255,
                "in ipsec esp/tunnel/" + A4 + "-" + B4 + "/use ah/transport/" + A4 + "-" + B4 + "/require");
        net.espPair(0x8001, A4, B4, IpsecMode.TUNNEL, List.of());
        net.ahPair(0x8002, A4, B4, IpsecMode.TRANSPORT);
        byte[] inner = UdpPackets.build(sock("10.1.0.5", 999), sock("10.2.0.9", 53), text("bugs case"), 1, 64);
        OutputDecision.Send s = assertInstanceOf(
                OutputDecision.Send.class, EngineCalls.forward(net.a.engine, PacketBuffer.wrap(inner.clone())));
        WirePacket w = s.packets().getFirst();
        assertEquals(new Encapsulation.RawIp(51), w.encapsulation(), "AH outermost");
        InputDecision d = EngineCalls.input(net.b.engine, PacketBuffer.wrap(w.packet()), w.encapsulation());
        InputDecision.Deliver del = assertInstanceOf(InputDecision.Deliver.class, d, d::toString);
        assertArrayEquals(inner, del.packet());
        assertEquals(
                List.of(IpsecProtocol.AH, IpsecProtocol.ESP),
                del.history().stream().map(AppliedTransform::protocol).toList());
        assertEquals(
                List.of(IpsecMode.TRANSPORT, IpsecMode.TUNNEL),
                del.history().stream().map(AppliedTransform::mode).toList());
        assertEquals(0, stat(net.b, IpsecStatistics.IN_POLVIO));
    }

    @Test
    void tunnelWithoutTheRequiredAhIsRejectedAndCounted() {
        EngineNet net = new EngineNet();
        net.a.spdadd("10.1.0.0", 16, "10.2.0.0", 16, 255, "out ipsec esp/tunnel/" + A4 + "-" + B4 + "/require");
        net.b.spdadd(
                "10.1.0.0",
                16,
                "10.2.0.0",
                16,
                255,
                "in ipsec esp/tunnel/" + A4 + "-" + B4 + "/use ah/transport/" + A4 + "-" + B4 + "/require");
        net.espPair(0x8101, A4, B4, IpsecMode.TUNNEL, List.of());
        byte[] inner = UdpPackets.build(sock("10.1.0.5", 999), sock("10.2.0.9", 53), text("no ah"), 1, 64);
        WirePacket w = ((OutputDecision.Send) EngineCalls.forward(net.a.engine, PacketBuffer.wrap(inner)))
                .packets()
                .getFirst();
        InputDecision d = EngineCalls.input(net.b.engine, PacketBuffer.wrap(w.packet()), w.encapsulation());
        assertEquals(
                DropCause.POLICY_VIOLATION,
                assertInstanceOf(InputDecision.Drop.class, d).cause());
        assertEquals(1, stat(net.b, IpsecStatistics.IN_POLVIO));
    }

    @Test
    void useSendsClearWhileRequireDropsAndCounts() throws Exception {
        EngineNet net = new EngineNet(); // NetBSD: no pending queue
        net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//use");
        net.a.spdaddHosts(A6, B6, "out ipsec esp/transport//require");
        long ike = net.a.engine.keyEngine().openSocket();
        net.a.ok(ike, PfkeyMessage.of(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_ESP, 1, 500, List.of()));
        JipsecDatagramSocket bs = net.b.host.openDatagramSocket(false);
        bs.bind(sock("0.0.0.0", 5000));
        JipsecDatagramSocket as = net.a.host.openDatagramSocket(false);

        OutputDecision use = as.send(text("use level"), sock(B4, 5000));
        OutputDecision.SendClear clear = assertInstanceOf(OutputDecision.SendClear.class, use, use::toString);
        assertEquals(new Encapsulation.RawIp(17), clear.packet().encapsulation());
        net.a.link.deliver();
        assertArrayEquals(text("use level"), bs.receive().orElseThrow().data());

        JipsecDatagramSocket as6 = net.a.host.openDatagramSocket(false);
        OutputDecision req = as6.send(text("require level"), sock(B6, 5000));
        assertEquals(
                DropCause.NO_SA,
                assertInstanceOf(OutputDecision.Drop.class, req).cause());
        assertEquals(1, stat(net.a, IpsecStatistics.OUT_NOSA));
        assertEquals(0, net.a.link.queued(), "nothing sent");
        // both levels asked the IKE daemon for an SA
        List<PfkeyMessage> acquires = acquiresTo(net.a, ike);
        assertEquals(2, acquires.size());
    }

    static List<PfkeyMessage> acquiresTo(EngineNet.Node n, long socket) {
        List<PfkeyMessage> out = new ArrayList<>();
        n.engine.outbox().drainTo(n.pfkeyOut::add);
        for (Outcome o : n.pfkeyOut) {
            for (Delivery d : o.deliveries()) {
                if (d.socketId() != socket) continue;
                try {
                    PfkeyMessage m = PfkeyCodec.decode(d.encode()); // as the daemon reads it off the socket
                    if (m.type() == Sadb.SADB_ACQUIRE) out.add(m);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }

    @Test
    void defPolicyDiscardVersusNone() throws Exception {
        EngineNet net = new EngineNet();
        JipsecDatagramSocket as = net.a.host.openDatagramSocket(false);
        assertInstanceOf(OutputDecision.SendClear.class, as.send(text("x"), sock(B4, 5000)));
        net.a.sysctl.write(SysctlNames.IPSEC_DEF_POLICY, 0); // discard
        OutputDecision d = as.send(text("y"), sock(B4, 5000));
        assertEquals(
                DropCause.POLICY_DISCARD,
                assertInstanceOf(OutputDecision.Drop.class, d).cause());
        assertEquals(1, stat(net.a, IpsecStatistics.OUT_POLVIO));
        // IPv6 has its own default, still none
        assertInstanceOf(
                OutputDecision.SendClear.class,
                net.a.host.openDatagramSocket(false).send(text("z"), sock(B6, 5000)));
        // and the counters are served by the sysctl tree (uint64 little-endian, index 1 = out_polvio)
        byte[] raw = net.a.sysctl.readStruct(SysctlNames.IPSEC_STATS);
        assertEquals(16 * 8, raw.length);
        assertEquals(1, raw[8]);
        // inbound: a clear packet with def_policy discard is dropped
        net.b.sysctl.write(SysctlNames.IPSEC_DEF_POLICY, 0);
        net.a.sysctl.write(SysctlNames.IPSEC_DEF_POLICY, 1);
        as.send(text("w"), sock(B4, 5000));
        InputDecision in = net.a.link.deliver().getLast();
        assertEquals(
                DropCause.POLICY_VIOLATION,
                assertInstanceOf(InputDecision.Drop.class, in).cause());
    }

    @Test
    void clearPacketHittingAnInboundRequirePolicyIsDroppedAndCounted() throws Exception {
        EngineNet net = new EngineNet();
        net.b.spdaddHosts(A4, B4, "in ipsec esp/transport//require");
        JipsecDatagramSocket bs = net.b.host.openDatagramSocket(false);
        bs.bind(sock(B4, 5000));
        net.a.host.openDatagramSocket(false).send(text("clear"), sock(B4, 5000));
        InputDecision d = net.a.link.deliver().getFirst();
        InputDecision.Drop drop = assertInstanceOf(InputDecision.Drop.class, d);
        assertEquals(DropCause.POLICY_VIOLATION, drop.cause());
        assertTrue(drop.detail().contains("NOT_PROTECTED"), drop.detail());
        assertEquals(1, stat(net.b, IpsecStatistics.IN_POLVIO));
        assertTrue(bs.receive().isEmpty());
    }

    /** Policy but no SA: ACQUIRE to the registered daemon, which answers with GETSPI + UPDATE; the held packet goes. */
    @Test
    void acquireFlowReleasesTheQueuedPacket() throws Exception {
        EngineNet net = new EngineNet(EngineSettings.DEFAULTS);
        net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
        net.b.spdaddHosts(A4, B4, "in ipsec esp/transport//require");
        long ike = net.a.engine.keyEngine().openSocket();
        int ikePid = 777;
        net.a.ok(ike, PfkeyMessage.of(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_ESP, 1, ikePid, List.of()));
        JipsecDatagramSocket bs = net.b.host.openDatagramSocket(false);
        bs.bind(sock(B4, 5000));

        OutputDecision d = net.a.host.openDatagramSocket(false).send(text("first packet"), sock(B4, 5000));
        assertInstanceOf(OutputDecision.Queued.class, d, d::toString);
        assertEquals(1, net.a.engine.pendingPackets());
        PfkeyMessage acq = acquiresTo(net.a, ike).getFirst();
        assertTrue(acq.has(Sadb.SADB_EXT_ADDRESS_SRC) && acq.has(Sadb.SADB_EXT_PROPOSAL));

        // the daemon: GETSPI with the ACQUIRE's seq, then UPDATE with the negotiated keys
        PfkeyMessage spi = net.a.ok(
                ike,
                PfkeyMessage.of(
                        Sadb.SADB_GETSPI,
                        Sadb.SADB_SATYPE_ESP,
                        acq.seq(),
                        ikePid,
                        List.of(
                                new Extension.Sa2(IpsecMode.TRANSPORT.number(), 0, 0),
                                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, new Endpoint(ip(A4))),
                                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, new Endpoint(ip(B4))))));
        int newSpi = spi.sa().orElseThrow().spi();
        assertTrue(net.a.host.drainReady().isEmpty(), "a larval SA releases nothing");
        List<Extension> keys = List.of(key(Sadb.SADB_EXT_KEY_ENCRYPT, 16, 9), key(Sadb.SADB_EXT_KEY_AUTH, 32, 10));
        List<Extension> update = new ArrayList<>(List.of(
                new Extension.Sa(newSpi, 4, 0, 5, 12, 0),
                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, new Endpoint(ip(A4))),
                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, new Endpoint(ip(B4)))));
        update.addAll(keys);
        net.a.ok(ike, PfkeyMessage.of(Sadb.SADB_UPDATE, Sadb.SADB_SATYPE_ESP, acq.seq(), ikePid, update));
        // the peer's daemon installs the same SA
        net.b.add(Sadb.SADB_SATYPE_ESP, newSpi, A4, B4, IpsecMode.TRANSPORT, 0, 5, 12, 0, 4, keys);

        List<OutputDecision> released = net.a.host.drainReady();
        assertEquals(1, released.size());
        assertInstanceOf(OutputDecision.Send.class, released.getFirst());
        assertEquals(0, net.a.engine.pendingPackets());
        InputDecision in = net.a.link.deliver().getFirst();
        assertInstanceOf(InputDecision.Deliver.class, in, in::toString);
        assertArrayEquals(text("first packet"), bs.receive().orElseThrow().data());
        assertEquals(0, stat(net.a, IpsecStatistics.OUT_NOSA));
    }

    @Test
    void heldPacketsTimeOut() throws Exception {
        EngineNet net = new EngineNet(EngineSettings.DEFAULTS);
        net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
        JipsecDatagramSocket as = net.a.host.openDatagramSocket(false);
        for (int i = 0; i < 6; i++) as.send(text("p" + i), sock(B4, 5000));
        assertEquals(4, net.a.engine.pendingPackets(), "4 held per SA, the rest dropped");
        assertEquals(2, stat(net.a, IpsecStatistics.OUT_NOSA));
        net.clock.advance(Duration.ofSeconds(31));
        net.a.engine.tick();
        assertEquals(0, net.a.engine.pendingPackets());
        assertEquals(6, stat(net.a, IpsecStatistics.OUT_NOSA));
    }

    @Test
    void saDeletedViaPfkeyStopsTrafficAndZeroesKeys() throws Exception {
        EngineNet net = new EngineNet();
        net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
        net.b.spdaddHosts(A4, B4, "in ipsec esp/transport//require");
        net.espPair(0x9001, A4, B4, IpsecMode.TRANSPORT, List.of());
        JipsecDatagramSocket bs = net.b.host.openDatagramSocket(false);
        bs.bind(sock(B4, 5000));
        JipsecDatagramSocket as = net.a.host.openDatagramSocket(false);
        as.send(text("before"), sock(B4, 5000));
        net.a.link.deliver();
        assertTrue(bs.receive().isPresent());

        SecurityAssociation sa = net.b
                .engine
                .keyEngine()
                .lookupInbound(ip(B4), SaType.ESP, 0x9001)
                .orElseThrow();
        List<SaContext> ctx = net.b.engine.contextsOf(sa);
        assertEquals(1, ctx.size());
        for (EngineNet.Node n : List.of(net.a, net.b)) {
            n.ok(
                    n.admin,
                    PfkeyMessage.of(
                            Sadb.SADB_DELETE,
                            Sadb.SADB_SATYPE_ESP,
                            0,
                            n.pid,
                            List.of(
                                    new Extension.Sa(0x9001, 0, 0, 0, 0, 0),
                                    Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, new Endpoint(ip(A4))),
                                    Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, new Endpoint(ip(B4))))));
        }
        assertEquals(0, net.b.engine.contextCount(), "context destroyed with the SA");
        assertTrue(net.b.engine.contextsOf(sa).isEmpty());
        assertArrayEquals(new byte[16], ctx.getFirst().parameters().encryptionKey(), "encryption key zeroed");
        assertArrayEquals(new byte[32], ctx.getFirst().parameters().authKey(), "auth key zeroed");
        assertTrue(sa.keysZeroed());
        OutputDecision d = as.send(text("after"), sock(B4, 5000));
        assertEquals(
                DropCause.NO_SA, assertInstanceOf(OutputDecision.Drop.class, d).cause());
    }

    @Test
    void policyAddedOrDeletedBetweenTwoPacketsOfOneFlowTakesEffectAtOnce() throws Exception {
        EngineNet net = new EngineNet();
        JipsecDatagramSocket as = net.a.host.openDatagramSocket(false);
        assertInstanceOf(OutputDecision.SendClear.class, as.send(text("1"), sock(B4, 5000)));
        assertInstanceOf(OutputDecision.SendClear.class, as.send(text("2"), sock(B4, 5000))); // same flow again
        net.a.spdaddHosts(A4, B4, "out discard");
        OutputDecision d = as.send(text("3"), sock(B4, 5000));
        assertEquals(
                DropCause.POLICY_DISCARD,
                assertInstanceOf(OutputDecision.Drop.class, d, d::toString).cause());
        net.a.engine.spd().flush(org.jipsec.core.spd.PolicyOrigin.USER);
        assertInstanceOf(OutputDecision.SendClear.class, as.send(text("4"), sock(B4, 5000)));
    }

    @Test
    void saDeletedBehindTheEnginesBackLosesItsStateAtOnce() throws Exception {
        EngineNet net = new EngineNet();
        net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
        net.espPair(0x9101, A4, B4, IpsecMode.TRANSPORT, List.of());
        JipsecDatagramSocket as = net.a.host.openDatagramSocket(false);
        as.send(text("x"), sock(B4, 5000));
        assertEquals(1, net.a.engine.contextCount());
        SecurityAssociation sa = net.a
                .engine
                .keyEngine()
                .lookupInbound(ip(B4), SaType.ESP, 0x9101)
                .orElseThrow();
        SaContext ctx = net.a.engine.contextsOf(sa).getFirst();
        // an io layer that hands PF_KEY bytes to the key engine itself: the SA destroys its state as it leaves
        var k = net.a.engine.keyEngine();
        k.handle(
                net.a.admin,
                PfkeyMessage.of(
                        Sadb.SADB_DELETE,
                        Sadb.SADB_SATYPE_ESP,
                        0,
                        1,
                        List.of(
                                new Extension.Sa(0x9101, 0, 0, 0, 0, 0),
                                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, new Endpoint(ip(A4))),
                                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, new Endpoint(ip(B4))))));
        assertEquals(0, net.a.engine.contextCount(), "destroyed with the SA, no sweep needed");
        assertNull(sa.transform());
        assertArrayEquals(new byte[16], ctx.parameters().encryptionKey(), "encryption key zeroed");
        assertEquals(
                DropCause.NO_SA,
                assertInstanceOf(OutputDecision.Drop.class, as.send(text("y"), sock(B4, 5000)))
                        .cause());
    }

    @Test
    void preferedOldsaChoosesBetweenTwoSasOfOneFlow() throws Exception {
        EngineNet net = new EngineNet();
        net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
        net.a.add(
                Sadb.SADB_SATYPE_ESP,
                0xc001,
                A4,
                B4,
                IpsecMode.TRANSPORT,
                0,
                5,
                12,
                0,
                4,
                List.of(key(Sadb.SADB_EXT_KEY_ENCRYPT, 16, 1), key(Sadb.SADB_EXT_KEY_AUTH, 32, 2)));
        net.clock.advance(Duration.ofSeconds(5));
        net.a.add(
                Sadb.SADB_SATYPE_ESP,
                0xc002,
                A4,
                B4,
                IpsecMode.TRANSPORT,
                0,
                5,
                12,
                0,
                4,
                List.of(key(Sadb.SADB_EXT_KEY_ENCRYPT, 16, 3), key(Sadb.SADB_EXT_KEY_AUTH, 32, 4)));
        JipsecDatagramSocket as = net.a.host.openDatagramSocket(false);
        // spec §4.6: net.key.prefered_oldsa = 0 (default) → the newest SA
        WirePacket w = ((OutputDecision.Send) as.send(text("new"), sock(B4, 5000)))
                .packets()
                .getFirst();
        assertEquals(0xc002, (int) org.jipsec.core.net.Bytes.u32(w.packet(), 20));
        net.a.sysctl.write(SysctlNames.KEY_PREFERED_OLDSA, 1);
        w = ((OutputDecision.Send) as.send(text("old"), sock(B4, 5000)))
                .packets()
                .getFirst();
        assertEquals(0xc001, (int) org.jipsec.core.net.Bytes.u32(w.packet(), 20));
    }

    @Test
    void byteLifetimesUnderTraffic() throws Exception {
        EngineNet net = new EngineNet();
        net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
        long ike = net.a.engine.keyEngine().openSocket();
        net.a.ok(ike, PfkeyMessage.of(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_ESP, 1, 777, List.of()));
        net.a.add(
                Sadb.SADB_SATYPE_ESP,
                0xa001,
                A4,
                B4,
                IpsecMode.TRANSPORT,
                0,
                5,
                12,
                0,
                4,
                List.of(
                        key(Sadb.SADB_EXT_KEY_ENCRYPT, 16, 1),
                        key(Sadb.SADB_EXT_KEY_AUTH, 32, 2),
                        new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_SOFT, 0, 300, 0, 0),
                        new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_HARD, 0, 600, 0, 0)));
        SecurityAssociation sa = net.a
                .engine
                .keyEngine()
                .lookupInbound(ip(B4), SaType.ESP, 0xa001)
                .orElseThrow();
        JipsecDatagramSocket as = net.a.host.openDatagramSocket(false);
        byte[] msg = new byte[72]; // 100-byte IPv4/UDP packets
        int sent = 0;
        while (sa.bytes() <= 300) {
            assertInstanceOf(OutputDecision.Send.class, as.send(msg, sock(B4, 5000)));
            sent++;
        }
        assertEquals(4, sent);
        List<PfkeyMessage> soft = expires(EngineCalls.tick(net.a.engine), ike);
        assertEquals(1, soft.size());
        assertTrue(soft.getFirst().has(Sadb.SADB_EXT_LIFETIME_SOFT));
        assertEquals(SaState.DYING, sa.state());
        while (sa.bytes() <= 600) assertInstanceOf(OutputDecision.Send.class, as.send(msg, sock(B4, 5000)));
        List<PfkeyMessage> hard = expires(EngineCalls.tick(net.a.engine), ike);
        assertEquals(1, hard.size());
        assertTrue(hard.getFirst().has(Sadb.SADB_EXT_LIFETIME_HARD));
        assertNotEquals(SaState.MATURE, sa.state());
        assertTrue(
                net.a
                        .engine
                        .keyEngine()
                        .lookupInbound(ip(B4), SaType.ESP, 0xa001)
                        .isEmpty(),
                "SA gone");
        assertEquals(0, net.a.engine.contextCount());
        assertEquals(
                DropCause.NO_SA,
                assertInstanceOf(OutputDecision.Drop.class, as.send(msg, sock(B4, 5000)))
                        .cause());
    }

    static List<PfkeyMessage> expires(Outcome o, long socket) {
        return o.deliveries().stream()
                .filter(d -> d.socketId() == socket)
                .map(Delivery::message)
                .filter(m -> m.type() == Sadb.SADB_EXPIRE)
                .toList();
    }

    @Test
    void fragmentedEspIsReassembledFirst() throws Exception {
        EngineNet net = new EngineNet();
        net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
        net.b.spdaddHosts(A4, B4, "in ipsec esp/transport//require");
        net.espPair(0xb001, A4, B4, IpsecMode.TRANSPORT, List.of());
        JipsecDatagramSocket bs = net.b.host.openDatagramSocket(false);
        bs.bind(sock(B4, 5000));
        byte[] msg = new byte[3000];
        for (int i = 0; i < msg.length; i++) msg[i] = (byte) i;
        net.a.host.openDatagramSocket(false).send(msg, sock(B4, 5000));
        net.a.link.discardQueued();
        WirePacket w = net.a.link.transmitted().getLast();
        List<byte[]> pieces = fragments(w.packet(), 1280);
        assertTrue(pieces.size() >= 3);
        for (int i = 0; i < pieces.size() - 1; i++) {
            assertInstanceOf(InputDecision.Reassembling.class, net.b.host.receive(pieces.get(i), w.encapsulation()));
        }
        assertInstanceOf(InputDecision.Deliver.class, net.b.host.receive(pieces.getLast(), w.encapsulation()));
        assertArrayEquals(msg, bs.receive().orElseThrow().data());
    }

    /** Plain IPv4 fragmentation (RFC 791): 8-byte aligned pieces, MF on all but the last. */
    static List<byte[]> fragments(byte[] p, int mtu) {
        int hl = (p[0] & 0x0f) * 4;
        int per = (mtu - hl) & ~7;
        List<byte[]> out = new ArrayList<>();
        for (int off = hl; off < p.length; off += per) {
            int n = Math.min(per, p.length - off);
            byte[] f = new byte[hl + n];
            System.arraycopy(p, 0, f, 0, hl);
            System.arraycopy(p, off, f, hl, n);
            boolean more = off + n < p.length;
            org.jipsec.core.net.Ipv4Header.setTotalLength(f, 0, f.length);
            org.jipsec.core.net.Ipv4Header.setFlagsAndOffset(f, 0, (more ? 0x2000 : 0) | ((off - hl) >> 3));
            org.jipsec.core.net.Ipv4Header.updateChecksum(f, 0);
            out.add(f);
        }
        return out;
    }
}
