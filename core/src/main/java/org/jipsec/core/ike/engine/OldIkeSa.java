package org.jipsec.core.ike.engine;

import org.jipsec.core.ike.crypto.SkCipher;

/**
 * An IKE SA that no longer carries exchanges but still has to finish its Delete (RFC 7296 §1.4.1): the SA replaced
 * by a rekey (§2.18), or the redundant SA of a simultaneous rekey (§2.8.1). It answers a retransmitted request
 * from its cached response (§2.1), a Delete of itself, and anything else on it with TEMPORARY_FAILURE (§2.25, as
 * strongSwan does on an SA that is being deleted). Key material stays inside the ciphers and out of toString.
 */
final class OldIkeSa {

    final long spiI;
    final long spiR;
    /** Whether we had the I flag on this SA (§3.1). */
    final boolean originalInitiator;

    final SkCipher out;
    final SkCipher in;
    long nextRequestMid;
    long expectedRequestMid;
    byte[] lastRequest;
    byte[] lastResponse;

    OldIkeSa(
            long spiI,
            long spiR,
            boolean originalInitiator,
            SkCipher out,
            SkCipher in,
            long nextRequestMid,
            long expectedRequestMid,
            byte[] lastRequest,
            byte[] lastResponse) {
        this.spiI = spiI;
        this.spiR = spiR;
        this.originalInitiator = originalInitiator;
        this.out = out;
        this.in = in;
        this.nextRequestMid = nextRequestMid;
        this.expectedRequestMid = expectedRequestMid;
        this.lastRequest = lastRequest;
        this.lastResponse = lastResponse;
    }

    boolean is(long i, long r) {
        return spiI == i && spiR == r;
    }

    org.jipsec.core.ike.codec.IkeHeader header(int exchange, long mid, boolean response) {
        return new org.jipsec.core.ike.codec.IkeHeader(
                spiI,
                spiR,
                0,
                exchange,
                (originalInitiator ? org.jipsec.core.ike.codec.IkeHeader.FLAG_INITIATOR : 0)
                        | (response ? org.jipsec.core.ike.codec.IkeHeader.FLAG_RESPONSE : 0),
                mid);
    }

    void destroy() {
        out.destroy();
        in.destroy();
    }

    @Override
    public String toString() {
        return "OldIkeSa[" + Long.toHexString(spiI) + "_i " + Long.toHexString(spiR) + "_r]";
    }
}
