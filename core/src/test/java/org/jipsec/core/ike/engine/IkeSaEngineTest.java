package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jipsec.core.ike.codec.IkeMessageCodec;
import org.jipsec.core.ike.config.ConfigSource;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.config.SwanctlConfig;
import org.junit.jupiter.api.Test;

/**
 * Two engines wired together in memory (design.md: the protocol core takes buffers and returns instructions):
 * IKE_SA_INIT + IKE_AUTH with PSK end to end, keys agreeing on both sides, and the failures a user sees named.
 */
class IkeSaEngineTest {

    static final IkeEndpoint I = new IkeEndpoint(addr("10.98.0.1"), 500);
    static final IkeEndpoint R = new IkeEndpoint(addr("10.98.0.2"), 500);

    static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static String conf(
            String self, String peer, String proposals, String esp, String localTs, String remoteTs, String secret) {
        return """
                connections { c {
                    version = 2
                    local_addrs = %s
                    remote_addrs = %s
                    proposals = %s
                    local { auth = psk
                        id = %s }
                    remote { auth = psk
                        id = %s }
                    children { net {
                        local_ts = %s
                        remote_ts = %s
                        esp_proposals = %s } }
                } }
                secrets { ike-c { secret = "%s" } }
                """.formatted(self, peer, proposals, self, peer, localTs, remoteTs, esp, secret);
    }

    static IkeSaEngine engine(IkeSaEngine.Role role, String text, long seed) throws Exception {
        ConfigSource src = new ConfigSource() {
            @Override
            public String read(String path) {
                return path.equals("/c.conf") ? text : null;
            }

            @Override
            public List<String> glob(String pattern, String directory) {
                return List.of();
            }
        };
        IkeConfig cfg = SwanctlConfig.load("/c.conf", src);
        IkeConfig.Connection c = cfg.connections().getFirst();
        SecureRandom rnd = SecureRandom.getInstance("SHA1PRNG");
        rnd.setSeed(seed);
        boolean initiator = role == IkeSaEngine.Role.INITIATOR;
        return new IkeSaEngine(
                role,
                IkeSaConfig.of(
                        c, c.local().getFirst().id(), cfg.secrets().getFirst().secret()),
                rnd,
                initiator ? I : R,
                initiator ? R : I);
    }

    /** Runs the exchange: every Send goes to the other engine unless {@code drop} says so; returns all actions. */
    static final class Link {
        final IkeSaEngine i;
        final IkeSaEngine r;
        final List<IkeAction> iActions = new ArrayList<>();
        final List<IkeAction> rActions = new ArrayList<>();
        final List<byte[]> wire = new ArrayList<>();
        int dropNth = -1;
        long now;

        Link(IkeSaEngine i, IkeSaEngine r) {
            this.i = i;
            this.r = r;
        }

        void run(IkeEvent first) {
            Deque<Object[]> queue = new ArrayDeque<>();
            queue.add(new Object[] {i, first});
            int steps = 0;
            while (!queue.isEmpty() && steps++ < 100) {
                Object[] e = queue.poll();
                IkeSaEngine target = (IkeSaEngine) e[0];
                List<IkeAction> out = target.handle((IkeEvent) e[1]);
                (target == i ? iActions : rActions).addAll(out);
                for (IkeAction a : out) {
                    if (a instanceof IkeAction.Send s) {
                        wire.add(s.bytes());
                        if (wire.size() - 1 == dropNth) continue;
                        IkeSaEngine other = target == i ? r : i;
                        queue.add(new Object[] {other, new IkeEvent.Datagram(s.from(), s.to(), s.bytes(), now)});
                    }
                }
            }
        }

        <T extends IkeAction> T only(List<IkeAction> actions, Class<T> type) {
            List<T> found =
                    actions.stream().filter(type::isInstance).map(type::cast).toList();
            assertEquals(1, found.size(), type.getSimpleName() + " in " + actions);
            return found.getFirst();
        }
    }

