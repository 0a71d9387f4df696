package org.jipsec.core.ike.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.jipsec.core.ike.codec.IdPayload;

/**
 * Certificate ↔ identity checks for public-key authentication.
 * <ul>
 *   <li>The peer's IDi/IDr must be contained in its end-entity certificate, as strongSwan requires
 *       (RFC 7296 §3.5, §2.15: the identity is bound to the key by the certificate): ID_DER_ASN1_DN equals the
 *       subject DN; ID_FQDN, ID_RFC822_ADDR, ID_IPV4_ADDR/ID_IPV6_ADDR equal a subjectAltName dNSName, rfc822Name or
 *       iPAddress (RFC 5280 §4.2.1.6); names compare case-insensitively.</li>
 *   <li>CERTREQ certification authority data (RFC 7296 §3.7, encoding 4): the SHA-1 hash of the CA's
 *       SubjectPublicKeyInfo, 20 octets per trusted CA, concatenated.</li>
 * </ul>
 */
public final class CertIdentity {
    private CertIdentity() {}

    private static final int SAN_RFC822 = 1;
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    /** Whether {@code cert} contains the identity of an ID payload (type and data as in RFC 7296 §3.5). */
    public static boolean contains(X509Certificate cert, int idType, byte[] data) {
        try {
            return switch (idType) {
                case IdPayload.ID_DER_ASN1_DN -> new X500Principal(data).equals(cert.getSubjectX500Principal());
                case IdPayload.ID_FQDN ->
                    hasName(cert, SAN_DNS, new String(data, java.nio.charset.StandardCharsets.US_ASCII));
                case IdPayload.ID_RFC822_ADDR ->
                    hasName(cert, SAN_RFC822, new String(data, java.nio.charset.StandardCharsets.US_ASCII));
                case IdPayload.ID_IPV4_ADDR, IdPayload.ID_IPV6_ADDR -> hasAddress(cert, data);
                default -> false;
            };
        } catch (IllegalArgumentException | CertificateParsingException | UnknownHostException ex) {
            return false; // malformed DN or SAN: not contained
        }
    }

    private static boolean hasName(X509Certificate cert, int sanType, String name) throws CertificateParsingException {
        for (List<?> san : sans(cert)) {
            if (((Integer) san.get(0)) == sanType && san.get(1) instanceof String s && s.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasAddress(X509Certificate cert, byte[] data)
            throws CertificateParsingException, UnknownHostException {
        InetAddress want = InetAddress.getByAddress(data);
        for (List<?> san : sans(cert)) {
            if (((Integer) san.get(0)) == SAN_IP
                    && san.get(1) instanceof String s
                    && Arrays.equals(InetAddress.ofLiteral(s).getAddress(), want.getAddress())) {
                return true;
            }
        }
        return false;
    }

    private static Collection<List<?>> sans(X509Certificate cert) throws CertificateParsingException {
        Collection<List<?>> s = cert.getSubjectAlternativeNames();
        return s == null ? List.of() : s;
    }

    /** RFC 7296 §3.7: SHA-1 of the CA's SubjectPublicKeyInfo ({@link java.security.PublicKey#getEncoded()}). */
    public static byte[] caKeyHash(X509Certificate ca) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(ca.getPublicKey().getEncoded());
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-1 is a mandatory JDK algorithm", ex);
        }
    }

    /** Whether a received CERTREQ's data (concatenated 20-octet hashes) names {@code ca}. */
    public static boolean requested(byte[] certReqData, X509Certificate ca) {
        byte[] h = caKeyHash(ca);
        for (int i = 0; i + 20 <= certReqData.length; i += 20) {
            if (Arrays.equals(certReqData, i, i + 20, h, 0, 20)) return true;
        }
        return false;
    }
}
