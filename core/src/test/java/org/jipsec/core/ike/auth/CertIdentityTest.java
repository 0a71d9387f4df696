package org.jipsec.core.ike.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.jipsec.core.ike.codec.IdPayload;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ID-in-certificate and CERTREQ hash checks on a throwaway self-signed certificate made in the test. */
class CertIdentityTest {
    private static final String DN = "C=CH, O=jipsec test, CN=moon.example.org";
    private static X509Certificate cert;

    @BeforeAll
    static void makeCertificate() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom(new byte[] {7}));
        KeyPair kp = g.generateKeyPair();
        var tbs = new V3TBSCertificateGenerator();
        tbs.setSerialNumber(new ASN1Integer(42));
        tbs.setIssuer(new X500Name(DN));
        tbs.setSubject(new X500Name(DN));
        tbs.setStartDate(new Time(new Date(0)));
        tbs.setEndDate(new Time(new Date(4_000_000_000_000L)));
        tbs.setSubjectPublicKeyInfo(
                SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded()));
        var sigAlg = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
        tbs.setSignature(sigAlg);
        var san = new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "moon.example.org"),
            new GeneralName(GeneralName.rfc822Name, "moon@example.org"),
            new GeneralName(GeneralName.iPAddress, "192.0.2.1")
        });
        tbs.setExtensions(new Extensions(new Extension(Extension.subjectAlternativeName, false, san.getEncoded())));
        var t = tbs.generateTBSCertificate();
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(kp.getPrivate());
        s.update(t.getEncoded("DER"));
        var v = new ASN1EncodableVector();
        v.add(t);
        v.add(sigAlg);
        v.add(new DERBitString(s.sign()));
        cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(new DERSequence(v).getEncoded("DER")));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void dnIdMatchesTheSubjectRegardlessOfEncodingDetails() throws Exception {
        assertTrue(CertIdentity.contains(cert, IdPayload.ID_DER_ASN1_DN, new X500Name(DN).getEncoded("DER")));
        assertFalse(CertIdentity.contains(
                cert,
                IdPayload.ID_DER_ASN1_DN,
                new X500Name("C=CH, O=jipsec test, CN=sun.example.org").getEncoded("DER")));
        assertFalse(CertIdentity.contains(cert, IdPayload.ID_DER_ASN1_DN, new byte[] {0x30, 0x05}), "malformed DN");
    }

    @Test
    void fqdnEmailAndAddressMustBeSubjectAltNames() throws Exception {
        assertTrue(CertIdentity.contains(cert, IdPayload.ID_FQDN, ascii("MOON.example.org")));
        assertFalse(CertIdentity.contains(cert, IdPayload.ID_FQDN, ascii("sun.example.org")));
        assertTrue(CertIdentity.contains(cert, IdPayload.ID_RFC822_ADDR, ascii("moon@example.org")));
        assertFalse(CertIdentity.contains(cert, IdPayload.ID_RFC822_ADDR, ascii("sun@example.org")));
        assertFalse(CertIdentity.contains(cert, IdPayload.ID_FQDN, ascii("moon@example.org")), "type must match");
        assertTrue(CertIdentity.contains(
                cert, IdPayload.ID_IPV4_ADDR, InetAddress.getByName("192.0.2.1").getAddress()));
        assertFalse(CertIdentity.contains(
                cert, IdPayload.ID_IPV4_ADDR, InetAddress.getByName("192.0.2.2").getAddress()));
        assertFalse(CertIdentity.contains(cert, IdPayload.ID_IPV4_ADDR, new byte[3]), "malformed address");
        assertFalse(CertIdentity.contains(cert, IdPayload.ID_KEY_ID, ascii("moon")));
    }

    @Test
    void certReqHashIsSha1OfSubjectPublicKeyInfo() throws Exception {
        byte[] h = MessageDigest.getInstance("SHA-1")
                .digest(SubjectPublicKeyInfo.getInstance(cert.getPublicKey().getEncoded())
                        .getEncoded("DER"));
        assertArrayEquals(h, CertIdentity.caKeyHash(cert));
        byte[] two = new byte[40];
        System.arraycopy(h, 0, two, 20, 20);
        assertTrue(CertIdentity.requested(two, cert));
        assertFalse(CertIdentity.requested(new byte[40], cert));
        assertFalse(CertIdentity.requested(new byte[] {1, 2, 3}, cert));
    }
}
