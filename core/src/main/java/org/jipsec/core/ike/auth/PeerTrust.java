package org.jipsec.core.ike.auth;

import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a peer's certificate is validated against ({@code remote.auth = pubkey}): the trust anchors
 * ({@code remote.cacerts}, or every CA certificate loaded when that is unset, as strongSwan), further CA
 * certificates that may complete a chain the peer sent only in part, and the CRLs loaded from files.
 *
 * @param anchors       trusted CA certificates (PKIX trust anchors)
 * @param intermediates other loaded CA certificates, untrusted, usable as chain links
 * @param crls          CRLs from {@code x509crl/}
 */
public record PeerTrust(List<X509Certificate> anchors, List<X509Certificate> intermediates, List<X509CRL> crls) {
    public PeerTrust {
        anchors = List.copyOf(anchors);
        intermediates = List.copyOf(intermediates);
        crls = List.copyOf(crls);
    }
}
