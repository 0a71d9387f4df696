package org.jipsec.core.ike.auth;

import java.security.GeneralSecurityException;
import java.security.cert.CRLReason;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Validates a peer's end-entity certificate (RFC 7296 §3.6, RFC 5280 §6) at a given time, which the caller takes
 * from its injected clock. Pure: certificates, CRLs and the time come in, a {@link Verdict} goes out.
 * <ol>
 *   <li>The chain is built from the end entity through the certificates the peer sent and the loaded untrusted CA
 *       certificates to a trust anchor, each link by issuer name and signature ("unknown CA" when none is found).</li>
 *   <li>Each certificate of the chain and the anchor must be valid at that time ("expired on", "not yet valid").</li>
 *   <li>The JDK's PKIX {@link CertPathValidator} checks the chain (basicConstraints, key usage, path length,
 *       critical extensions), revocation off: revocation is ours, below.</li>
 *   <li>Revocation as strongSwan's default {@code revocation = relaxed}: a certificate listed on a CRL of its issuer
 *       (signature verified with the issuer's key) is refused ("revoked on DATE (reason)"); no CRL for the issuer, or
 *       a stale one, leaves the status unknown, which is not fatal.</li>
 * </ol>
 */
public final class CertValidator {
    private CertValidator() {}

    private static final int MAX_CHAIN = 8;

    /** The outcome: the validated chain (end entity first, anchor last), or the refused certificate and why. */
    public sealed interface Verdict {
        record Valid(List<X509Certificate> chain) implements Verdict {
            public Valid {
                chain = List.copyOf(chain);
            }
        }

        record Invalid(X509Certificate cert, String reason) implements Verdict {
            /** {@code certificate 'SUBJECT' (serial 0x..): REASON}. */
            public String line() {
                return CertText.describe(cert) + ": " + reason;
            }
        }
    }

    public static Verdict validate(X509Certificate ee, List<X509Certificate> sent, PeerTrust trust, Instant at) {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(ee);
        X509Certificate anchor = null;
        X509Certificate cur = ee;
        while (anchor == null) {
            anchor = issuerAmong(cur, trust.anchors());
            if (anchor != null) break;
            if (chain.size() >= MAX_CHAIN) return new Verdict.Invalid(ee, "chain longer than " + MAX_CHAIN);
            List<X509Certificate> candidates = new ArrayList<>(sent);
            candidates.addAll(trust.intermediates());
            X509Certificate next = issuerAmong(cur, candidates);
            if (next == null || chain.contains(next)) {
                javax.security.auth.x500.X500Principal issuerName = cur.getIssuerX500Principal();
                boolean named = trust.anchors().stream()
                        .anyMatch(a -> a.getSubjectX500Principal().equals(issuerName));
                return new Verdict.Invalid(
                        ee,
                        named
                                ? "signature invalid (not signed by the trusted CA '" + CertText.issuer(cur) + "')"
                                : "unknown CA (issuer '" + CertText.issuer(cur) + "' is not trusted)");
            }
            chain.add(next);
            cur = next;
        }
        List<X509Certificate> all = new ArrayList<>(chain);
        all.add(anchor);
        for (X509Certificate c : all) {
            if (at.isAfter(c.getNotAfter().toInstant())) {
                return new Verdict.Invalid(c, "expired on " + CertText.date(c.getNotAfter()));
            }
            if (at.isBefore(c.getNotBefore().toInstant())) {
                return new Verdict.Invalid(c, "not yet valid (valid from " + CertText.date(c.getNotBefore()) + ")");
            }
        }
        String pkix = pkix(chain, anchor, at);
        if (pkix != null) return new Verdict.Invalid(ee, pkix);
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate issuer = all.get(i + 1);
            String revoked = revoked(chain.get(i), issuer, trust.crls(), at);
            if (revoked != null) return new Verdict.Invalid(chain.get(i), revoked);
        }
        return new Verdict.Valid(all);
    }

    /** The certificate among {@code candidates} whose subject is {@code c}'s issuer and whose key signed it. */
    private static X509Certificate issuerAmong(X509Certificate c, List<X509Certificate> candidates) {
        for (X509Certificate i : candidates) {
            if (!i.getSubjectX500Principal().equals(c.getIssuerX500Principal())) continue;
            try {
                c.verify(i.getPublicKey());
                return i;
            } catch (GeneralSecurityException | RuntimeException wrongKey) {
                // same name, other key (a re-keyed CA): try the next one
            }
        }
        return null;
    }

    private static String pkix(List<X509Certificate> chain, X509Certificate anchor, Instant at) {
        try {
            PKIXParameters p = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            p.setRevocationEnabled(false);
            p.setDate(Date.from(at)); // the JDK's PKIX API takes a java.util.Date
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), p);
            return null;
        } catch (CertPathValidatorException ex) {
            return "chain does not validate: " + ex.getMessage();
        } catch (GeneralSecurityException ex) {
            return "cannot validate: " + ex.getMessage();
        }
    }

    private static String revoked(X509Certificate c, X509Certificate issuer, List<X509CRL> crls, Instant at) {
        for (X509CRL crl : crls) {
            if (!crl.getIssuerX500Principal().equals(c.getIssuerX500Principal())) continue;
            try {
                crl.verify(issuer.getPublicKey());
            } catch (GeneralSecurityException | RuntimeException notThisIssuer) {
                continue;
            }
            X509CRLEntry e = crl.getRevokedCertificate(c);
            if (e == null || e.getRevocationDate().toInstant().isAfter(at)) continue;
            CRLReason r = e.getRevocationReason();
            String reason = r == null ? "unspecified" : reasonText(r);
            return "revoked on " + CertText.date(e.getRevocationDate()) + " (" + reason + ")";
        }
        return null;
    }

    /** RFC 5280 §5.3.1 reason as strongSwan prints it ("key compromise", "superseded"). */
    private static String reasonText(CRLReason r) {
        return switch (r) {
            case KEY_COMPROMISE -> "key compromise";
            case CA_COMPROMISE -> "ca compromise";
            case AFFILIATION_CHANGED -> "affiliation changed";
            case SUPERSEDED -> "superseded";
            case CESSATION_OF_OPERATION -> "cessation of operation";
            case CERTIFICATE_HOLD -> "certificate hold";
            case REMOVE_FROM_CRL -> "remove from crl";
            case PRIVILEGE_WITHDRAWN -> "privilege withdrawn";
            case AA_COMPROMISE -> "aa compromise";
            default -> r.name().toLowerCase(Locale.ROOT);
        };
    }
}
