package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.jipsec.core.ike.auth.LocalCertificate;
import org.jipsec.core.ike.auth.PeerTrust;
import org.jipsec.core.ike.config.ConfigSource;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.config.SwanctlConfig;
import org.jipsec.testkit.TestPki;
import org.jipsec.testkit.TestPki.Issued;
import org.jipsec.testkit.TestPki.KeyType;
import org.junit.jupiter.api.Test;

/**
 * Issue #15: two engines authenticating with certificates in the simulation (virtual clock starting at the real
 * time, since the throwaway certificates are valid around now): RSA PKCS#1 v1.5 and PSS, ECDSA P-256/P-384, with
 * RFC 7427 signatures (method 14) and the classic methods 1/9/10; a chain through intermediates large enough to
 * need IKE fragmentation; mixed PSK/pubkey; and the refusals, each one log line naming the certificate.
 */
class IkeCertSimulationTest {
    static final long T0 = Instant.now().toEpochMilli();
    static final Issued ROOT = TestPki.rootCa("C=CH, O=jipsec, CN=Sim Root", KeyType.EC_P256);
    static final String MOON = "C=CH, O=jipsec, CN=moon";
    static final String SUN = "C=CH, O=jipsec, CN=sun";

    static String conf(String self, String peer, String localAuth, String localId, String remoteAuth, String remoteId) {
        return """
                connections { c {
                    local_addrs = %s
                    remote_addrs = %s
                    proposals = aes128gcm16-prfsha256-x25519
                    local { auth = %s
                        %s }
                    remote { auth = %s
                        id = "%s" }
                    children { net {
                        local_ts = %s/32
                        remote_ts = %s/32
                        esp_proposals = aes128gcm16 } }
                } }
                secrets { ike-c { secret = "s3cret-lab" } }
                """.formatted(
                        self,
                        peer,
                        localAuth,
                        localId == null ? "" : "id = \"" + localId + "\"",
                        remoteAuth,
                        remoteId,
                        self,
                        peer);
    }

    static IkeSaEngine engine(
            boolean initiator,
            String localAuth,
            String localId,
            String remoteAuth,
            String remoteId,
            IkeSaConfig.Auth auth,
            long seed)
            throws Exception {
        String self = initiator ? "10.98.0.1" : "10.98.0.2";
        String peer = initiator ? "10.98.0.2" : "10.98.0.1";
        String text = conf(self, peer, localAuth, localId, remoteAuth, remoteId);
        IkeConfig cfg = SwanctlConfig.load("/c.conf", new ConfigSource() {
            @Override
            public String read(String path) {
                return path.equals("/c.conf") ? text : null;
            }

            @Override
            public List<String> glob(String pattern, String directory) {
                return List.of();
            }
        });
        IkeConfig.Connection c = cfg.connections().getFirst();
        SecureRandom rnd = SecureRandom.getInstance("SHA1PRNG");
        rnd.setSeed(seed);
        IkeSaConfig sc = IkeSaConfig.of(
                        c, c.local().getFirst().id(), cfg.secrets().getFirst().secret())
                .withAuth(auth);
        return new IkeSaEngine(
                initiator ? IkeSaEngine.Role.INITIATOR : IkeSaEngine.Role.RESPONDER,
                sc,
                rnd,
                initiator ? IkeSaEngineTest.I : IkeSaEngineTest.R,
                initiator ? IkeSaEngineTest.R : IkeSaEngineTest.I);
    }

    static IkeSaConfig.Auth pubkey(Issued own, List<Issued> intermediates, PeerTrust trust, boolean pss) {
        return new IkeSaConfig.Auth(
                IkeConfig.AuthMethod.PUBKEY,
                IkeConfig.AuthMethod.PUBKEY,
                new LocalCertificate(
                        own.cert(), intermediates.stream().map(Issued::cert).toList(), own.key()),
                trust,
                pss,
                null);
    }

    static PeerTrust trust(Issued... anchors) {
        return new PeerTrust(List.of(anchors).stream().map(Issued::cert).toList(), List.of(), List.of());
    }

