package org.jipsec.core.crypto;

/**
 * An integrity algorithm (HMAC-*, AES-XCBC-MAC-96, AES-CMAC-96, keyed MD5/SHA1, NULL) bound to one key, for
 * ESP's separate ICV (RFC 4303 §3.3.4) and for AH (RFC 4302 §3.3.3). The ICV is truncated to
 * {@link #icvLength()} bytes (e.g. HMAC-SHA-256-128, RFC 4868 §2.3).
 *
 * <p>Not thread-safe: one instance per SA per thread. A range outside the buffer throws
 * IllegalArgumentException; use after {@link #destroy()} throws IllegalStateException.
 */
public interface IntegrityTransform {

    Algorithm algorithm();

    /** Truncated ICV length in bytes. */
    int icvLength();

    /** Feeds data into the running MAC. */
    void update(byte[] b, int off, int len);

    /** Writes the truncated ICV of everything fed since the last finish/verify to {@code out[outOff…]} and resets. */
    void finish(byte[] out, int outOff);

    /** Computes the ICV and compares it with {@code expected[off, off+icvLength())} in constant time; resets. */
    boolean verify(byte[] expected, int off);

    void destroy();
}
