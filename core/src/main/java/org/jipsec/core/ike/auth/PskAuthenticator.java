package org.jipsec.core.ike.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.jipsec.core.ike.codec.AuthPayload;
import org.jipsec.core.ike.crypto.PrfAlgorithm;

/**
 * Shared Key Message Integrity Code (RFC 7296 §2.15, Auth Method 2):
 * {@code AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>)}; "Key Pad for IKEv2" is the 17
 * ASCII characters without a terminating NUL. Checked against strongSwan's AUTH in StrongSwanKeyScheduleTest.
 */
public final class PskAuthenticator implements Authenticator {
    private static final byte[] KEY_PAD = "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII);

    private final PrfAlgorithm prf;
    private final byte[] psk;

    public PskAuthenticator(PrfAlgorithm prf, byte[] psk) {
        this.prf = prf;
        this.psk = psk.clone();
    }

    private byte[] mic(byte[] signedOctets) {
        byte[] padKey = prf.prf(psk, KEY_PAD);
        byte[] auth = prf.prf(padKey, signedOctets);
        Arrays.fill(padKey, (byte) 0);
        return auth;
    }

    @Override
    public AuthPayload sign(byte[] signedOctets) {
        return new AuthPayload(AuthPayload.SHARED_KEY_MIC, mic(signedOctets));
    }

    @Override
    public boolean verify(AuthPayload auth, byte[] signedOctets) {
        return auth.method() == AuthPayload.SHARED_KEY_MIC && MessageDigest.isEqual(mic(signedOctets), auth.data());
    }
}
