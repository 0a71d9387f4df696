package org.jipsec.io.ike;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jipsec.core.ike.auth.CertText;
import org.jipsec.core.ike.auth.LocalCertificate;
import org.jipsec.core.ike.auth.PeerTrust;
import org.jipsec.core.ike.config.ConfigException;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.engine.IkeSaConfig;

/**
 * Each connection's authentication ({@link IkeSaConfig.Auth}) resolved from swanctl.conf and the credential files
 * next to it ({@link CredentialFiles}), at load and at every SIGHUP:
 * <ul>
 *   <li>{@code local.auth = pubkey}: the certificate of {@code local.certs} (a file in {@code x509/} or an absolute
 *       path; without {@code certs}, the only certificate of {@code x509/}) and the private key whose public key is
 *       the certificate's; the intermediate CA certificates found for it among the loaded ones are sent along.</li>
 *   <li>{@code remote.auth = pubkey}: trust anchors from {@code remote.cacerts} (files in {@code x509ca/} or absolute
 *       paths), or every loaded CA certificate when unset, as strongSwan; all CRLs of {@code x509crl/}.</li>
 * </ul>
 * A connection whose certificate, key or CAs cannot be found is an error (the daemon does not start, a reload
 * changes nothing). Certificates of connections expiring within 30 days are warned about at load (issue #15 item 5).
 * A fingerprint per connection lets a reload treat a changed certificate, key, CA or CRL as a changed connection.
 */
public final class IkeCredentials {
    /** No certificates: every connection authenticates with PSK on both sides (tests, PSK-only configs). */
    public static final IkeCredentials NONE = new IkeCredentials(Map.of(), Map.of());

    static final Duration EXPIRY_WARNING = IkeSaConfig.Auth.DEFAULT_EXPIRY_WARNING;
    private static final int MAX_CHAIN = 8;

    private final Map<String, IkeSaConfig.Auth> auth;
    private final Map<String, byte[]> fingerprints;

    private IkeCredentials(Map<String, IkeSaConfig.Auth> auth, Map<String, byte[]> fingerprints) {
        this.auth = Map.copyOf(auth);
        this.fingerprints = Map.copyOf(fingerprints);
    }

    /** The connection's authentication; both sides PSK for a connection not resolved here. */
    public IkeSaConfig.Auth auth(String connection) {
        return auth.getOrDefault(connection, IkeSaConfig.Auth.PSK);
    }

