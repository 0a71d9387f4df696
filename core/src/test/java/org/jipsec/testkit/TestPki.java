package org.jipsec.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway PKI for tests (issue #15): root and intermediate CAs, end-entity certificates with subjectAltNames,
 * CRLs, and PEM/DER output in swanctl's layout. Built with Bouncy Castle's {@link X509v3CertificateBuilder}.
 *
 * <p>Distinguished names are written as strongSwan writes them, in DER order ({@code "C=CH, O=jipsec, CN=moon"}:
 * C is the first RDN), which is also the form swanctl.conf's {@code id} takes. Subject alternative names are given
 * as {@code "dns:moon.example"}, {@code "email:a@b.example"} or {@code "ip:192.0.2.1"}.
 *
 * <pre>{@code
 * TestPki.Issued ca = TestPki.rootCa("C=CH, O=jipsec, CN=Test Root", TestPki.KeyType.EC_P256);
 * TestPki.Issued moon = TestPki.endEntity(ca, "C=CH, O=jipsec, CN=moon", TestPki.KeyType.RSA_2048,
 *         "dns:moon.example", "ip:10.1.0.1");
 * X509CRL crl = TestPki.crl(ca, TestPki.revoked(moon.cert(), Instant.now(), 1));
 * TestPki.writeSwanctl(dir, "moon", moon, ca);   // x509/moon.pem, private/moon.pem, x509ca/<ca>.pem
 * }</pre>
 */
public final class TestPki {
    private TestPki() {}

    /** Key types jipsec authenticates with (RSA PKCS#1 v1.5 and PSS use the same RSA key). */
    public enum KeyType {
        RSA_2048,
        RSA_3072,
        EC_P256,
        EC_P384,
        EC_P521
    }

    /** A certificate and its private key. */
    public record Issued(X509Certificate cert, PrivateKey key) {
        /** The subject as strongSwan prints it (DER order). */
        public String subject() {
            return X500Name.getInstance(cert.getSubjectX500Principal().getEncoded())
                    .toString();
        }

        @Override
        public String toString() {
            return "Issued[" + subject() + ", serial " + cert.getSerialNumber() + "]";
        }
    }

    /** One entry of a CRL. */
    public record Revoked(BigInteger serial, Instant date, int reason) {}

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime() & 0xffff_ffffL);
    /** Default validity: from a day ago to a year ahead of the real clock. */
    public static final Instant DEFAULT_FROM = Instant.now().minusSeconds(86_400);

    public static final Instant DEFAULT_TO = Instant.now().plusSeconds(365L * 86_400);

    public static KeyPair keyPair(KeyType t) {
        try {
            return switch (t) {
                case RSA_2048, RSA_3072 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(t == KeyType.RSA_2048 ? 2048 : 3072, RANDOM);
                    yield g.generateKeyPair();
                }
                case EC_P256, EC_P384, EC_P521 -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                    String curve =
                            t == KeyType.EC_P256 ? "secp256r1" : t == KeyType.EC_P384 ? "secp384r1" : "secp521r1";
                    g.initialize(new ECGenParameterSpec(curve), RANDOM);
                    yield g.generateKeyPair();
                }
            };
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    public static Issued rootCa(String dn, KeyType t) {
        return rootCa(dn, t, DEFAULT_FROM, DEFAULT_TO);
    }

    public static Issued rootCa(String dn, KeyType t, Instant from, Instant to) {
        KeyPair kp = keyPair(t);
        return build(dn, kp, dn, kp.getPrivate(), null, true, from, to, List.of());
    }

    public static Issued intermediateCa(Issued issuer, String dn, KeyType t) {
        return issue(issuer, dn, t, true, DEFAULT_FROM, DEFAULT_TO);
    }

    public static Issued endEntity(Issued issuer, String dn, KeyType t, String... sans) {
        return issue(issuer, dn, t, false, DEFAULT_FROM, DEFAULT_TO, sans);
    }

    /** Any certificate: {@code ca} sets basicConstraints cA and keyCertSign/cRLSign. */
    public static Issued issue(
            Issued issuer, String dn, KeyType t, boolean ca, Instant from, Instant to, String... sans) {
        KeyPair kp = keyPair(t);
        return build(dn, kp, issuer.subject(), issuer.key(), issuer.cert(), ca, from, to, List.of(sans));
    }

    private static Issued build(
            String dn,
            KeyPair kp,
            String issuerDn,
            PrivateKey issuerKey,
            X509Certificate issuerCert,
            boolean ca,
            Instant from,
            Instant to,
            List<String> sans) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    new X500Name(issuerDn),
                    BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(from),
                    Date.from(to),
                    new X500Name(dn),
                    kp.getPublic());
            JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(kp.getPublic()));
            if (issuerCert != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, u.createAuthorityKeyIdentifier(issuerCert));
            }
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
            if (!sans.isEmpty()) {
                List<GeneralName> names = new ArrayList<>();
                for (String s : sans) names.add(generalName(s));
                b.addExtension(
                        Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(signer(issuerKey)));
            return new Issued(cert, kp.getPrivate());
        } catch (GeneralSecurityException | IOException | OperatorCreationException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static GeneralName generalName(String s) throws IOException {
        int colon = s.indexOf(':');
        String kind = s.substring(0, colon);
        String v = s.substring(colon + 1);
        return switch (kind) {
            case "dns" -> new GeneralName(GeneralName.dNSName, v);
            case "email" -> new GeneralName(GeneralName.rfc822Name, v);
            case "ip" ->
                new GeneralName(
                        GeneralName.iPAddress,
                        new org.bouncycastle.asn1.DEROctetString(
                                InetAddress.ofLiteral(v).getAddress()));
            default -> throw new IllegalArgumentException("subjectAltName " + s + ": dns:, email: or ip:");
        };
    }

    private static ContentSigner signer(PrivateKey k) throws OperatorCreationException {
        String alg = k.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaContentSignerBuilder(alg).build(k);
    }

    public static Revoked revoked(X509Certificate c, Instant date, int reason) {
        return new Revoked(c.getSerialNumber(), date, reason);
    }

    /** A CRL of {@code issuer} valid from a day ago for a week, listing {@code entries}. */
    public static X509CRL crl(Issued issuer, Revoked... entries) {
        return crl(issuer, DEFAULT_FROM, Instant.now().plusSeconds(7 * 86_400), entries);
    }

    public static X509CRL crl(Issued issuer, Instant thisUpdate, Instant nextUpdate, Revoked... entries) {
        try {
            X509v2CRLBuilder b = new X509v2CRLBuilder(new X500Name(issuer.subject()), Date.from(thisUpdate));
            b.setNextUpdate(Date.from(nextUpdate));
            for (Revoked r : entries) b.addCRLEntry(r.serial(), Date.from(r.date()), r.reason());
            X509CRLHolder h = b.build(signer(issuer.key()));
            return new JcaX509CRLConverter().getCRL(h);
        } catch (GeneralSecurityException | OperatorCreationException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** PEM of a certificate, CRL or private key (PKCS#8 "PRIVATE KEY"). */
    public static String pem(Object o) {
        try {
            StringWriter sw = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
                if (o instanceof PrivateKey k)
                    w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null));
                else w.writeObject(new JcaMiscPEMGenerator(o));
            }
            return sw.toString();
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * PEM of a private key in the traditional OpenSSL form: "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY"
     * (RFC 5915, with the named curve in its parameters, as {@code openssl ec} writes it).
     */
    public static String traditionalPem(PrivateKey k) {
        try {
            org.bouncycastle.asn1.pkcs.PrivateKeyInfo pki =
                    org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(k.getEncoded());
            org.bouncycastle.util.io.pem.PemObject pem;
            if (k.getAlgorithm().equals("RSA")) {
                pem = new org.bouncycastle.util.io.pem.PemObject(
                        "RSA PRIVATE KEY",
                        pki.parsePrivateKey().toASN1Primitive().getEncoded());
            } else {
                var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(pki.parsePrivateKey());
                var params = pki.getPrivateKeyAlgorithm().getParameters();
                int bits = ((java.security.interfaces.ECPrivateKey) k)
                        .getParams()
                        .getOrder()
                        .bitLength();
                var full = new org.bouncycastle.asn1.sec.ECPrivateKey(bits, inner.getKey(), params);
                pem = new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", full.getEncoded());
            }
            StringWriter sw = new StringWriter();
            try (org.bouncycastle.util.io.pem.PemWriter w = new org.bouncycastle.util.io.pem.PemWriter(sw)) {
                w.writeObject(pem);
            }
            return sw.toString();
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Writes swanctl's credential layout under {@code dir} (the directory of swanctl.conf): {@code x509/NAME.pem}
     * (own certificate), {@code private/NAME.pem} (PKCS#8 key, mode 0600), and each CA as
     * {@code x509ca/<CN>.pem}. Returns the file names to use in {@code local.certs} / {@code remote.cacerts}:
     * the first is the own certificate, then the CA files in the order given.
     */
    public static List<String> writeSwanctl(Path dir, String name, Issued own, Issued... cas) throws IOException {
        List<String> names = new ArrayList<>();
        Path x509 = Files.createDirectories(dir.resolve("x509"));
        Path priv = Files.createDirectories(dir.resolve("private"));
        Path x509ca = Files.createDirectories(dir.resolve("x509ca"));
        Files.writeString(x509.resolve(name + ".pem"), pem(own.cert()), StandardCharsets.US_ASCII);
        Path key = priv.resolve(name + ".pem");
        Files.writeString(key, pem(own.key()), StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: the mode stays as created
        }
        names.add(name + ".pem");
        for (Issued ca : cas) {
            String file = cn(ca).replaceAll("[^A-Za-z0-9._-]", "_") + ".pem";
            Files.writeString(x509ca.resolve(file), pem(ca.cert()), StandardCharsets.US_ASCII);
            names.add(file);
        }
        return names;
    }

    /** Writes a CRL as {@code x509crl/FILE} (PEM). */
    public static Path writeCrl(Path dir, String file, X509CRL crl) throws IOException {
        Path d = Files.createDirectories(dir.resolve("x509crl"));
        return Files.writeString(d.resolve(file), pem(crl), StandardCharsets.US_ASCII);
    }

    private static String cn(Issued i) {
        for (String part : i.subject().split(",")) {
            if (part.trim().startsWith("CN=")) return part.trim().substring(3);
        }
        return "ca" + i.cert().getSerialNumber();
    }
}
