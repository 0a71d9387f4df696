package org.jipsec.io.ike;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * swanctl's credential directories next to the configuration file (swanctl(8) "FILES"): {@code x509/} our
 * certificates, {@code x509ca/} CA certificates, {@code x509crl/} CRLs, {@code private/ rsa/ ecdsa/ pkcs8/} private
 * keys. Certificates and CRLs are PEM or DER; keys are PKCS#8 (PEM or DER) or the traditional OpenSSL
 * "RSA PRIVATE KEY" / "EC PRIVATE KEY" (PEM or DER), unencrypted. A file that does not parse is skipped with a
 * warning naming it and the reason, as {@code swanctl --load-creds} does; what a connection needs but is missing is
 * an error later ({@link IkeCredentials}). Key material is never logged.
 */
final class CredentialFiles {
    static final List<String> KEY_DIRS = List.of("private", "rsa", "ecdsa", "pkcs8");
    private static final long MAX_BYTES = 1 << 20;

    final Path dir;
    final Map<Path, X509Certificate> own = new LinkedHashMap<>();
    final Map<Path, X509Certificate> cas = new LinkedHashMap<>();
    final List<X509CRL> crls = new ArrayList<>();
    final Map<Path, PrivateKey> keys = new LinkedHashMap<>();

    private CredentialFiles(Path dir) {
        this.dir = dir;
    }

    static CredentialFiles load(Path confDir, IkeLog log) {
        CredentialFiles f = new CredentialFiles(confDir);
        for (Path p : files(confDir.resolve("x509"))) f.cert(p, f.own, log);
        for (Path p : files(confDir.resolve("x509ca"))) f.cert(p, f.cas, log);
        for (Path p : files(confDir.resolve("x509crl"))) {
            try {
                f.crls.add((X509CRL)
                        CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(read(p))));
            } catch (IOException | GeneralSecurityException | RuntimeException ex) {
                log.line(p + ": not a CRL (PEM or DER), skipped: " + ex.getMessage());
            }
        }
        for (String d : KEY_DIRS) {
            for (Path p : files(confDir.resolve(d))) {
                try {
                    f.keys.put(p, privateKey(p));
                    warnMode(p, log);
                } catch (IOException | GeneralSecurityException | RuntimeException ex) {
                    log.line(p + ": not a usable private key, skipped: " + ex.getMessage());
                }
            }
        }
        return f;
    }

    private void cert(Path p, Map<Path, X509Certificate> into, IkeLog log) {
        try {
            into.put(p, certificate(p));
        } catch (IOException | CertificateException | RuntimeException ex) {
            log.line(p + ": not an X.509 certificate (PEM or DER), skipped: " + ex.getMessage());
        }
    }

    static X509Certificate certificate(Path p) throws IOException, CertificateException {
        return (X509Certificate)
                CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(read(p)));
    }

    private static List<Path> files(Path d) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(d)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
            for (Path p : ds) if (Files.isRegularFile(p)) out.add(p);
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    private static byte[] read(Path p) throws IOException {
        if (Files.size(p) > MAX_BYTES) throw new IOException("larger than 1 MiB");
        return Files.readAllBytes(p);
    }

    /** strongSwan loads keys whatever their mode; jipsec does too, and warns when others may read them. */
    private static void warnMode(Path p, IkeLog log) {
        try {
            Set<PosixFilePermission> m = Files.getPosixFilePermissions(p);
            if (m.contains(PosixFilePermission.GROUP_READ) || m.contains(PosixFilePermission.OTHERS_READ)) {
                log.line(p + ": private key file is readable by group or others (chmod 600 it)");
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // no POSIX modes here: nothing to say
        }
    }

    static PrivateKey privateKey(Path p) throws IOException, GeneralSecurityException {
        byte[] bytes = read(p);
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (text.contains("-----BEGIN")) {
            try (PEMParser parser = new PEMParser(new StringReader(text))) {
                Object o = parser.readObject();
                if (o instanceof PEMKeyPair kp) return jdkKey(kp.getPrivateKeyInfo());
                if (o instanceof PrivateKeyInfo pki) return jdkKey(pki);
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new GeneralSecurityException("encrypted private keys are not supported");
                }
                throw new GeneralSecurityException(
                        "PEM holds " + (o == null ? "nothing" : o.getClass().getSimpleName()) + ", not a private key");
            }
        }
        return jdkKey(derKeyInfo(bytes));
    }

    /** The JDK's own RSA or EC key for a PKCS#8 structure (so that key and certificate algorithms compare equal). */
    private static PrivateKey jdkKey(PrivateKeyInfo pki) throws GeneralSecurityException, IOException {
        var oid = pki.getPrivateKeyAlgorithm().getAlgorithm();
        String alg;
        if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) alg = "RSA";
        else if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) alg = "EC";
        else throw new GeneralSecurityException("key algorithm " + oid + " (jipsec signs with RSA or ECDSA)");
        return java.security.KeyFactory.getInstance(alg)
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(pki.getEncoded()));
    }

    /** DER: PKCS#8, else a traditional RSAPrivateKey (PKCS#1) or ECPrivateKey (RFC 5915) wrapped into PKCS#8. */
    private static PrivateKeyInfo derKeyInfo(byte[] der) throws GeneralSecurityException {
        try {
            return PrivateKeyInfo.getInstance(der);
        } catch (IllegalArgumentException | IllegalStateException notPkcs8) {
            // try the traditional forms
        }
        try {
            RSAPrivateKey rsa = RSAPrivateKey.getInstance(der);
            return new PrivateKeyInfo(
                    new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), rsa);
        } catch (IllegalArgumentException | IllegalStateException | IOException notRsa) {
            // try EC
        }
        try {
            ECPrivateKey ec = ECPrivateKey.getInstance(der);
            if (ec.getParametersObject() == null) throw new GeneralSecurityException("EC key without curve");
            return new PrivateKeyInfo(
                    new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, ec.getParametersObject()), ec);
        } catch (IllegalArgumentException | IllegalStateException | IOException ex) {
            throw new GeneralSecurityException("neither PKCS#8 nor an RSA or EC private key", ex);
        }
    }
}
