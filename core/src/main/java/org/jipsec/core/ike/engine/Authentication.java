package org.jipsec.core.ike.engine;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jipsec.core.ike.auth.AuthException;
import org.jipsec.core.ike.auth.Authenticator;
import org.jipsec.core.ike.auth.CertIdentity;
import org.jipsec.core.ike.auth.CertText;
import org.jipsec.core.ike.auth.CertValidator;
import org.jipsec.core.ike.auth.PskAuthenticator;
import org.jipsec.core.ike.auth.SignatureAuthenticator;
import org.jipsec.core.ike.auth.SignedOctets;
import org.jipsec.core.ike.codec.AuthPayload;
import org.jipsec.core.ike.codec.CertPayload;
import org.jipsec.core.ike.codec.DistinguishedName;
import org.jipsec.core.ike.codec.IdPayload;
import org.jipsec.core.ike.codec.IkeMessage;
import org.jipsec.core.ike.codec.NotifyPayload;
import org.jipsec.core.ike.codec.NotifyType;
import org.jipsec.core.ike.codec.Payload;
import org.jipsec.core.ike.config.IkeConfig;

/**
 * The authentication part of the initial exchanges of one {@link IkeSaEngine} (RFC 7296 §2.15), for
 * {@link Handshake}: each side by its own method ({@code local.auth}, {@code remote.auth}), pre-shared key or
 * signature behind {@link Authenticator}.
 * <ul>
 *   <li>IKE_SA_INIT: SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4) with SHA2-256/384/512 when either side uses a
 *       public key, the responder answering it only when the initiator sent it; the responder's CERTREQ (§3.7) for
 *       the trusted CAs when {@code remote.auth = pubkey}, as strongSwan sends it.</li>
 *   <li>IKE_AUTH, ours: ID, CERT of our end-entity certificate and its intermediates (§3.6), the initiator's
 *       CERTREQ, AUTH (method 14 when the peer announced hashes, else 1 or 9/10/11; RFC 7427 §4).</li>
 *   <li>IKE_AUTH, the peer's: ID against {@code remote.id} (strongSwan's wildcards), the end-entity certificate
 *       validated at the event's time ({@link CertValidator}), the ID contained in it ({@link CertIdentity}), and
 *       AUTH verified with its key. A refusal is one line naming the certificate and the reason.</li>
 * </ul>
 */
final class Authentication {
    /** RFC 7427 §7 hash identifiers we announce: SHA2-256, SHA2-384, SHA2-512 (what strongSwan sends too). */
    static final byte[] HASHES = {0, 2, 0, 3, 0, 4};

    private final IkeSaEngine e;
    private final IkeSaConfig.Auth auth;
    /** The peer's SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4); empty: the classic methods. */
    private Set<Integer> peerHashes = Set.of();
    /** CERT payloads of encodings we do not read (§3.6), ignored. */
    int certsIgnored;
    /** Whether we announce SIGNATURE_HASH_ALGORITHMS (strongSwan's {@code signature_authentication}); tests. */
    boolean announceHashes = true;
    /** The peer's AUTH method and, for method 14, its signature scheme, once verified (status, tests). */
    String peerAuth = "";

    Authentication(IkeSaEngine engine) {
        this.e = engine;
        this.auth = engine.config.auth();
    }

    /** Our own identity: {@code local.id}, else the certificate's subject (pubkey) or the IKE address. */
    static org.jipsec.core.ike.config.IkeIdentity defaultLocalId(IkeSaConfig c, IkeEndpoint local) {
        if (c.localId() != null) return c.localId();
        if (c.auth().local() == IkeConfig.AuthMethod.PUBKEY) {
            return org.jipsec.core.ike.config.IkeIdentity.parse(DistinguishedName.text(
                    c.auth().cert().cert().getSubjectX500Principal().getEncoded()));
        }
        return org.jipsec.core.ike.config.IkeIdentity.parse(local.address().getHostAddress());
    }

    // ---- IKE_SA_INIT ----

    /** The initiator's additions to IKE_SA_INIT. */
    List<Payload> initRequest() {
        return auth.anyPubkey() && announceHashes
                ? List.of(NotifyPayload.of(NotifyType.SIGNATURE_HASH_ALGORITHMS, HASHES.clone()))
                : List.of();
    }