    /** Of {@code names}, those whose credentials differ from {@code before}'s (for the reload diff). */
    public List<String> changedSince(IkeCredentials before, Collection<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (!Arrays.equals(fingerprints.get(n), before.fingerprints.get(n))) out.add(n);
        }
        return out;
    }

    /** Resolves every connection of {@code cfg} against the credential directories beside {@code configFile}. */
    public static IkeCredentials load(Path configFile, IkeConfig cfg, long nowMillis, IkeLog log)
            throws ConfigException {
        boolean any = cfg.connections().stream()
                .anyMatch(c -> c.local().stream().anyMatch(r -> r.auth() == IkeConfig.AuthMethod.PUBKEY)
                        || c.remote().stream().anyMatch(r -> r.auth() == IkeConfig.AuthMethod.PUBKEY));
        if (!any) return NONE;
        Path dir = configFile.toAbsolutePath().getParent();
        CredentialFiles files = CredentialFiles.load(dir, log);
        Map<String, IkeSaConfig.Auth> auth = new HashMap<>();
        Map<String, byte[]> prints = new HashMap<>();
        Set<String> warned = new java.util.HashSet<>();
        for (IkeConfig.Connection c : cfg.connections()) {
            IkeConfig.AuthRound local = c.local().getFirst();
            IkeConfig.AuthRound remote = c.remote().getFirst();
            String where = "connections." + c.name();
            LocalCertificate own = local.auth() == IkeConfig.AuthMethod.PUBKEY
                    ? own(configFile, files, local, where + "." + local.name())
                    : null;
            PeerTrust trust = remote.auth() == IkeConfig.AuthMethod.PUBKEY
                    ? trust(configFile, files, remote, where + "." + remote.name())
                    : null;
            if (own != null) {
                warnExpiry(own.cert(), nowMillis, log, warned);
                for (X509Certificate i : own.intermediates()) warnExpiry(i, nowMillis, log, warned);
            }
            IkeSaConfig.Auth a =
                    new IkeSaConfig.Auth(local.auth(), remote.auth(), own, trust, local.rsaPss(), EXPIRY_WARNING);
            auth.put(c.name(), a);
            prints.put(c.name(), fingerprint(a));
        }
        return new IkeCredentials(auth, prints);
    }

    private static LocalCertificate own(Path configFile, CredentialFiles files, IkeConfig.AuthRound r, String where)
            throws ConfigException {
        List<X509Certificate> candidates = new ArrayList<>();
        for (String name : r.certs())
            candidates.add(cert(configFile, files, files.own, "x509", name, where + ".certs"));
        if (r.certs().isEmpty()) {
            if (files.own.size() != 1) {
                throw new ConfigException(
                        configFile.toString(),
                        0,
                        where + ": auth = pubkey needs 'certs' (" + files.own.size() + " certificates in "
                                + files.dir.resolve("x509") + ")");
            }
            candidates.addAll(files.own.values());
        }
        for (X509Certificate c : candidates) {
            PrivateKey key = keyFor(c, files);
            if (key != null) return new LocalCertificate(c, intermediates(c, files), key);
        }
        X509Certificate c = candidates.getFirst();
        throw new ConfigException(
                configFile.toString(),
                0,
                where + ": no private key in " + String.join("/, ", CredentialFiles.KEY_DIRS) + "/ of " + files.dir
                        + " matches " + CertText.describe(c));
    }

    private static PeerTrust trust(Path configFile, CredentialFiles files, IkeConfig.AuthRound r, String where)
            throws ConfigException {
        List<X509Certificate> anchors = new ArrayList<>();
        for (String name : r.certs()) {
            anchors.add(cert(configFile, files, files.cas, "x509ca", name, where + ".cacerts"));
        }
        if (r.certs().isEmpty()) anchors.addAll(files.cas.values()); // strongSwan: every loaded CA
        if (anchors.isEmpty()) {
            throw new ConfigException(
                    configFile.toString(),
                    0,
                    where + ": auth = pubkey, but no CA certificate in " + files.dir.resolve("x509ca"));
        }
        List<X509Certificate> others = new ArrayList<>(files.cas.values());
        others.removeAll(anchors);
        List<X509CRL> crls = List.copyOf(files.crls);
        return new PeerTrust(anchors, others, crls);
    }

    /** A {@code certs}/{@code cacerts} entry: a file of {@code dir} beside the config, or an absolute path. */
    private static X509Certificate cert(
            Path configFile,
            CredentialFiles files,
            Map<Path, X509Certificate> loaded,
            String dir,
            String name,
            String key)
            throws ConfigException {
        Path p = Path.of(name).isAbsolute()
                ? Path.of(name)
                : files.dir.resolve(dir).resolve(name);
        X509Certificate c = loaded.get(p);
        if (c != null) return c;
        try {
            return CredentialFiles.certificate(p);
        } catch (IOException | CertificateException | RuntimeException ex) {
            throw new ConfigException(
                    configFile.toString(),
                    0,
                    key + ": " + p + ": "
                            + (ex instanceof java.nio.file.NoSuchFileException
                                    ? "no such file"
                                    : "not an X.509 certificate (PEM or DER): " + ex.getMessage()));
        }
    }

    /** The loaded private key whose public key is the certificate's: it signs what the certificate's key verifies. */
    static PrivateKey keyFor(X509Certificate c, CredentialFiles files) {
        PublicKey pub = c.getPublicKey();
        byte[] probe = "jipsec key match".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (PrivateKey k : files.keys.values()) {
            if (!k.getAlgorithm().equals(pub.getAlgorithm())) continue;
            String alg = k.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            try {
                Signature s = Signature.getInstance(alg);
                s.initSign(k);
                s.update(probe);
                byte[] sig = s.sign();
                Signature v = Signature.getInstance(alg);
                v.initVerify(pub);
                v.update(probe);
                if (v.verify(sig)) return k;
            } catch (GeneralSecurityException | RuntimeException otherCurve) {
                // not this key
            }
        }
        return null;
    }

    /** Issuers of {@code c} among the loaded certificates, up to (not including) a self-signed root. */
    private static List<X509Certificate> intermediates(X509Certificate c, CredentialFiles files) {
        Set<X509Certificate> all = new LinkedHashSet<>(files.cas.values());
        all.addAll(files.own.values());
        List<X509Certificate> out = new ArrayList<>();
        X509Certificate cur = c;
        while (out.size() < MAX_CHAIN) {
            X509Certificate issuer = null;
            for (X509Certificate i : all) {
                if (i.equals(cur) || !i.getSubjectX500Principal().equals(cur.getIssuerX500Principal())) continue;
                try {
                    cur.verify(i.getPublicKey());
                    issuer = i;
                    break;
                } catch (GeneralSecurityException | RuntimeException notIt) {
                    // same name, other key
                }
            }
            if (issuer == null || issuer.getSubjectX500Principal().equals(issuer.getIssuerX500Principal())) break;
            out.add(issuer);
            cur = issuer;
        }
        return out;
    }

    private static void warnExpiry(X509Certificate c, long now, IkeLog log, Set<String> warned) {
        Instant at = Instant.ofEpochMilli(now);
        String what = CertText.describe(c);
        if (!warned.add(what)) return;
        if (at.isAfter(c.getNotAfter().toInstant())) {
            log.line("our " + what + " expired on " + CertText.date(c.getNotAfter()));
        } else if (Duration.between(at, c.getNotAfter().toInstant()).compareTo(EXPIRY_WARNING) < 0) {
            log.line("our " + what + " expires on " + CertText.date(c.getNotAfter()) + ", in "
                    + Duration.between(at, c.getNotAfter().toInstant()).toDays() + " days");
        }
    }

    /** SHA-256 over everything the connection authenticates with (never printed). */
    private static byte[] fingerprint(IkeSaConfig.Auth a) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((a.local() + "/" + a.remote() + "/" + a.rsaPss())
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            if (a.cert() != null) {
                md.update(a.cert().cert().getEncoded());
                for (X509Certificate i : a.cert().intermediates()) md.update(i.getEncoded());
                byte[] k = a.cert().key().getEncoded();
                if (k != null) md.update(k);
            }
            if (a.trust() != null) {
                for (X509Certificate x : a.trust().anchors()) md.update(x.getEncoded());
                for (X509Certificate x : a.trust().intermediates()) md.update(x.getEncoded());
                for (X509CRL x : a.trust().crls()) md.update(x.getEncoded());
            }
            return md.digest();
        } catch (NoSuchAlgorithmException
                | java.security.cert.CertificateEncodingException
                | java.security.cert.CRLException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