    static Link establish(String iProposals, String rProposals, String iEsp, String rEsp) throws Exception {
        IkeSaEngine i = engine(
                IkeSaEngine.Role.INITIATOR,
                conf("10.98.0.1", "10.98.0.2", iProposals, iEsp, "10.98.1.0/24", "10.98.2.0/24", "s3cret-lab"),
                1);
        IkeSaEngine r = engine(
                IkeSaEngine.Role.RESPONDER,
                conf("10.98.0.2", "10.98.0.1", rProposals, rEsp, "10.98.2.0/24", "10.98.1.0/24", "s3cret-lab"),
                2);
        Link l = new Link(i, r);
        l.run(new IkeEvent.Initiate(0));
        return l;
    }

    static void assertChildKeysAgree(Link l) {
        IkeAction.InstallChild ci = l.only(l.iActions, IkeAction.InstallChild.class);
        IkeAction.InstallChild cr = l.only(l.rActions, IkeAction.InstallChild.class);
        assertEquals(ci.spiIn(), cr.spiOut());
        assertEquals(ci.spiOut(), cr.spiIn());
        assertArrayEquals(ci.encrOut(), cr.encrIn());
        assertArrayEquals(ci.integOut(), cr.integIn());
        assertArrayEquals(ci.encrIn(), cr.encrOut());
        assertFalse(java.util.Arrays.equals(ci.encrIn(), ci.encrOut()), "the two directions have their own keys");
        assertEquals(ci.localTs(), cr.remoteTs());
        assertEquals(ci.remoteTs(), cr.localTs());
        assertEquals(ci.esp().toString(), cr.esp().toString());
    }

    @Test
    void establishesWithEachSuite() throws Exception {
        for (String[] s : new String[][] {
            {"aes128gcm16-prfsha256-x25519", "aes128gcm16"},
            {"aes256-sha256-modp2048", "aes128-sha256"},
            {"chacha20poly1305-prfsha512-ecp256", "aes256gcm16"},
            {"aes192-sha384-ecp384", "aes256-sha512"}
        }) {
            Link l = establish(s[0], s[0], s[1], s[1]);
            assertEquals(IkeSaEngine.State.ESTABLISHED, l.i.state(), s[0] + " " + l.iActions);
            assertEquals(IkeSaEngine.State.ESTABLISHED, l.r.state(), s[0] + " " + l.rActions);
            assertEquals(4, l.wire.size(), "IKE_SA_INIT and IKE_AUTH, nothing else");
            IkeAction.Established e = l.only(l.iActions, IkeAction.Established.class);
            assertFalse(e.localBehindNat() || e.remoteBehindNat());
            assertChildKeysAgree(l);
            assertEquals(
                    "[10.98.1.0..10.98.1.255]",
                    l.only(l.iActions, IkeAction.InstallChild.class).localTs().toString());
        }
    }

    @Test
    void messagesAreWhatStrongSwanExpects() throws Exception {
        Link l =
                establish("aes128gcm16-prfsha256-x25519", "aes128gcm16-prfsha256-x25519", "aes128gcm16", "aes128gcm16");
        assertEquals(
                "IKE_SA_INIT request 0 [ SA KE No N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP) N(IKEV2_FRAGMENTATION_SUPPORTED) ]",
                IkeMessageCodec.decode(l.wire.get(0)).summary());
        assertEquals(
                "IKE_SA_INIT response 0 [ SA KE No N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP) N(IKEV2_FRAGMENTATION_SUPPORTED) ]",
                IkeMessageCodec.decode(l.wire.get(1)).summary());
        assertEquals(
                "IKE_AUTH request 1 [ SK ]",
                IkeMessageCodec.decode(l.wire.get(2)).summary());
        assertEquals(IkeMessageCodec.decode(l.wire.get(0)).header().spiI(), l.r.spiI());
    }