    /** Reads the peer's IKE_SA_INIT (request or response): its hash algorithms. */
    void readInit(IkeMessage m) {
        Set<Integer> h = new HashSet<>();
        m.notify(NotifyType.SIGNATURE_HASH_ALGORITHMS).ifPresent(n -> {
            byte[] d = n.data();
            for (int i = 0; i + 1 < d.length; i += 2) h.add(((d[i] & 0xff) << 8) | (d[i + 1] & 0xff));
        });
        peerHashes = Set.copyOf(h);
    }

    /** The responder's additions to its IKE_SA_INIT response. */
    List<Payload> initResponse(IkeMessage request) {
        List<Payload> p = new ArrayList<>();
        if (auth.remote() == IkeConfig.AuthMethod.PUBKEY) p.add(certReq());
        if (auth.anyPubkey()
                && announceHashes
                && request.notify(NotifyType.SIGNATURE_HASH_ALGORITHMS).isPresent()) {
            p.add(NotifyPayload.of(NotifyType.SIGNATURE_HASH_ALGORITHMS, HASHES.clone()));
        }
        return p;
    }

    private CertPayload certReq() {
        List<byte[]> hashes = new ArrayList<>();
        for (X509Certificate ca : auth.trust().anchors()) hashes.add(CertIdentity.caKeyHash(ca));
        return CertPayload.certReq(hashes);
    }

    // ---- IKE_AUTH ----

    /** Our ID payload: a DN identity that is our certificate's subject goes out as the certificate encodes it. */
    IdPayload id(boolean initiator) {
        if (e.localId.idType() == IdPayload.ID_DER_ASN1_DN && auth.cert() != null) {
            byte[] subject = auth.cert().cert().getSubjectX500Principal().getEncoded();
            if (DistinguishedName.matches(e.localId.text(), subject)) return IdPayload.ofDn(initiator, subject);
        }
        return e.localId.toPayload(initiator);
    }

    /** Our ID, CERT*, CERTREQ (initiator, pubkey peer) and AUTH payloads for IKE_AUTH (§1.2, §3.6-3.8). */
    List<Payload> ours(boolean initiator) throws AuthException {
        IdPayload id = id(initiator);
        List<Payload> p = new ArrayList<>();
        p.add(id);
        if (auth.local() == IkeConfig.AuthMethod.PUBKEY) {
            try {
                p.add(CertPayload.x509(auth.cert().cert().getEncoded()));
                for (X509Certificate c : auth.cert().intermediates()) p.add(CertPayload.x509(c.getEncoded()));
            } catch (java.security.cert.CertificateEncodingException ex) {
                throw new AuthException("cannot encode our certificate: " + ex.getMessage(), ex);
            }
        }
        if (initiator && auth.remote() == IkeConfig.AuthMethod.PUBKEY) p.add(certReq());
        byte[] octets = initiator
                ? SignedOctets.of(e.ike.prf(), e.realMessage1, e.nr, e.keys.skPi(), id.body())
                : SignedOctets.of(e.ike.prf(), e.realMessage2, e.ni, e.keys.skPr(), id.body());
        p.add(localAuthenticator().sign(octets));
        return p;
    }

    /** The peer's end-entity certificate (its first CERT of encoding 4), for naming it in a refusal; else null. */
    private static X509Certificate firstCertificate(IkeMessage m) {
        for (CertPayload c : m.all(CertPayload.class)) {
            if (c.request() || c.encoding() != CertPayload.X509_SIGNATURE) continue;
            try {
                return x509(c);
            } catch (CertificateException | ClassCastException ex) {
                return null;
            }
        }
        return null;
    }

