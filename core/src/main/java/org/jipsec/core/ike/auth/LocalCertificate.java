package org.jipsec.core.ike.auth;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Our credential for {@code local.auth = pubkey}: the end-entity certificate of {@code local.certs}, the
 * intermediate CA certificates sent after it in CERT payloads (RFC 7296 §3.6; never the self-signed root, as
 * strongSwan), and the private key whose public key is the certificate's. Built by the daemon from files; the key
 * is never printed.
 */
public record LocalCertificate(X509Certificate cert, List<X509Certificate> intermediates, PrivateKey key) {
    public LocalCertificate {
        intermediates = List.copyOf(intermediates);
    }

    @Override
    public String toString() {
        return "LocalCertificate[" + CertText.describe(cert) + ", " + intermediates.size() + " intermediates, "
                + key.getAlgorithm() + " key]";
    }
}
