package org.jipsec.core.ike.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.jipsec.testkit.TestPki;
import org.jipsec.testkit.TestPki.Issued;
import org.jipsec.testkit.TestPki.KeyType;
import org.junit.jupiter.api.Test;

/** {@link CertValidator}: chains, validity at the given time, CRLs with strongSwan's relaxed revocation. */
class CertValidatorTest {
    static final Instant NOW = Instant.now();
    static final Issued ROOT = TestPki.rootCa("C=CH, O=jipsec, CN=V Root", KeyType.EC_P256);
    static final Issued INTER = TestPki.intermediateCa(ROOT, "C=CH, O=jipsec, CN=V Inter", KeyType.EC_P256);
    static final Issued LEAF = TestPki.endEntity(INTER, "C=CH, O=jipsec, CN=leaf", KeyType.EC_P256);

    static PeerTrust trust(Issued... anchors) {
        return new PeerTrust(List.of(anchors).stream().map(Issued::cert).toList(), List.of(), List.of());
    }

    static String invalid(CertValidator.Verdict v) {
        return assertInstanceOf(CertValidator.Verdict.Invalid.class, v).line();
    }

    @Test
    void chainThroughAnIntermediateSentOrLoaded() {
        var v = CertValidator.validate(LEAF.cert(), List.of(INTER.cert()), trust(ROOT), NOW);
        assertEquals(
                3,
                assertInstanceOf(CertValidator.Verdict.Valid.class, v).chain().size());
        // not sent, but loaded as an untrusted CA certificate
        var loaded = new PeerTrust(List.of(ROOT.cert()), List.of(INTER.cert()), List.of());
        assertInstanceOf(
                CertValidator.Verdict.Valid.class, CertValidator.validate(LEAF.cert(), List.of(), loaded, NOW));
        // neither: unknown CA, named
        String r = invalid(CertValidator.validate(LEAF.cert(), List.of(), trust(ROOT), NOW));
        assertTrue(
                r.contains("CN=leaf' (serial 0x")
                        && r.endsWith("unknown CA (issuer 'C=CH, O=jipsec, CN=V Inter'" + " is not trusted)"),
                r);
        // the intermediate itself as the anchor is enough
        assertInstanceOf(
                CertValidator.Verdict.Valid.class, CertValidator.validate(LEAF.cert(), List.of(), trust(INTER), NOW));
    }

    @Test
    void aCaOfTheSameNameWithAnotherKeyIsAnInvalidSignature() {
        Issued impostor = TestPki.rootCa("C=CH, O=jipsec, CN=V Root", KeyType.EC_P256);
        String r = invalid(CertValidator.validate(LEAF.cert(), List.of(INTER.cert()), trust(impostor), NOW));
        assertTrue(r.contains("CN=leaf'") && r.contains("signature invalid"), r);
    }

    @Test
    void validityIsCheckedAtTheGivenTimeForEveryLink() {
        String r = invalid(CertValidator.validate(
                LEAF.cert(), List.of(INTER.cert()), trust(ROOT), TestPki.DEFAULT_TO.plusSeconds(86_400)));
        assertTrue(r.contains("expired on "), r);
        r = invalid(CertValidator.validate(
                LEAF.cert(), List.of(INTER.cert()), trust(ROOT), TestPki.DEFAULT_FROM.minusSeconds(86_400)));
        assertTrue(r.contains("not yet valid (valid from "), r);
        Issued oldInter = TestPki.issue(
                ROOT,
                "C=CH, O=jipsec, CN=Old Inter",
                KeyType.EC_P256,
                true,
                NOW.minusSeconds(900_000),
                NOW.minusSeconds(1000));
        Issued leaf = TestPki.endEntity(oldInter, "C=CH, O=jipsec, CN=leaf2", KeyType.EC_P256);
        r = invalid(CertValidator.validate(leaf.cert(), List.of(oldInter.cert()), trust(ROOT), NOW));
        assertTrue(r.startsWith("certificate 'C=CH, O=jipsec, CN=Old Inter'") && r.contains("expired on"), r);
    }

    @Test
    void revocationIsRelaxed() {
        var leafRevoked = TestPki.crl(INTER, TestPki.revoked(LEAF.cert(), NOW.minusSeconds(60), 4));
        var interRevoked = TestPki.crl(ROOT, TestPki.revoked(INTER.cert(), NOW.minusSeconds(60), 2));
        var later = TestPki.crl(INTER, TestPki.revoked(LEAF.cert(), NOW.plusSeconds(3600), 1));
        var forged = TestPki.crl(ROOT, TestPki.revoked(LEAF.cert(), NOW.minusSeconds(60), 1)); // wrong issuer
        String r = invalid(CertValidator.validate(
                LEAF.cert(),
                List.of(INTER.cert()),
                new PeerTrust(List.of(ROOT.cert()), List.of(), List.of(leafRevoked)),
                NOW));
        assertTrue(r.contains("CN=leaf'") && r.endsWith("(superseded)"), r);
        r = invalid(CertValidator.validate(
                LEAF.cert(),
                List.of(INTER.cert()),
                new PeerTrust(List.of(ROOT.cert()), List.of(), List.of(interRevoked)),
                NOW));
        assertTrue(r.contains("CN=V Inter'") && r.endsWith("(ca compromise)"), r);
        // a revocation dated after the validation time, and a CRL of another issuer: status unknown, accepted
        assertInstanceOf(
                CertValidator.Verdict.Valid.class,
                CertValidator.validate(
                        LEAF.cert(),
                        List.of(INTER.cert()),
                        new PeerTrust(List.of(ROOT.cert()), List.of(), List.of(later, forged)),
                        NOW));
    }
}
