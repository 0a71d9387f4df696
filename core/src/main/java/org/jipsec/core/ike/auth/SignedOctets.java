package org.jipsec.core.ike.auth;

import org.jipsec.core.ike.crypto.PrfAlgorithm;

/**
 * The octets each side signs (RFC 7296 §2.15):
 * <pre>
 * InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI
 * MACedIDForI = prf(SK_pi, RestOfInitIDPayload)
 * </pre>
 * and for the responder RealMessage2 | NonceIData | prf(SK_pr, RestOfRespIDPayload).
 */
public final class SignedOctets {
    private SignedOctets() {}

    /**
     * The octets the AUTH payload signs or MACs (RFC 7296 §2.15): {@code realMessage | peerNonce | prf(SK_p, IDx')}.
     *
     * @param realMessage the sender's IKE_SA_INIT message as sent
     * @param peerNonce   the other side's nonce data
     * @param skP         SK_pi (initiator) or SK_pr (responder)
     * @param idBody      the sender's ID payload body (type, three reserved bytes, data)
     */
    public static byte[] of(PrfAlgorithm prf, byte[] realMessage, byte[] peerNonce, byte[] skP, byte[] idBody) {
        byte[] maced = prf.prf(skP, idBody);
        byte[] out = new byte[realMessage.length + peerNonce.length + maced.length];
        System.arraycopy(realMessage, 0, out, 0, realMessage.length);
        System.arraycopy(peerNonce, 0, out, realMessage.length, peerNonce.length);
        System.arraycopy(maced, 0, out, realMessage.length + peerNonce.length, maced.length);
        return out;
    }
}
