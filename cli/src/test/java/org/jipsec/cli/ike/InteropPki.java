package org.jipsec.cli.ike;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.CertificateList;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertList;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V2TBSCertListGenerator;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * A throw-away PKI for the certificate interop tests (issue #15 items 1 and 5), made in the test with the JDK's key
 * generators and signatures and Bouncy Castle's ASN.1 classes (RFC 5280 certificates and CRLs, no bcpkix): CAs,
 * end-entity certificates with a DN and subjectAltNames, expired ones, revoked ones and their CRL. {@link #writeSwanctl}
 * lays the files out as swanctl does next to swanctl.conf (x509/, x509ca/, x509crl/, private/), which both
 * {@code jipsec iked} and strongSwan's swanctl read. Lab keys only: nothing here is secret.
 */
final class InteropPki {
    private InteropPki() {}

    /** A certificate with its key pair and its issuer (null for a self-signed root). */
    record Issued(X509Certificate cert, KeyPair keys, Issued issuer) {
        String dn() {
            return cert.getSubjectX500Principal().getName();
        }

        BigInteger serial() {
            return cert.getSerialNumber();
        }

        byte[] der() {
            try {
                return cert.getEncoded();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Key algorithms the tests use. */
    enum KeyType {
        RSA2048,
        RSA3072,
        RSA4096,
        P256,
        P384;

        KeyPair generate() {
            try {
                return switch (this) {
                    case RSA2048 -> rsa(2048);
                    case RSA3072 -> rsa(3072);
                    case RSA4096 -> rsa(4096);
                    case P256 -> ec("secp256r1");
                    case P384 -> ec("secp384r1");
                };
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        private static KeyPair rsa(int bits) throws GeneralSecurityException {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4));
            return g.generateKeyPair();
        }

        private static KeyPair ec(String curve) throws GeneralSecurityException {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        }
    }

    private static long serials = 0x1000;

    private static synchronized BigInteger nextSerial() {
        return BigInteger.valueOf(++serials);
    }

    /** A self-signed root CA valid from an hour ago for ten years. */
    static Issued root(String dn, KeyType type) throws Exception {
        Instant now = Instant.now();
        return make(
                null,
                dn,
                type.generate(),
                true,
                List.of(),
                now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(3650)),
                0);
    }

    /** An intermediate CA signed by {@code issuer}. */
    static Issued intermediate(Issued issuer, String dn, KeyType type) throws Exception {
        Instant now = Instant.now();
        return make(
                issuer,
                dn,
                type.generate(),
                true,
                List.of(),
                now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(365)),
                0);
    }

    /**
     * An end-entity certificate signed by {@code issuer}, with subjectAltNames {@code sans} (an IPv4 address literal
     * becomes an iPAddress, anything else a dNSName), valid from {@code notBefore} to {@code notAfter};
     * {@code padding} octets of a private, non-critical extension make it larger (for the fragmentation case).
     */
    static Issued endEntity(
            Issued issuer, String dn, KeyType type, List<String> sans, Instant notBefore, Instant notAfter, int padding)
            throws Exception {
        return make(issuer, dn, type.generate(), false, sans, notBefore, notAfter, padding);
    }

    /** An end-entity certificate for an existing key pair (a re-issued certificate: expired, revoked, another CA). */
    static Issued endEntity(
            Issued issuer, String dn, KeyPair keys, List<String> sans, Instant notBefore, Instant notAfter)
            throws Exception {
        return make(issuer, dn, keys, false, sans, notBefore, notAfter, 0);
    }

    /** An end-entity certificate valid from an hour ago for a year. */
    static Issued endEntity(Issued issuer, String dn, KeyType type, String... sans) throws Exception {
        Instant now = Instant.now();
        return endEntity(
                issuer, dn, type, List.of(sans), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)), 0);
    }

    private static Issued make(
            Issued issuer,
            String dn,
            KeyPair keys,
            boolean ca,
            List<String> sans,
            Instant notBefore,
            Instant notAfter,
            int padding)
            throws Exception {
        PrivateKey signer = issuer == null ? keys.getPrivate() : issuer.keys.getPrivate();
        PublicKey signerPub = issuer == null ? keys.getPublic() : issuer.keys.getPublic();
        AlgorithmIdentifier alg = signatureAlgorithm(signerPub);
        SubjectPublicKeyInfo spki =
                SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        V3TBSCertificateGenerator g = new V3TBSCertificateGenerator();
        g.setSerialNumber(new ASN1Integer(nextSerial()));
        g.setSignature(alg);
        g.setSubject(new X500Name(dn));
        g.setIssuer(
                issuer == null
                        ? new X500Name(dn)
                        : X500Name.getInstance(
                                issuer.cert.getSubjectX500Principal().getEncoded()));
        g.setStartDate(new Time(Date.from(notBefore)));
        g.setEndDate(new Time(Date.from(notAfter)));
        g.setSubjectPublicKeyInfo(spki);
        ExtensionsGenerator ext = new ExtensionsGenerator();
        ext.addExtension(
                Extension.basicConstraints, true, ca ? new BasicConstraints(true) : new BasicConstraints(false));
        ext.addExtension(
                Extension.keyUsage,
                true,
                new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
        ext.addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(keys.getPublic())));
        ext.addExtension(
                Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyId(signerPub), null, null));
        if (!sans.isEmpty()) {
            List<GeneralName> names = new ArrayList<>();
            for (String s : sans) {
                names.add(
                        s.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")
                                ? new GeneralName(GeneralName.iPAddress, s)
                                : new GeneralName(GeneralName.dNSName, s));
            }
            ext.addExtension(
                    Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
        }
        if (padding > 0) {
            // a private arc (1.3.6.1.4.1.55555 is no one's) holding a comment, to make the certificate large
            ext.addExtension(
                    new ASN1ObjectIdentifier("1.3.6.1.4.1.55555.1"),
                    false,
                    new DERUTF8String("jipsec interop padding ".repeat(padding / 23 + 1)));
        }
        g.setExtensions(ext.generate());
        TBSCertificate tbs = g.generateTBSCertificate();
        byte[] sig = sign(signer, alg, tbs.getEncoded(ASN1Encoding.DER));
        Certificate c = Certificate.getInstance(
                new DERSequence(new ASN1Encodable[] {tbs, alg, new DERBitString(sig)}).getEncoded(ASN1Encoding.DER));
        X509Certificate x = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(c.getEncoded(ASN1Encoding.DER)));
        return new Issued(x, keys, issuer);
    }

    /** An X.509 v2 CRL by {@code issuer} revoking {@code revoked} (keyCompromise), valid for a week. */
    static byte[] crl(Issued issuer, List<Issued> revoked) throws Exception {
        Instant now = Instant.now();
        AlgorithmIdentifier alg = signatureAlgorithm(issuer.keys.getPublic());
        V2TBSCertListGenerator g = new V2TBSCertListGenerator();
        g.setSignature(alg);
        g.setIssuer(X500Name.getInstance(issuer.cert.getSubjectX500Principal().getEncoded()));
        g.setThisUpdate(new Time(Date.from(now.minus(Duration.ofMinutes(10)))));
        g.setNextUpdate(new Time(Date.from(now.plus(Duration.ofDays(7)))));
        for (Issued r : revoked) {
            g.addCRLEntry(
                    new ASN1Integer(r.serial()),
                    new Time(Date.from(now.minus(Duration.ofMinutes(5)))),
                    CRLReason.keyCompromise);
        }
        ExtensionsGenerator ext = new ExtensionsGenerator();
        ext.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.ONE));
        ext.addExtension(
                Extension.authorityKeyIdentifier,
                false,
                new AuthorityKeyIdentifier(keyId(issuer.keys.getPublic()), null, null));
        g.setExtensions(ext.generate());
        TBSCertList tbs = g.generateTBSCertList();
        byte[] sig = sign(issuer.keys.getPrivate(), alg, tbs.getEncoded(ASN1Encoding.DER));
        return CertificateList.getInstance(new DERSequence(new ASN1Encodable[] {tbs, alg, new DERBitString(sig)}))
                .getEncoded(ASN1Encoding.DER);
    }

    /** SHA-256 with RSA (PKCS#1 v1.5) for RSA issuers, ECDSA with SHA-256/384 by curve size for EC issuers. */
    private static AlgorithmIdentifier signatureAlgorithm(PublicKey issuerKey) {
        if (issuerKey instanceof ECPublicKey ec) {
            return new AlgorithmIdentifier(
                    ec.getParams().getCurve().getField().getFieldSize() > 256
                            ? X9ObjectIdentifiers.ecdsa_with_SHA384
                            : X9ObjectIdentifiers.ecdsa_with_SHA256);
        }
        return new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE);
    }

    private static byte[] sign(PrivateKey key, AlgorithmIdentifier alg, byte[] data) throws Exception {
        String name;
        if (alg.getAlgorithm().equals(X9ObjectIdentifiers.ecdsa_with_SHA384)) name = "SHA384withECDSA";
        else if (alg.getAlgorithm().equals(X9ObjectIdentifiers.ecdsa_with_SHA256)) name = "SHA256withECDSA";
        else name = "SHA256withRSA";
        Signature s = Signature.getInstance(name);
        s.initSign(key);
        s.update(data);
        return s.sign();
    }

    /** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey bit string. */
    private static byte[] keyId(PublicKey key) throws Exception {
        byte[] bits = SubjectPublicKeyInfo.getInstance(key.getEncoded())
                .getPublicKeyData()
                .getBytes();
        return MessageDigest.getInstance("SHA-1").digest(bits);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** The key in its classic form: PKCS#1 RSAPrivateKey or SEC 1 ECPrivateKey (what rsa/ and ecdsa/ hold). */
    static byte[] classicKey(PrivateKey key) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        if (key instanceof java.security.interfaces.ECPrivateKey ec) {
            // RFC 5915 §3: the curve goes into the parameters field (PKCS#8 keeps it in the algorithm identifier)
            org.bouncycastle.asn1.sec.ECPrivateKey k =
                    org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
            return new org.bouncycastle.asn1.sec.ECPrivateKey(
                            ec.getParams().getOrder().bitLength(),
                            k.getKey(),
                            info.getPrivateKeyAlgorithm().getParameters())
                    .getEncoded(ASN1Encoding.DER);
        }
        return info.parsePrivateKey().toASN1Primitive().getEncoded(ASN1Encoding.DER);
    }

    /** Key file formats: PKCS#8 PEM in private/, or the classic PEM forms in rsa/ and ecdsa/. */
    enum KeyFile {
        PKCS8,
        CLASSIC
    }

    /**
     * Writes {@code own} (its certificate in x509/NAME.pem, its private key under private/NAME.pem or rsa|ecdsa/),
     * the {@code cas} in x509ca/ (by their CN) and the {@code crls} in x509crl/ under {@code confDir}, as swanctl's
     * layout next to swanctl.conf. Returns the certificate's file name (for {@code local.certs}).
     */
    static String writeSwanctl(
            Path confDir, String name, Issued own, KeyFile keyFile, List<Issued> cas, List<byte[]> crls)
            throws Exception {
        for (String d : List.of("x509", "x509ca", "x509crl", "private", "rsa", "ecdsa", "pkcs8")) {
            Files.createDirectories(confDir.resolve(d));
        }
        String certFile = name + ".pem";
        if (own != null) {
            Files.writeString(confDir.resolve("x509").resolve(certFile), pem("CERTIFICATE", own.der()));
            PrivateKey k = own.keys.getPrivate();
            Path keyPath;
            String text;
            if (keyFile == KeyFile.PKCS8) {
                keyPath = confDir.resolve("private").resolve(name + ".pem");
                text = pem("PRIVATE KEY", k.getEncoded());
            } else if (k.getAlgorithm().equals("RSA")) {
                keyPath = confDir.resolve("rsa").resolve(name + ".pem");
                text = pem("RSA PRIVATE KEY", classicKey(k));
            } else {
                keyPath = confDir.resolve("ecdsa").resolve(name + ".pem");
                text = pem("EC PRIVATE KEY", classicKey(k));
            }
            Files.writeString(keyPath, text);
            Files.setPosixFilePermissions(
                    keyPath, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        for (Issued ca : cas)
            Files.writeString(confDir.resolve("x509ca").resolve(caFile(ca)), pem("CERTIFICATE", ca.der()));
        int n = 0;
        for (byte[] crl : crls) Files.write(confDir.resolve("x509crl").resolve("crl" + n++ + ".crl"), crl);
        return certFile;
    }

    /** The file name a CA gets in x509ca/ (for {@code remote.cacerts}). */
    static String caFile(Issued ca) {
        String cn = ca.dn().replaceAll(".*CN=([^,]+).*", "$1");
        return cn.replaceAll("[^A-Za-z0-9.-]", "_") + ".pem";
    }
}
