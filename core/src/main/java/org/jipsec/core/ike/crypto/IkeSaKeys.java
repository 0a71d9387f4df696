package org.jipsec.core.ike.crypto;

import java.util.Arrays;

/**
 * The seven IKE SA keys of RFC 7296 §2.14, in the order prf+ produces them. SK_ai/SK_ar are empty for an
 * AEAD; SK_ei/SK_er then include the salt as their last bytes (RFC 5282 §7.1, RFC 7634 §4). Never printed;
 * {@link #destroy()} zeroes them.
 */
public record IkeSaKeys(byte[] skD, byte[] skAi, byte[] skAr, byte[] skEi, byte[] skEr, byte[] skPi, byte[] skPr) {

    public void destroy() {
        for (byte[] k : new byte[][] {skD, skAi, skAr, skEi, skEr, skPi, skPr}) Arrays.fill(k, (byte) 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IkeSaKeys k && java.security.MessageDigest.isEqual(concat(), k.concat());
    }

    @Override
    public int hashCode() {
        return skD.length;
    }

    private byte[] concat() {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (byte[] k : new byte[][] {skD, skAi, skAr, skEi, skEr, skPi, skPr}) {
            b.write(k.length);
            b.writeBytes(k);
        }
        return b.toByteArray();
    }

    @Override
    public String toString() {
        return "IkeSaKeys[SK_d " + skD.length + " B, SK_a " + skAi.length + " B, SK_e " + skEi.length + " B, SK_p "
                + skPi.length + " B]";
    }
}