    @Test
    void wrongPskIsAuthenticationFailedOnBothSides() throws Exception {
        IkeSaEngine i = engine(
                IkeSaEngine.Role.INITIATOR,
                conf(
                        "10.98.0.1",
                        "10.98.0.2",
                        "aes128gcm16-prfsha256-x25519",
                        "aes128gcm16",
                        "10.98.1.0/24",
                        "10.98.2.0/24",
                        "one"),
                1);
        IkeSaEngine r = engine(
                IkeSaEngine.Role.RESPONDER,
                conf(
                        "10.98.0.2",
                        "10.98.0.1",
                        "aes128gcm16-prfsha256-x25519",
                        "aes128gcm16",
                        "10.98.2.0/24",
                        "10.98.1.0/24",
                        "two"),
                2);
        Link l = new Link(i, r);
        l.run(new IkeEvent.Initiate(0));
        assertEquals(
                "AUTHENTICATION_FAILED: AUTH of 10.98.0.1 does not verify with the configured PSK",
                l.only(l.rActions, IkeAction.Failed.class).reason());
        assertEquals(
                "the responder refused our authentication (AUTHENTICATION_FAILED)",
                l.only(l.iActions, IkeAction.Failed.class).reason());
        assertTrue(l.iActions.stream().noneMatch(a -> a instanceof IkeAction.InstallChild));
    }

    @Test
    void proposalMismatchNamesTheTransform() throws Exception {
        Link l = establish("aes128-sha256-x25519", "aes128gcm16-prfsha256-x25519", "aes128gcm16", "aes128gcm16");
        assertEquals(
                "IKE_SA_INIT refused: NO_PROPOSAL_CHOSEN",
                l.only(l.iActions, IkeAction.Failed.class).reason());
        String why = l.only(l.rActions, IkeAction.Failed.class).reason();
        assertTrue(why.contains("no acceptable ENCRYPTION_ALGORITHM (offered AES_CBC_128)"), why);
    }

    @Test
    void invalidKePayloadRetriesWithTheRequestedGroup() throws Exception {
        Link l = establish(
                "aes128gcm16-prfsha256-x25519-ecp256", "aes128gcm16-prfsha256-ecp256", "aes128gcm16", "aes128gcm16");
        assertEquals(IkeSaEngine.State.ESTABLISHED, l.i.state(), l.iActions.toString());
        assertEquals(6, l.wire.size(), "INVALID_KE round trip, then the two exchanges");
        assertTrue(IkeMessageCodec.decode(l.wire.get(1)).summary().contains("N(INVALID_KE_PAYLOAD)"));
        assertEquals(
                "IKE:AES_GCM_16_128/PRF_HMAC_SHA2_256/ECP_256",
                l.only(l.iActions, IkeAction.Established.class).ike().toString());
        assertChildKeysAgree(l);
    }

    @Test
    void lostRequestIsRetransmittedAndDuplicatesGetTheCachedResponse() throws Exception {
        IkeSaEngine i = engine(
                IkeSaEngine.Role.INITIATOR,
                conf(
                        "10.98.0.1",
                        "10.98.0.2",
                        "aes128gcm16-prfsha256-x25519",
                        "aes128gcm16",
                        "10.98.1.0/24",
                        "10.98.2.0/24",
                        "k"),
                1);
        IkeSaEngine r = engine(
                IkeSaEngine.Role.RESPONDER,
                conf(
                        "10.98.0.2",
                        "10.98.0.1",
                        "aes128gcm16-prfsha256-x25519",
                        "aes128gcm16",
                        "10.98.2.0/24",
                        "10.98.1.0/24",
                        "k"),
                2);
        Link l = new Link(i, r);
        l.dropNth = 2; // the first IKE_AUTH request is lost
        l.run(new IkeEvent.Initiate(0));
        assertEquals(IkeSaEngine.State.AUTH_SENT, i.state());
        IkeAction.ArmTimer t = (IkeAction.ArmTimer) l.iActions.getLast();
        assertEquals(4_000, t.at()); // strongSwan: 4 s first
        l.now = t.at();
        l.run(new IkeEvent.Timer(t.at()));
        assertEquals(IkeSaEngine.State.ESTABLISHED, i.state());
        // wire: 0 INIT req, 1 INIT resp, 2 AUTH req (lost), 3 AUTH req again, 4 AUTH resp
        assertEquals(5, l.wire.size());
        assertArrayEquals(l.wire.get(2), l.wire.get(3), "the retransmission is the same bytes");
        // the responder gets the request again (a duplicate): it answers with the cached response, nothing else
        List<IkeAction> again = r.handle(new IkeEvent.Datagram(I, R, l.wire.get(3), 5_000));
        assertEquals(1, again.size());
        assertArrayEquals(l.wire.get(4), ((IkeAction.Send) again.getFirst()).bytes());
    }