    /** Both sides certificate-authenticated; initiator "moon", responder "sun". */
    static IkeSimulation run(
            Issued moon,
            Issued sun,
            PeerTrust trustOfMoon,
            PeerTrust trustOfSun,
            boolean hashes,
            int fragmentSize,
            String sunRemoteId)
            throws Exception {
        IkeSaEngine a = engine(true, "pubkey", null, "pubkey", "%any", pubkey(moon, List.of(), trustOfMoon, false), 1);
        IkeSaEngine b =
                engine(false, "pubkey", null, "pubkey", sunRemoteId, pubkey(sun, List.of(), trustOfSun, false), 2);
        return go(a, b, hashes, fragmentSize);
    }

    static IkeSimulation go(IkeSaEngine a, IkeSaEngine b, boolean hashes, int fragmentSize) {
        a.authentication.announceHashes = hashes;
        b.authentication.announceHashes = hashes;
        if (fragmentSize > 0) {
            a.framing.fragmentSize = fragmentSize;
            b.framing.fragmentSize = fragmentSize;
        }
        IkeSimulation s = new IkeSimulation(a, b, 7, 0, 0, 5);
        s.at(T0, s.a, new IkeEvent.Initiate(T0));
        s.runUntil(T0 + 60_000);
        return s;
    }

    static void assertUp(IkeSimulation s, String method) {
        assertEquals(IkeSaEngine.State.ESTABLISHED, s.a.state(), () -> failures(s));
        assertEquals(IkeSaEngine.State.ESTABLISHED, s.b.state(), () -> failures(s));
        s.assertKeysAgree();
        assertEquals(method, s.a.authentication.peerAuth);
        assertEquals(method, s.b.authentication.peerAuth);
    }

    static String failures(IkeSimulation s) {
        return IkeSimulation.of(s.aActions, IkeAction.Failed.class) + " / "
                + IkeSimulation.of(s.bActions, IkeAction.Failed.class);
    }

    @Test
    void rsaPkcs1WithRfc7427AndClassic() throws Exception {
        Issued moon = TestPki.endEntity(ROOT, MOON, KeyType.RSA_2048);
        Issued sun = TestPki.endEntity(ROOT, SUN, KeyType.RSA_2048);
        assertUp(run(moon, sun, trust(ROOT), trust(ROOT), true, 0, "%any"), "method 14 RSA_SHA256");
        assertUp(run(moon, sun, trust(ROOT), trust(ROOT), false, 0, "%any"), "method 1");
    }

    @Test
    void rsaPss() throws Exception {
        Issued moon = TestPki.endEntity(ROOT, MOON, KeyType.RSA_2048);
        Issued sun = TestPki.endEntity(ROOT, SUN, KeyType.RSA_2048);
        IkeSaEngine a = engine(true, "rsa/pss", null, "pubkey", "%any", pubkey(moon, List.of(), trust(ROOT), true), 1);
        IkeSaEngine b = engine(false, "rsa/pss", null, "pubkey", "%any", pubkey(sun, List.of(), trust(ROOT), true), 2);
        assertUp(go(a, b, true, 0), "method 14 RSA_PSS_SHA256");
    }

    @Test
    void ecdsaP256AndP384BothMethods() throws Exception {
        for (KeyType t : List.of(KeyType.EC_P256, KeyType.EC_P384)) {
            Issued moon = TestPki.endEntity(ROOT, MOON, t);
            Issued sun = TestPki.endEntity(ROOT, SUN, t);
            String m14 = t == KeyType.EC_P256 ? "method 14 ECDSA_SHA256" : "method 14 ECDSA_SHA384";
            assertUp(run(moon, sun, trust(ROOT), trust(ROOT), true, 0, "%any"), m14);
            assertUp(
                    run(moon, sun, trust(ROOT), trust(ROOT), false, 0, "%any"),
                    t == KeyType.EC_P256 ? "method 9" : "method 10");
        }
    }

