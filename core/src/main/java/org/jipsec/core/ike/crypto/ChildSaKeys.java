package org.jipsec.core.ike.crypto;

import java.util.Arrays;

/**
 * KEYMAT of one CHILD_SA (RFC 7296 §2.17): "All keys for SAs carrying data from the initiator to the responder
 * are taken before SAs going from the responder to the initiator", encryption key before integrity key within
 * each. AEAD keys include their salt (RFC 4106 §8.1: 4 bytes; RFC 7634 §4), integrity keys are then empty.
 * Never printed; {@link #destroy()} zeroes them.
 */
public record ChildSaKeys(byte[] encrI, byte[] integI, byte[] encrR, byte[] integR) {

    public void destroy() {
        for (byte[] k : new byte[][] {encrI, integI, encrR, integR}) Arrays.fill(k, (byte) 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChildSaKeys k
                && java.security.MessageDigest.isEqual(encrI, k.encrI)
                && java.security.MessageDigest.isEqual(integI, k.integI)
                && java.security.MessageDigest.isEqual(encrR, k.encrR)
                && java.security.MessageDigest.isEqual(integR, k.integR);
    }

    @Override
    public int hashCode() {
        return encrI.length;
    }

    @Override
    public String toString() {
        return "ChildSaKeys[encr " + encrI.length + " B, integ " + integI.length + " B]";
    }
}
