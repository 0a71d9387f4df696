package org.jipsec.core.ike.engine;

import org.jipsec.core.ike.crypto.SkCipher;

/**
 * The IKE SA replaced by a rekey (RFC 7296 §2.18), kept only to finish its last exchanges: the rekey initiator's
 * INFORMATIONAL Delete and its answer, and the cached response for a retransmitted rekey request (§2.1). Key
 * material stays inside the ciphers and out of toString.
 *
 * @param originalInitiator whether we had the I flag on this SA (§3.1)
 */
record OldIkeSa(long spiI, long spiR, boolean originalInitiator, SkCipher out, SkCipher in, long nextRequestMid,
                long expectedRequestMid, byte[] lastRequest, byte[] lastResponse) {

    void destroy() {
        out.destroy();
        in.destroy();
    }

    @Override
    public String toString() {
        return "OldIkeSa[" + Long.toHexString(spiI) + "_i " + Long.toHexString(spiR) + "_r]";
    }
}