    @Test
    void longChainNeedsFragmentsAndIdsFromSubjectAltNames() throws Exception {
        Issued i1 = TestPki.intermediateCa(ROOT, "C=CH, O=jipsec, CN=Inter 1", KeyType.RSA_2048);
        Issued i2 = TestPki.intermediateCa(i1, "C=CH, O=jipsec, CN=Inter 2", KeyType.RSA_2048);
        Issued i3 = TestPki.intermediateCa(i2, "C=CH, O=jipsec, CN=Inter 3", KeyType.RSA_2048);
        Issued moon = TestPki.endEntity(i3, MOON, KeyType.RSA_2048, "dns:moon.example");
        Issued sun = TestPki.endEntity(ROOT, SUN, KeyType.EC_P384, "email:sun@jipsec.example");
        IkeSaEngine a = engine(
                true,
                "pubkey",
                "moon.example",
                "pubkey",
                "sun@jipsec.example",
                pubkey(moon, List.of(i3, i2, i1), trust(ROOT), false),
                1);
        IkeSaEngine b = engine(
                false,
                "pubkey",
                "sun@jipsec.example",
                "pubkey",
                "*.example",
                pubkey(sun, List.of(), trust(ROOT), false),
                2);
        IkeSimulation s = go(a, b, true, 1280);
        assertEquals(IkeSaEngine.State.ESTABLISHED, s.b.state(), () -> failures(s));
        s.assertKeysAgree();
        assertEquals("method 14 ECDSA_SHA384", s.a.authentication.peerAuth);
        assertEquals("method 14 RSA_SHA256", s.b.authentication.peerAuth);
        assertTrue(IkeFragmentSimulationTest.skf(s.aActions) >= 3, "IKE_AUTH request went in fragments");
        // the same without fragmentation support on the responder: one datagram far above 1280 octets
        IkeSaEngine a2 = engine(
                true,
                "pubkey",
                "moon.example",
                "pubkey",
                "%any",
                pubkey(moon, List.of(i3, i2, i1), trust(ROOT), false),
                3);
        IkeSaEngine b2 = engine(false, "pubkey", null, "pubkey", "%any", pubkey(sun, List.of(), trust(ROOT), false), 4);
        b2.fragmentation(IkeConfig.Fragmentation.NO, 1280);
        IkeSimulation s2 = go(a2, b2, true, 0);
        int largest = IkeSimulation.of(s2.aActions, IkeAction.Send.class).stream()
                .mapToInt(x -> x.bytes().length)
                .max()
                .orElse(0);
        assertTrue(largest > 3000, "unfragmented IKE_AUTH of " + largest + " octets");
    }

    @Test
    void mixedPskAndPubkey() throws Exception {
        Issued sun = TestPki.endEntity(ROOT, SUN, KeyType.EC_P256);
        // moon: local psk, remote pubkey; sun: local pubkey, remote psk (local.auth and remote.auth independent)
        IkeSaEngine a = engine(
                true,
                "psk",
                "moon.example",
                "pubkey",
                "%any",
                new IkeSaConfig.Auth(
                        IkeConfig.AuthMethod.PSK, IkeConfig.AuthMethod.PUBKEY, null, trust(ROOT), false, null),
                1);
        IkeSaEngine b = engine(
                false,
                "pubkey",
                null,
                "psk",
                "moon.example",
                new IkeSaConfig.Auth(
                        IkeConfig.AuthMethod.PUBKEY,
                        IkeConfig.AuthMethod.PSK,
                        new LocalCertificate(sun.cert(), List.of(), sun.key()),
                        null,
                        false,
                        null),
                2);
        IkeSimulation s = go(a, b, true, 0);
        assertEquals(IkeSaEngine.State.ESTABLISHED, s.a.state(), () -> failures(s));
        assertEquals("method 14 ECDSA_SHA256", s.a.authentication.peerAuth);
        assertEquals("method 2", s.b.authentication.peerAuth);
    }

    /** The responder refuses the initiator's certificate: AUTHENTICATION_FAILED both ways, one reason line. */
    static String refusedByResponder(Issued moon, PeerTrust sunTrust, String sunRemoteId) throws Exception {
        Issued sun = TestPki.endEntity(ROOT, SUN, KeyType.EC_P256);
        IkeSimulation s = run(moon, sun, trust(ROOT), sunTrust, true, 0, sunRemoteId);
        assertEquals(IkeSaEngine.State.FAILED, s.b.state());
        assertEquals(IkeSaEngine.State.FAILED, s.a.state());
        var bFailed = IkeSimulation.of(s.bActions, IkeAction.Failed.class);
        assertEquals(1, bFailed.size(), bFailed::toString);
        assertTrue(IkeSimulation.of(s.aActions, IkeAction.Failed.class)
                .getFirst()
                .reason()
                .contains("AUTHENTICATION_FAILED"));
        return bFailed.getFirst().reason();
    }

