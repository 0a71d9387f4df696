package org.jipsec.core.ike.crypto;

/**
 * prf+ (RFC 7296 §2.13):
 * <pre>
 * prf+ (K,S) = T1 | T2 | T3 | T4 | ...
 * where:
 * T1 = prf (K, S | 0x01)
 * T2 = prf (K, T1 | S | 0x02)
 * T3 = prf (K, T2 | S | 0x03)
 * </pre>
 * "The prf+ function is not defined beyond 255 times the size of the prf function output."
 */
public final class PrfPlus {
    private PrfPlus() {}

    /** The first {@code length} bytes of prf+(key, seed). */
    public static byte[] expand(PrfAlgorithm prf, byte[] key, byte[] seed, int length) {
        if (length < 0 || length > 255 * prf.outputBytes()) {
            throw new IllegalArgumentException(
                    "prf+ of " + length + " bytes (at most 255 x " + prf.outputBytes() + ", RFC 7296 §2.13)");
        }
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        int at = 0;
        for (int n = 1; at < length; n++) {
            t = prf.prf(key, t, seed, new byte[] {(byte) n});
            int take = Math.min(t.length, length - at);
            System.arraycopy(t, 0, out, at, take);
            at += take;
        }
        java.util.Arrays.fill(t, (byte) 0);
        return out;
    }
}
