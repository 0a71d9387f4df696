package org.jipsec.core.crypto;

import java.util.Arrays;

/** Argument checks and constant-time helpers shared by the transforms. Package-private. */
final class Buffers {
    private Buffers() {}

    /** Throws IllegalArgumentException (never IndexOutOfBounds) unless {@code b[off, off+len)} lies inside b. */
    static void check(byte[] b, int off, int len, String what) {
        if (b == null) throw new IllegalArgumentException(what + ": null buffer");
        if (off < 0 || len < 0 || off > b.length - len) {
            throw new IllegalArgumentException(
                    what + ": range [" + off + ", +" + len + ") outside buffer of " + b.length + " bytes");
        }
    }

    /** Compares {@code a[aOff, aOff+len)} with {@code b[bOff, bOff+len)} in time independent of the contents. */
    static boolean constantTimeEquals(byte[] a, int aOff, byte[] b, int bOff, int len) {
        int diff = 0;
        for (int i = 0; i < len; i++) diff |= a[aOff + i] ^ b[bOff + i];
        return diff == 0;
    }

    static void zero(byte[] b) {
        if (b != null) Arrays.fill(b, (byte) 0);
    }

    static void checkLive(boolean destroyed, Algorithm alg) {
        if (destroyed) throw new IllegalStateException(alg.name() + " transform used after destroy()");
    }
}