    @Test
    void refusals() throws Exception {
        Instant now = Instant.ofEpochMilli(T0);
        Issued expired = TestPki.issue(
                ROOT, MOON, KeyType.EC_P256, false, now.minusSeconds(86_400 * 10), now.minusSeconds(86_400));
        String r = refusedByResponder(expired, trust(ROOT), "%any");
        assertTrue(r.startsWith("AUTHENTICATION_FAILED: certificate 'C=CH, O=jipsec, CN=moon' (serial 0x"), r);
        assertTrue(r.contains("expired on "), r);

        Issued future = TestPki.issue(
                ROOT, MOON, KeyType.EC_P256, false, now.plusSeconds(86_400), now.plusSeconds(86_400 * 10));
        assertTrue(refusedByResponder(future, trust(ROOT), "%any").contains("not yet valid"));

        Issued moon = TestPki.endEntity(ROOT, MOON, KeyType.EC_P256);
        var crl = TestPki.crl(ROOT, TestPki.revoked(moon.cert(), now.minusSeconds(3600), 1));
        r = refusedByResponder(moon, new PeerTrust(List.of(ROOT.cert()), List.of(), List.of(crl)), "%any");
        assertTrue(r.contains("revoked on ") && r.endsWith("(key compromise)"), r);

        Issued otherRoot = TestPki.rootCa("C=CH, O=other, CN=Other Root", KeyType.EC_P256);
        r = refusedByResponder(moon, trust(otherRoot), "%any");
        assertTrue(r.contains("unknown CA (issuer 'C=CH, O=jipsec, CN=Sim Root' is not trusted)"), r);

        r = refusedByResponder(moon, trust(ROOT), "C=CH, O=jipsec, CN=mars");
        assertTrue(r.contains("certificate 'C=CH, O=jipsec, CN=moon' (serial "), r);
        assertTrue(r.contains("ID mismatch (peer identity C=CH, O=jipsec, CN=moon is not the configured remote.id"), r);
        // a DN wildcard accepts it
        Issued sun = TestPki.endEntity(ROOT, SUN, KeyType.EC_P256);
        assertUp(run(moon, sun, trust(ROOT), trust(ROOT), true, 0, "C=CH, O=jipsec, CN=*"), "method 14 ECDSA_SHA256");
    }

    @Test
    void idNotInCertificateAndExpiryWarning() throws Exception {
        Instant now = Instant.ofEpochMilli(T0);
        Issued moon = TestPki.issue(
                ROOT,
                MOON,
                KeyType.EC_P256,
                false,
                now.minusSeconds(86_400),
                now.plusSeconds(86_400 * 5),
                "dns:moon.example");
        Issued sun = TestPki.endEntity(ROOT, SUN, KeyType.EC_P256);
        IkeSaEngine a = engine(
                true, "pubkey", "mars.example", "pubkey", "%any", pubkey(moon, List.of(), trust(ROOT), false), 1);
        IkeSaEngine b = engine(false, "pubkey", null, "pubkey", "%any", pubkey(sun, List.of(), trust(ROOT), false), 2);
        IkeSimulation s = go(a, b, true, 0);
        String r =
                IkeSimulation.of(s.bActions, IkeAction.Failed.class).getFirst().reason();
        assertTrue(r.contains("CN=moon' (serial 0x") && r.contains("ID mismatch (peer's ID 'mars.example'"), r);

        IkeSaEngine a2 = engine(
                true, "pubkey", "moon.example", "pubkey", "%any", pubkey(moon, List.of(), trust(ROOT), false), 3);
        IkeSaEngine b2 = engine(false, "pubkey", null, "pubkey", "%any", pubkey(sun, List.of(), trust(ROOT), false), 4);
        IkeSimulation s2 = go(a2, b2, true, 0);
        assertEquals(IkeSaEngine.State.ESTABLISHED, s2.b.state(), () -> failures(s2));
        var warnings = IkeSimulation.of(s2.bActions, IkeAction.Warning.class);
        assertEquals(1, warnings.size(), warnings::toString);
        assertTrue(
                warnings.getFirst().message().matches("peer certificate 'C=CH, O=jipsec, CN=moon' .* in [45] days"),
                warnings.getFirst().message());
    }
}
