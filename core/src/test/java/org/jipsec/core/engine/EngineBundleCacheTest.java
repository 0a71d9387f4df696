package org.jipsec.core.engine;

import static org.jipsec.core.engine.EngineNet.A4;
import static org.jipsec.core.engine.EngineNet.B4;
import static org.jipsec.core.engine.EngineNet.ip;
import static org.jipsec.core.engine.EngineNet.key;
import static org.jipsec.core.engine.EngineNet.sock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.jipsec.core.engine.socket.UdpPackets;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.sad.SaState;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.sysctl.SysctlNames;
import org.junit.jupiter.api.Test;

/**
 * The per-flow bundle cache of the output path ({@code IpsecEngine.CachedBundle}): every SAD or SPD change between
 * two packets of one flow takes effect on the second packet, exactly as without a cache. The flow is always the
 * same (same addresses, ports, protocol), so the second packet would hit the cache if it were not invalidated.
 */
class EngineBundleCacheTest {

    final EngineNet net = new EngineNet();

    byte[] packet(int n) {
        return UdpPackets.build(sock(A4, 1000), sock(B4, 2000), new byte[72], n, 64); // 100-byte packets
    }

    OutputDecision send(int n) {
        return EngineCalls.output(net.a.engine, PacketBuffer.wrap(packet(n)), null);
    }

    int spiSent(int n) {
        OutputDecision d = send(n);
        WirePacket w = assertInstanceOf(OutputDecision.Send.class, d, d::toString)
                .packets()
                .getFirst();
        return (int) Bytes.u32(w.packet(), 20);
    }

    void addSa(int spi, List<Extension> more) {
        List<Extension> x = new java.util.ArrayList<>(
                List.of(key(Sadb.SADB_EXT_KEY_ENCRYPT, 16, spi), key(Sadb.SADB_EXT_KEY_AUTH, 32, spi + 1)));
        x.addAll(more);
        net.a.add(Sadb.SADB_SATYPE_ESP, spi, A4, B4, IpsecMode.TRANSPORT, 0, 5, 12, 0, 4, x);
    }

