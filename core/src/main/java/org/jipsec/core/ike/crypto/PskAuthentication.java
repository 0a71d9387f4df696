package org.jipsec.core.ike.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Shared-key AUTH data (RFC 7296 §2.15, Auth Method 2):
 * <pre>
 * AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), &lt;InitiatorSignedOctets&gt;)
 * InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI
 * MACedIDForI = prf(SK_pi, RestOfInitIDPayload)
 * </pre>
 * and symmetrically for the responder with RealMessage2, NonceIData and prf(SK_pr, RestOfRespIDPayload).
 * "Key Pad for IKEv2" is the 17 ASCII characters without a terminating NUL. RestOf…IDPayload is the ID
 * payload body ({@link org.jipsec.core.ike.codec.IdPayload#body()}: type, three reserved bytes, data). The
 * authenticator is a pure function so that certificate methods (issue #15) can sit beside it.
 */
public final class PskAuthentication {
    private PskAuthentication() {}

    private static final byte[] KEY_PAD = "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII);

    /**
     * @param realMessage the sender's first message as sent (IKE_SA_INIT request for the initiator — the retry
     *                    with the cookie if there was one — or response for the responder)
     * @param peerNonce   the other side's nonce data (Nr for the initiator's AUTH, Ni for the responder's)
     * @param skP         SK_pi for the initiator's AUTH, SK_pr for the responder's
     * @param idBody      the sender's ID payload body
     */
    public static byte[] authData(
            PrfAlgorithm prf, byte[] psk, byte[] realMessage, byte[] peerNonce, byte[] skP, byte[] idBody) {
        byte[] macedId = prf.prf(skP, idBody);
        byte[] padKey = prf.prf(psk, KEY_PAD);
        byte[] auth = prf.prf(padKey, realMessage, peerNonce, macedId);
        Arrays.fill(padKey, (byte) 0);
        return auth;
    }

    /** Constant-time comparison of received AUTH data with the expected value. */
    public static boolean verify(
            PrfAlgorithm prf,
            byte[] psk,
            byte[] realMessage,
            byte[] peerNonce,
            byte[] skP,
            byte[] idBody,
            byte[] received) {
        return MessageDigest.isEqual(authData(prf, psk, realMessage, peerNonce, skP, idBody), received);
    }
}
