package org.jipsec.core.ike.auth;

import org.jipsec.core.ike.codec.AuthPayload;

/**
 * One side's IKE_AUTH authenticator (RFC 7296 §2.15), chosen by swanctl's {@code local.auth} / {@code remote.auth}
 * ({@code psk} → {@link PskAuthenticator}, {@code pubkey} → {@link SignatureAuthenticator}). Both work on the
 * signed octets of §2.15 ({@link SignedOctets}); the PSK variant additionally keys a prf with the shared secret.
 */
public interface Authenticator {

    /** The AUTH payload for our own signed octets. */
    AuthPayload sign(byte[] signedOctets) throws AuthException;

    /** Whether the peer's AUTH payload authenticates the peer's signed octets; never throws on bad input. */
    boolean verify(AuthPayload auth, byte[] signedOctets);
}
