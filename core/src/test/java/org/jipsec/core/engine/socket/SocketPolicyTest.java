package org.jipsec.core.engine.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.jipsec.core.engine.DropCause;
import org.jipsec.core.engine.Encapsulation;
import org.jipsec.core.engine.EngineSettings;
import org.jipsec.core.engine.InputDecision;
import org.jipsec.core.engine.IpsecEngine;
import org.jipsec.core.engine.IpsecStatistics;
import org.jipsec.core.engine.OutputDecision;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.Outcome;
import org.jipsec.core.pfkey.PfkeyCodec;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.spd.PolicyParser;
import org.jipsec.core.sysctl.Sysctl;
import org.junit.jupiter.api.Test;

/**
 * Per-socket policy through {@link JipsecDatagramSocket} (spec §4.2, NetBSD setsockopt IP_IPSEC_POLICY): validation,
 * and precedence between the socket's policy, the SPD and the system default, for privileged and unprivileged sockets.
 */
class SocketPolicyTest {

    static final InetAddress A = ip("10.0.0.1");
    static final InetAddress B = ip("10.0.0.2");

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    final Sysctl sysA = Sysctl.withNetbsdDefaults();
    final Sysctl sysB = Sysctl.withNetbsdDefaults();
    final IpsecEngine engA = IpsecEngine.create(
            sysA, () -> Instant.ofEpochSecond(1_700_000_000L), new SplittableRandom(1), EngineSettings.NETBSD);
    final IpsecEngine engB = IpsecEngine.create(
            sysB, () -> Instant.ofEpochSecond(1_700_000_000L), new SplittableRandom(2), EngineSettings.NETBSD);
    final MemoryLink linkA = new MemoryLink();
    final MemoryLink linkB = new MemoryLink();
    final JipsecHost hostA = new JipsecHost(engA, linkA, List.of(A));
    final JipsecHost hostB = new JipsecHost(engB, linkB, List.of(B));
    final InetSocketAddress bPort = new InetSocketAddress(B, 5000);

