package org.jipsec.core.engine.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.jipsec.core.engine.EngineCalls;
import org.jipsec.core.engine.EngineSettings;
import org.jipsec.core.engine.IpsecEngine;
import org.jipsec.core.engine.IpsecStatistics;
import org.jipsec.core.engine.OutputDecision;
import org.jipsec.core.engine.SocketPolicy;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.spd.PolicyParser;
import org.jipsec.core.spd.SocketPolicyResolver;
import org.jipsec.core.sysctl.Sysctl;
import org.junit.jupiter.api.Test;

/**
 * The echo flows of sockets outside jipsecd ({@code jipsec ping -P}, issue #13 item 9): which packets belong to a
 * registered socket, and what the engine does with them under that socket's policy (spec §4.2).
 */
class EchoFlowTableTest {

    static final InetAddress A = SocketPolicyTest.A, B = SocketPolicyTest.B;
    static final InetAddress A6 = InetAddress.ofLiteral("fd00::1"), B6 = InetAddress.ofLiteral("fd00::2");

    final IpsecEngine engine = IpsecEngine.create(
            Sysctl.withNetbsdDefaults(),
            () -> Instant.ofEpochSecond(1_700_000_000L),
            new SplittableRandom(1),
            EngineSettings.NETBSD);

    static SocketPolicy policy(String... p) throws Exception {
        SocketPolicy s = SocketPolicy.entrust(true);
        for (String x : p) s = s.with(SocketPolicyResolver.validateForSocket(PolicyParser.parse(x), true, () -> 1));
        return s;
    }

    /** An echo request from {@code src} to {@code dst}: the reply {@link EchoFlowTable#echoReply} builds, turned around. */
    static byte[] request(InetAddress src, InetAddress dst, int id) {
        byte[] p = EchoFlowTable.echoReply(src, dst, id); // addresses: src, dst as given
        boolean v6 = p.length == 48;
        p[v6 ? 40 : 20] = (byte) (v6 ? 128 : 8);
        return p;
    }

    @Test
    void echoRequestsAndRepliesOfARegisteredFlowAreFoundAndNothingElse() throws Exception {
        EchoFlowTable t = new EchoFlowTable();
        assertTrue(t.isEmpty());
        SocketPolicy p4 = policy("out ipsec esp/transport//require"), p6 = policy("in bypass");
        assertEquals(EchoFlowTable.Registration.REGISTERED, t.register(B, 0x1234, p4));
        assertEquals(EchoFlowTable.Registration.IN_USE, t.register(B, 0x1234, p6));
        assertEquals(EchoFlowTable.Registration.REGISTERED, t.register(B6, 0x1234, p6));
        byte[] out4 = request(A, B, 0x1234), in4 = EchoFlowTable.echoReply(B, A, 0x1234);
        assertSame(p4, t.outbound(out4, 0, out4.length));
        assertSame(p4, t.inbound(in4, 0, in4.length));
        assertNull(t.inbound(out4, 0, out4.length), "a request is not a reply");
        assertNull(t.outbound(in4, 0, in4.length), "a reply is not a request");
        byte[] other = request(A, B, 0x1235);
        assertNull(t.outbound(other, 0, other.length), "another identifier");
        byte[] elsewhere = request(A, A, 0x1234);
        assertNull(t.outbound(elsewhere, 0, elsewhere.length), "another peer");
        byte[] frag = request(A, B, 0x1234);
        frag[7] = 1; // fragment offset 8: no ICMP header here
        assertNull(t.outbound(frag, 0, frag.length));
        byte[] out6 = request(A6, B6, 0x1234), in6 = EchoFlowTable.echoReply(B6, A6, 0x1234);
        assertSame(p6, t.outbound(out6, 0, out6.length));
        assertSame(p6, t.inbound(in6, 0, in6.length));
        t.unregister(B, 0x1234, p6); // not that registration's policy: kept
        assertSame(p4, t.outbound(out4, 0, out4.length));
        t.unregister(B, 0x1234, p4);
        assertNull(t.outbound(out4, 0, out4.length));
    }