    @Test
    void givesUpAfterStrongSwansRetransmitCount() throws Exception {
        IkeSaEngine i = engine(
                IkeSaEngine.Role.INITIATOR,
                conf(
                        "10.98.0.1",
                        "10.98.0.2",
                        "aes128gcm16-prfsha256-x25519",
                        "aes128gcm16",
                        "10.98.1.0/24",
                        "10.98.2.0/24",
                        "k"),
                1);
        List<IkeAction> a = i.handle(new IkeEvent.Initiate(0));
        long at = ((IkeAction.ArmTimer) a.getLast()).at();
        List<Long> deadlines = new ArrayList<>(List.of(at));
        for (int n = 0; n < 5; n++) {
            a = i.handle(new IkeEvent.Timer(at));
            at = ((IkeAction.ArmTimer) a.getLast()).at();
            deadlines.add(at);
        }
        // 4 s × 1.8^n, cumulative: 4, 11.2, 24.16, 47.49, 89.48, 165.06 s (strongswan.conf(5); ms truncated)
        assertEquals(List.of(4_000L, 11_200L, 24_160L, 47_488L, 89_478L, 165_060L), deadlines);
        a = i.handle(new IkeEvent.Timer(at));
        assertTrue(
                ((IkeAction.Failed) a.getLast()).reason().startsWith("giving up after 5 retransmits of IKE_SA_INIT"));
    }

    @Test
    void unacceptableSelectorsFailTheChildNotTheIkeSa() throws Exception {
        IkeSaEngine i = engine(
                IkeSaEngine.Role.INITIATOR,
                conf(
                        "10.98.0.1",
                        "10.98.0.2",
                        "aes128gcm16-prfsha256-x25519",
                        "aes128gcm16",
                        "10.98.1.0/24",
                        "10.98.9.0/24",
                        "k"),
                1);
        IkeSaEngine r = engine(
                IkeSaEngine.Role.RESPONDER,
                conf(
                        "10.98.0.2",
                        "10.98.0.1",
                        "aes128gcm16-prfsha256-x25519",
                        "aes128gcm16",
                        "10.98.2.0/24",
                        "10.98.1.0/24",
                        "k"),
                2);
        Link l = new Link(i, r);
        l.run(new IkeEvent.Initiate(0));
        assertEquals(IkeSaEngine.State.ESTABLISHED, i.state());
        assertEquals(IkeSaEngine.State.ESTABLISHED, r.state());
        String why = l.only(l.rActions, IkeAction.ChildFailed.class).reason();
        assertTrue(
                why.startsWith("no child of the connection fits the proposed TSi")
                        && why.contains("TSr [10.98.9.0..10.98.9.255] does not overlap local_ts"),
                why);
        assertEquals(
                "peer answered TS_UNACCEPTABLE",
                l.only(l.iActions, IkeAction.ChildFailed.class).reason());
    }

    @Test
    void localIdDefaultsToTheLocalAddress() throws Exception {
        String iConf = conf(
                        "10.98.0.1",
                        "10.98.0.2",
                        "aes128gcm16-prfsha256-x25519",
                        "aes128gcm16",
                        "10.98.1.0/24",
                        "10.98.2.0/24",
                        "k")
                .replace("id = 10.98.0.1 }", "}");
        IkeSaEngine r = engine(
                IkeSaEngine.Role.RESPONDER,
                conf(
                        "10.98.0.2",
                        "10.98.0.1",
                        "aes128gcm16-prfsha256-x25519",
                        "aes128gcm16",
                        "10.98.2.0/24",
                        "10.98.1.0/24",
                        "k"),
                2);
        Link l = new Link(engine(IkeSaEngine.Role.INITIATOR, iConf, 1), r);
        l.run(new IkeEvent.Initiate(0));
        assertEquals(IkeSaEngine.State.ESTABLISHED, r.state(), l.rActions.toString());
    }