    SocketPolicyTest() {
        linkA.connectTo(hostB);
        linkB.connectTo(hostA);
        for (IpsecEngine e : List.of(engA, engB)) {
            pfkey(
                    e,
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
        }
    }

    static void pfkey(IpsecEngine e, PfkeyMessage m) {
        long s = e.keyEngine().openSocket();
        Outcome o = e.pfkey(s, PfkeyCodec.encode(m));
        assertEquals(0, o.deliveries().getLast().message().errno(), o::toString);
        e.keyEngine().closeSocket(s);
    }

    void spd(IpsecEngine e, String policy) throws Exception {
        pfkey(
                e,
                PfkeyMessage.of(
                        Sadb.SADB_X_SPDADD,
                        0,
                        0,
                        1,
                        List.of(
                                new Extension.Policy(PolicyParser.parse(policy)),
                                new Extension.Address(Sadb.SADB_EXT_ADDRESS_SRC, 255, 32, new Endpoint(A)),
                                new Extension.Address(Sadb.SADB_EXT_ADDRESS_DST, 255, 32, new Endpoint(B)))));
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void setPolicyValidatesAsSetsockopt() throws Exception {
        JipsecDatagramSocket user = hostA.openDatagramSocket(false);
        JipsecDatagramSocket root = hostA.openDatagramSocket(true);
        assertEquals("out entrust", user.getPolicy(PolicyDirection.OUTBOUND));
        assertEquals(
                "EINVAL",
                assertThrows(JipsecSocketException.class, () -> user.setPolicy("out discard"))
                        .errno());
        assertEquals(
                "EINVAL",
                assertThrows(JipsecSocketException.class, () -> user.setPolicy("in none"))
                        .errno());
        assertEquals(
                "EINVAL",
                assertThrows(JipsecSocketException.class, () -> user.setPolicy("out ipsec esp"))
                        .errno());
        assertEquals(
                "EINVAL",
                assertThrows(JipsecSocketException.class, () -> user.setPolicy("sideways ipsec"))
                        .errno());
        assertEquals(
                "EPERM",
                assertThrows(JipsecSocketException.class, () -> user.setPolicy("out bypass"))
                        .errno());
        root.setPolicy("out bypass");
        assertEquals("out bypass", root.getPolicy(PolicyDirection.OUTBOUND));
        user.setPolicy("out ipsec esp/transport//require");
        assertEquals("out ipsec esp/transport//require", user.getPolicy(PolicyDirection.OUTBOUND));
        assertEquals("in entrust", user.getPolicy(PolicyDirection.INBOUND));
    }

    @Test
    void automaticReqidsOfSocketsAndTheSpdComeFromOneCounter() throws Exception {
        // NetBSD's _key_msg2sp calls key_newreqid for SPDADD and setsockopt alike: 0x4001, then 0x4002.
        spd(engA, "out ipsec esp/transport//unique");
        String spdDump = engA.keyEngine()
                        .policies()
                        .snapshot()
                        .getFirst()
                        .policy()
                        .requests()
                        .getFirst()
                        .reqid() + "";
        assertEquals(String.valueOf(0x4001), spdDump);
        JipsecDatagramSocket user = hostA.openDatagramSocket(false);
        user.setPolicy("out ipsec esp/transport//unique");
        assertEquals("out ipsec esp/transport//unique#" + 0x4002, user.getPolicy(PolicyDirection.OUTBOUND));
    }

    @Test
    void socketPolicyAppliesWhenTheSpdHasNoEntry() throws Exception {
        JipsecDatagramSocket bs = hostB.openDatagramSocket(false);
        bs.bind(bPort);
        JipsecDatagramSocket user = hostA.openDatagramSocket(false);
        user.setPolicy("out ipsec esp/transport//require");
        OutputDecision d = user.send(text("protected by the socket"), bPort);
        OutputDecision.Send s = assertInstanceOf(OutputDecision.Send.class, d, d::toString);
        assertEquals(new Encapsulation.RawIp(50), s.packets().getFirst().encapsulation());
        linkA.deliver();
        assertEquals(1, bs.receive().orElseThrow().protection().size());
        // an entrust socket next to it follows the system default: clear
        assertInstanceOf(
                OutputDecision.SendClear.class, hostA.openDatagramSocket(false).send(text("x"), bPort));
    }

    @Test
    void spdWinsOverAnUnprivilegedSocketButNotOverAPrivilegedOne() throws Exception {
        spd(engA, "out none");
        JipsecDatagramSocket user = hostA.openDatagramSocket(false);
        user.setPolicy("out ipsec esp/transport//require");
        assertInstanceOf(OutputDecision.SendClear.class, user.send(text("spd says none"), bPort));
        JipsecDatagramSocket root = hostA.openDatagramSocket(true);
        root.setPolicy("out ipsec esp/transport//require");
        assertInstanceOf(OutputDecision.Send.class, root.send(text("root's socket policy"), bPort));
        JipsecDatagramSocket entrust = hostA.openDatagramSocket(true);
        assertInstanceOf(OutputDecision.SendClear.class, entrust.send(text("entrust → spd"), bPort));
    }

    @Test
    void bypassPrivilegedSkipsARequirePolicy() throws Exception {
        spd(engA, "out ipsec esp/transport//require");
        JipsecDatagramSocket root = hostA.openDatagramSocket(true);
        root.setPolicy("out bypass");
        assertInstanceOf(OutputDecision.SendClear.class, root.send(text("bypass"), bPort));
        JipsecDatagramSocket user = hostA.openDatagramSocket(false);
        assertInstanceOf(OutputDecision.Send.class, user.send(text("spd applies"), bPort));
    }

    @Test
    void unprivilegedBypassCannotBeSet() {
        JipsecDatagramSocket user = hostA.openDatagramSocket(false);
        assertThrows(JipsecSocketException.class, () -> user.setPolicy("out bypass"));
        assertEquals("out entrust", user.getPolicy(PolicyDirection.OUTBOUND), "no partial state after a refusal");
    }

    @Test
    void socketInboundPolicyRejectsClearDatagrams() throws Exception {
        JipsecDatagramSocket bs = hostB.openDatagramSocket(true);
        bs.bind(bPort);
        bs.setPolicy("in ipsec esp/transport//require");
        hostA.openDatagramSocket(false).send(text("clear"), bPort);
        InputDecision d = linkA.deliver().getFirst();
        assertEquals(
                DropCause.POLICY_VIOLATION,
                assertInstanceOf(InputDecision.Drop.class, d).cause());
        assertEquals(1, engB.statistics().get(IpsecStatistics.IN_POLVIO));
        assertTrue(bs.receive().isEmpty());
        // protected datagrams pass the same socket
        JipsecDatagramSocket user = hostA.openDatagramSocket(false);
        user.setPolicy("out ipsec esp/transport//require");
        user.send(text("protected"), bPort);
        assertInstanceOf(InputDecision.Deliver.class, linkA.deliver().getFirst());
        assertArrayEquals(text("protected"), bs.receive().orElseThrow().data());
    }

    @Test
    void bindRules() throws Exception {
        JipsecDatagramSocket s1 = hostB.openDatagramSocket(false);
        s1.bind(bPort);
        JipsecDatagramSocket s2 = hostB.openDatagramSocket(false);
        assertEquals(
                "EADDRINUSE",
                assertThrows(JipsecSocketException.class, () -> s2.bind(bPort)).errno());
        assertEquals(
                "EADDRNOTAVAIL",
                assertThrows(JipsecSocketException.class, () -> s2.bind(new InetSocketAddress(A, 1)))
                        .errno());
        s2.bind(new InetSocketAddress(B, 0));
        assertEquals(JipsecHost.EPHEMERAL_FIRST, s2.localAddress().getPort());
        s1.close();
        assertEquals(
                "EBADF",
                assertThrows(JipsecSocketException.class, () -> s1.send(new byte[1], bPort))
                        .errno());
    }

    @Test
    void udpPacketsCarryValidChecksums() throws Exception {
        byte[] p = UdpPackets.build(new InetSocketAddress(A, 1000), bPort, text("checksum"), 5, 64);
        assertTrue(org.jipsec.core.net.TransportChecksum.verify(p, 0, p.length));
        assertArrayEquals(text("checksum"), UdpPackets.parse(p).orElseThrow().data());
        p[p.length - 1] ^= 1;
        assertTrue(UdpPackets.parse(p).isEmpty(), "bad checksum refused");
        byte[] v6 = UdpPackets.build(
                new InetSocketAddress(ip("fd00::1"), 1000), new InetSocketAddress(ip("fd00::2"), 7), text("v6"), 0, 64);
        assertTrue(org.jipsec.core.net.TransportChecksum.verify(v6, 0, v6.length));
        assertEquals(7, UdpPackets.parse(v6).orElseThrow().destination().getPort());
    }
}