    /** A CERT payload of encoding 4 as the X.509 certificate it carries (RFC 7296 §3.6). */
    private static X509Certificate x509(CertPayload c) throws CertificateException {
        return (X509Certificate)
                CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(c.data()));
    }

    private Authenticator localAuthenticator() throws AuthException {
        if (auth.local() == IkeConfig.AuthMethod.PSK) {
            if (e.config.psk() == null) throw new AuthException("no shared key for local.auth = psk", null);
            return new PskAuthenticator(e.ike.prf(), e.config.psk());
        }
        return new SignatureAuthenticator(auth.cert().key(), null, peerHashes, auth.rsaPss(), e.random);
    }

    /**
     * Checks the peer's IKE_AUTH message: null when it authenticated, else the reason (one line, naming the
     * certificate for public keys).
     */
    String verifyPeer(IkeMessage m, IdPayload id, boolean peerIsInitiator, long now, List<IkeAction> actions) {
        if (!e.config.remoteId().matches(id)) {
            String mismatch = "peer identity " + id.text() + " is not the configured remote.id " + e.config.remoteId();
            X509Certificate sent = firstCertificate(m);
            return sent == null ? mismatch : CertText.describe(sent) + ": ID mismatch (" + mismatch + ")";
        }
        AuthPayload a = m.first(AuthPayload.class).orElseThrow();
        byte[] octets = peerIsInitiator
                ? SignedOctets.of(e.ike.prf(), e.realMessage1, e.nr, e.keys.skPi(), id.body())
                : SignedOctets.of(e.ike.prf(), e.realMessage2, e.ni, e.keys.skPr(), id.body());
        if (auth.remote() == IkeConfig.AuthMethod.PSK) {
            if (a.method() != AuthPayload.SHARED_KEY_MIC) {
                return "peer " + id.text() + " authenticated with AUTH method " + a.method()
                        + ", but remote.auth = psk";
            }
            if (e.config.psk() == null || !new PskAuthenticator(e.ike.prf(), e.config.psk()).verify(a, octets)) {
                return "AUTH of " + id.text() + " does not verify with the configured PSK";
            }
            peerAuth = "method 2";
            return null;
        }
        if (a.method() == AuthPayload.SHARED_KEY_MIC) {
            return "peer " + id.text() + " authenticated with a pre-shared key, but remote.auth = pubkey";
        }
        List<X509Certificate> certs = new ArrayList<>();
        for (CertPayload c : m.all(CertPayload.class)) {
            if (c.request()) continue;
            if (c.encoding() != CertPayload.X509_SIGNATURE) {
                certsIgnored++;
                actions.add(new IkeAction.Warning("ignoring a CERT payload of encoding " + c.encoding() + " from "
                        + id.text() + " (jipsec reads encoding 4, X.509 Certificate - Signature)"));
                continue;
            }
            try {
                certs.add(x509(c));
            } catch (CertificateException | ClassCastException ex) {
                return "peer " + id.text() + " sent a CERT that is not an X.509 certificate: " + ex.getMessage();
            }
        }
        if (certs.isEmpty()) {
            return "peer " + id.text() + " sent no end-entity certificate (no CERT payload of encoding 4)";
        }
        X509Certificate ee = certs.getFirst();
        CertValidator.Verdict v =
                CertValidator.validate(ee, certs.subList(1, certs.size()), auth.trust(), Instant.ofEpochMilli(now));
        if (v instanceof CertValidator.Verdict.Invalid bad) return bad.line();
        if (!CertIdentity.contains(ee, id.idType(), id.data())) {
            return CertText.describe(ee) + ": ID mismatch (peer's ID '" + id.text()
                    + "' is neither the subject nor a subjectAltName)";
        }
        Authenticator verifier = new SignatureAuthenticator(null, ee.getPublicKey(), Set.of(), false, e.random);
        if (!verifier.verify(a, octets)) {
            return CertText.describe(ee) + ": signature invalid (AUTH method " + a.method() + " of " + id.text()
                    + " does not verify with the certificate's key)";
        }
        warnExpiry("peer", ee, now, actions);
        peerAuth = describe(a);
        return null;
    }

    private static String describe(AuthPayload a) {
        if (a.method() != SignatureAuthenticator.DIGITAL_SIGNATURE || a.data().length < 1)
            return "method " + a.method();
        int len = a.data()[0] & 0xff;
        if (a.data().length < 1 + len) return "method 14";
        return "method 14 "
                + org.jipsec.core.ike.auth.SignatureScheme.byAlgorithmId(
                                java.util.Arrays.copyOfRange(a.data(), 1, 1 + len))
                        .map(Enum::name)
                        .orElse("?");
    }

    /** Issue #15 item 5: a certificate expiring within {@code expiryWarning} is warned about. */
    private void warnExpiry(String whose, X509Certificate c, long now, List<IkeAction> actions) {
        Duration left =
                Duration.between(Instant.ofEpochMilli(now), c.getNotAfter().toInstant());
        if (left.compareTo(auth.expiryWarning()) < 0) {
            actions.add(new IkeAction.Warning(whose + " " + CertText.describe(c) + " expires on "
                    + CertText.date(c.getNotAfter()) + ", in " + Math.max(0, left.toDays()) + " days"));
        }
    }
}