    void deleteSa(int spi) {
        net.a.ok(
                net.a.admin,
                PfkeyMessage.of(
                        Sadb.SADB_DELETE,
                        Sadb.SADB_SATYPE_ESP,
                        0,
                        net.a.pid,
                        List.of(
                                new Extension.Sa(spi, 0, 0, 0, 0, 0),
                                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, new Endpoint(ip(A4))),
                                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, new Endpoint(ip(B4))))));
    }

    SecurityAssociation sa(int spi) {
        return net.a.engine.keyEngine().lookupInbound(ip(B4), SaType.ESP, spi).orElseThrow();
    }

    @Test
    void aNewerSaIsUsedByTheNextPacket() {
        net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
        addSa(0xb001, List.of());
        assertEquals(0xb001, spiSent(1));
        assertEquals(0xb001, spiSent(2));
        net.clock.advance(Duration.ofSeconds(1));
        addSa(0xb002, List.of()); // spec §4.6: the newest MATURE SA is preferred
        assertEquals(0xb002, spiSent(3));
        deleteSa(0xb002); // and when it goes, the older one again
        assertEquals(0xb001, spiSent(4));
        deleteSa(0xb001);
        OutputDecision.Drop drop = assertInstanceOf(OutputDecision.Drop.class, send(5));
        assertEquals(DropCause.NO_SA, drop.cause());
        addSa(0xb003, List.of()); // the replacement, at once
        assertEquals(0xb003, spiSent(6));
    }

    @Test
    void aSoftLifetimeExpiryChangesTheChoiceAtOnce() {
        net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
        addSa(0xb011, List.of());
        net.clock.advance(Duration.ofSeconds(1));
        addSa(
                0xb012,
                List.of(
                        new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_SOFT, 0, 300, 0, 0),
                        new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_HARD, 0, 100_000, 0, 0)));
        int sent = 0;
        while (sa(0xb012).bytes() <= 300) {
            assertEquals(0xb012, spiSent(sent++), "the newest MATURE SA");
        }
        assertEquals(4, sent, "every cached-path packet counted in the SA's bytes");
        net.a.engine.tick(); // soft byte lifetime: MATURE → DYING
        assertEquals(SaState.DYING, sa(0xb012).state());
        assertEquals(0xb011, spiSent(10), "a MATURE SA beats a DYING one (prefered_oldsa 0)");
    }

    @Test
    void preferedOldsaAppliesToTheNextPacket() throws Exception {
        net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
        addSa(0xb021, List.of());
        net.clock.advance(Duration.ofSeconds(1));
        addSa(0xb022, List.of());
        assertEquals(0xb022, spiSent(1));
        assertEquals(0xb022, spiSent(2));
        net.a.sysctl.write(SysctlNames.KEY_PREFERED_OLDSA, 1);
        assertEquals(0xb021, spiSent(3));
        net.a.sysctl.write(SysctlNames.KEY_PREFERED_OLDSA, 0);
        assertEquals(0xb022, spiSent(4));
    }

    @Test
    void aHardByteLifetimeEndsTheFlowOnTheCachedPath() {
        net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
        addSa(
                0xb031,
                List.of(
                        new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_SOFT, 0, 500, 0, 0),
                        new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_HARD, 0, 600, 0, 0)));
        int sent = 0;
        while (sa(0xb031).bytes() <= 600) {
            spiSent(sent++);
        }
        assertEquals(7, sent);
        assertEquals(7, sa(0xb031).allocations());
        net.a.engine.tick();
        assertTrue(
                net.a
                        .engine
                        .keyEngine()
                        .lookupInbound(ip(B4), SaType.ESP, 0xb031)
                        .isEmpty(),
                "SA gone");
        assertEquals(
                DropCause.NO_SA,
                assertInstanceOf(OutputDecision.Drop.class, send(99)).cause());
    }

    @Test
    void aPolicyReplacedBetweenTwoPacketsTakesEffectAtOnce() throws Exception {
        net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
        addSa(0xb041, List.of());
        assertEquals(0xb041, spiSent(1));
        assertEquals(0xb041, spiSent(2));
        var p = org.jipsec.core.spd.PolicyParser.parse("out discard");
        net.a.ok(
                net.a.admin,
                PfkeyMessage.of(
                        Sadb.SADB_X_SPDUPDATE,
                        0,
                        0,
                        net.a.pid,
                        List.of(
                                new Extension.Policy(p),
                                new Extension.Address(Sadb.SADB_EXT_ADDRESS_SRC, 255, 32, new Endpoint(ip(A4))),
                                new Extension.Address(Sadb.SADB_EXT_ADDRESS_DST, 255, 32, new Endpoint(ip(B4))))));
        assertEquals(
                DropCause.POLICY_DISCARD,
                assertInstanceOf(OutputDecision.Drop.class, send(3)).cause());
    }

    @Test
    void aSaDeletedBehindTheEnginesBackIsNeverUsed() {
        net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
        addSa(0xb051, List.of());
        assertEquals(0xb051, spiSent(1));
        // an io layer that hands PF_KEY to the key engine itself: the engine notices at the next packet
        net.a
                .engine
                .keyEngine()
                .handle(
                        net.a.admin,
                        PfkeyMessage.of(
                                Sadb.SADB_DELETE,
                                Sadb.SADB_SATYPE_ESP,
                                0,
                                1,
                                List.of(
                                        new Extension.Sa(0xb051, 0, 0, 0, 0, 0),
                                        Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, new Endpoint(ip(A4))),
                                        Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, new Endpoint(ip(B4))))));
        assertEquals(
                DropCause.NO_SA,
                assertInstanceOf(OutputDecision.Drop.class, send(2)).cause());
        assertEquals(0, net.a.engine.contextCount(), "its keys are gone");
    }
}