    @Test
    void wrongPeerIdentityIsNamed() throws Exception {
        String rConf = conf(
                        "10.98.0.2",
                        "10.98.0.1",
                        "aes128gcm16-prfsha256-x25519",
                        "aes128gcm16",
                        "10.98.2.0/24",
                        "10.98.1.0/24",
                        "k")
                .replace("id = 10.98.0.2 }", "id = gw.example }");
        IkeSaEngine i = engine(
                IkeSaEngine.Role.INITIATOR,
                conf(
                        "10.98.0.1",
                        "10.98.0.2",
                        "aes128gcm16-prfsha256-x25519",
                        "aes128gcm16",
                        "10.98.1.0/24",
                        "10.98.2.0/24",
                        "k"),
                1);
        Link l = new Link(i, engine(IkeSaEngine.Role.RESPONDER, rConf, 2));
        l.run(new IkeEvent.Initiate(0));
        assertEquals(
                "AUTHENTICATION_FAILED: peer identity gw.example is not the configured remote.id 10.98.0.2",
                l.only(l.iActions, IkeAction.Failed.class).reason());
    }

    @Test
    void natIsDetectedWhenTheAddressSeenDiffers() throws Exception {
        // the responder sees the initiator as 192.0.2.7:4321 (a masquerading router in between)
        IkeSaEngine i = engine(
                IkeSaEngine.Role.INITIATOR,
                conf(
                        "10.98.0.1",
                        "10.98.0.2",
                        "aes128gcm16-prfsha256-x25519",
                        "aes128gcm16",
                        "10.98.1.0/24",
                        "10.98.2.0/24",
                        "k"),
                1);
        String rText = conf(
                "10.98.0.2",
                "10.98.0.1",
                "aes128gcm16-prfsha256-x25519",
                "aes128gcm16",
                "10.98.2.0/24",
                "10.98.1.0/24",
                "k");
        IkeConfig cfg = SwanctlConfig.load("/c.conf", new ConfigSource() {
            @Override
            public String read(String p) {
                return rText;
            }

            @Override
            public List<String> glob(String p, String d) {
                return List.of();
            }
        });
        IkeConfig.Connection c = cfg.connections().getFirst();
        IkeSaEngine r = new IkeSaEngine(
                IkeSaEngine.Role.RESPONDER,
                IkeSaConfig.of(c, c.local().getFirst().id(), "k".getBytes(StandardCharsets.US_ASCII)),
                new SecureRandom(),
                R,
                new IkeEndpoint(addr("192.0.2.7"), 4321));
        List<IkeAction> a = i.handle(new IkeEvent.Initiate(0));
        byte[] req = ((IkeAction.Send) a.getFirst()).bytes();
        List<IkeAction> resp = r.handle(new IkeEvent.Datagram(new IkeEndpoint(addr("192.0.2.7"), 4321), R, req, 0));
        assertNotNull(resp);
        assertEquals(IkeSaEngine.State.INIT_ANSWERED, r.state());
        i.handle(new IkeEvent.Datagram(R, I, ((IkeAction.Send) resp.getFirst()).bytes(), 0));
        assertEquals(IkeSaEngine.State.AUTH_SENT, i.state());
        // both ends finish IKE_AUTH; each reports what §2.23 lets it conclude
        List<IkeAction> auth = i.handle(new IkeEvent.Timer(4_000));
        List<IkeAction> rAuth = r.handle(new IkeEvent.Datagram(
                new IkeEndpoint(addr("192.0.2.7"), 4321), R, ((IkeAction.Send) auth.getFirst()).bytes(), 4_000));
        IkeAction.Established re = rAuth.stream()
                .filter(x -> x instanceof IkeAction.Established)
                .map(IkeAction.Established.class::cast)
                .findFirst()
                .orElseThrow();
        assertTrue(re.remoteBehindNat(), "the responder sees the initiator behind a NAT");
        assertFalse(re.localBehindNat());
        List<IkeAction> iDone =
                i.handle(new IkeEvent.Datagram(R, I, ((IkeAction.Send) rAuth.getFirst()).bytes(), 4_000));
        IkeAction.Established ie = iDone.stream()
                .filter(x -> x instanceof IkeAction.Established)
                .map(IkeAction.Established.class::cast)
                .findFirst()
                .orElseThrow();
        assertTrue(ie.localBehindNat(), "the initiator learns it is behind a NAT");
    }
}