    @Test
    void theEngineProtectsARegisteredSocketsRequestWithoutAnSpdEntry() throws Exception {
        SocketPolicyTest.pfkey(
                engine,
                PfkeyMessage.of(
                        Sadb.SADB_ADD,
                        Sadb.SADB_SATYPE_ESP,
                        0,
                        1,
                        List.of(
                                new Extension.Sa(0x4242, 4, 0, 5, 12, 0),
                                new Extension.Sa2(0, 0, 0),
                                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, new Endpoint(A)),
                                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, new Endpoint(B)),
                                new Extension.Key(Sadb.SADB_EXT_KEY_ENCRYPT, 128, new byte[16]),
                                new Extension.Key(Sadb.SADB_EXT_KEY_AUTH, 256, new byte[32]))));
        EchoFlowTable t = new EchoFlowTable();
        t.register(B, 7, policy("out ipsec esp/transport//require"));
        byte[] req = request(A, B, 7);
        assertInstanceOf(
                OutputDecision.SendClear.class,
                EngineCalls.output(engine, PacketBuffer.wrap(req.clone()), null),
                "no SPD entry: the address path sends it in clear");
        OutputDecision d = EngineCalls.output(engine, PacketBuffer.wrap(req.clone()), t.outbound(req, 0, req.length));
        OutputDecision.Send s = assertInstanceOf(OutputDecision.Send.class, d, "the socket's policy: ESP");
        byte[] wire = s.packets().getFirst().packet();
        assertEquals(50, wire[9] & 0xff);
    }

    @Test
    void aClearReplyIsRefusedOnlyWhereTheSocketsInboundPolicyRequiresEspOrAhAndTheQuestionIsNotCounted()
            throws Exception {
        byte[] reply = EchoFlowTable.echoReply(B, A, 7);
        assertTrue(engine.checkSocketInboundClear(reply, policy("in ipsec esp/transport//require"))
                .isPresent());
        assertTrue(engine.checkSocketInboundClear(reply, policy("in ipsec ah/transport//require"))
                .isPresent());
        assertTrue(
                engine.checkSocketInboundClear(reply, policy("in ipsec ipcomp/transport//require"))
                        .isEmpty(),
                "IPComp is never enforced inbound (ipsec_in_reject)");
        assertTrue(engine.checkSocketInboundClear(reply, policy("in ipsec esp/transport//use"))
                .isEmpty());
        assertTrue(engine.checkSocketInboundClear(reply, policy("in bypass")).isEmpty());
        assertTrue(engine.checkSocketInboundClear(reply, policy("in entrust")).isEmpty(), "no SPD entry: the default");
        assertEquals(0, engine.statistics().snapshot()[IpsecStatistics.IN_POLVIO]);
    }

    /**
     * The policy guard's view (docs/socket-policy.md): only privileged bypass registrations with a local address are
     * holes; the generation moves when one appears or goes, not for entrust/ipsec registrations.
     */
    @Test
    void bypassFlowsAreThePrivilegedBypassRegistrationsOnly() throws Exception {
        EchoFlowTable t = new EchoFlowTable();
        int g0 = t.bypassGeneration();
        assertEquals(
                EchoFlowTable.Registration.REGISTERED, t.register(B, 1, A, policy("out ipsec esp/transport//require")));
        assertEquals(EchoFlowTable.Registration.REGISTERED, t.register(B, 2, A, policy("in entrust", "out entrust")));
        assertEquals(g0, t.bypassGeneration(), "ipsec/entrust registrations open no hole");
        assertEquals(List.of(), t.bypassFlows());
        SocketPolicy out = policy("out bypass"), both = policy("out bypass", "in bypass");
        assertEquals(EchoFlowTable.Registration.REGISTERED, t.register(B, 3, A, out));
        assertEquals(EchoFlowTable.Registration.REGISTERED, t.register(B6, 9, A6, both));
        assertEquals(EchoFlowTable.Registration.REGISTERED, t.register(B, 4, null, policy("in bypass")));
        SocketPolicy unprivileged = new SocketPolicy(out.inbound(), out.outbound(), false);
        assertEquals(EchoFlowTable.Registration.REGISTERED, t.register(B, 5, A, unprivileged));
        assertEquals(g0 + 2, t.bypassGeneration());
        assertEquals(
                List.of(
                        new org.jipsec.core.guard.BypassFlow(A, B, 3, true, false),
                        new org.jipsec.core.guard.BypassFlow(A6, B6, 9, true, true)),
                t.bypassFlows());
        t.unregister(B, 3, policy("out ipsec esp/transport//require")); // not its policy: nothing
        assertEquals(g0 + 2, t.bypassGeneration());
        t.unregister(B, 3, out);
        assertEquals(g0 + 3, t.bypassGeneration());
        assertEquals(List.of(new org.jipsec.core.guard.BypassFlow(A6, B6, 9, true, true)), t.bypassFlows());
        t.unregister(B, 1, policy("out ipsec esp/transport//require"));
        assertEquals(g0 + 3, t.bypassGeneration());
    }
}
