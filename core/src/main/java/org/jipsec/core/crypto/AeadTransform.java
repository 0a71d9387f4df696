package org.jipsec.core.crypto;

/**
 * A combined-mode algorithm (RFC 5116 AEAD as used by ESP: AES-GCM RFC 4106, AES-GMAC RFC 4543, AES-CCM
 * RFC 4309, ChaCha20-Poly1305 RFC 7634), bound to one key including its salt.
 *
 * <p>Use per packet: {@link #start}, any number of {@link #aad} calls, then {@link #seal} or {@link #open}.
 * The nonce is {@code salt || explicit IV} as each RFC defines; the caller supplies the explicit IV and MUST
 * never repeat it under one key (RFC 4106 §3.1).
 *
 * <p>Not thread-safe: one instance per SA per thread. {@link #destroy()} zeroes the key.
 *
 * <p>Errors: a range outside the buffer (or no room for the ICV) throws IllegalArgumentException; calls out
 * of order (seal without start), use after destroy, and starting an encryption with an IV already used for
 * encryption under this key (the JDK refuses it for GCM and ChaCha20-Poly1305) throw IllegalStateException.
 * One instance may seal and open alternately; ESP normally keeps one per direction.
 */
public interface AeadTransform {

    Algorithm algorithm();

    /** Explicit IV bytes carried in each ESP packet (8 for all the ESP AEADs). */
    int ivLength();

    /** ICV (tag) bytes appended to the ciphertext. */
    int icvLength();

    /** Alignment of payload+trailer (4 for every ESP AEAD). */
    int blockSize();

    /** False for AES-GMAC (RFC 4543): nothing is encrypted, the payload is authenticated as AAD. */
    boolean encryptsPayload();

    /** Begins one packet. */
    void start(boolean encrypt, byte[] iv, int ivOff);

    /** Adds associated data (authenticated, not encrypted). May be called several times after {@link #start}. */
    void aad(byte[] b, int off, int len);

    /**
     * Encrypts {@code buf[off, off+len)} in place and writes the ICV at {@code buf[off+len, off+len+icvLength())}.
     * Returns {@code len + icvLength()}.
     */
    int seal(byte[] buf, int off, int len);

    /**
     * Verifies and decrypts {@code buf[off, off+len)} in place, where the last {@link #icvLength()} bytes are the
     * ICV. Returns the plaintext length ({@code len - icvLength()}).
     *
     * @throws IcvMismatchException if the ICV does not verify; the buffer contents are then unspecified
     */
    int open(byte[] buf, int off, int len) throws IcvMismatchException;

    /**
     * Verifies {@code in[off, off+len)} (the last {@link #icvLength()} bytes are the ICV) and writes the plaintext
     * to {@code out[outOff, outOff + len - icvLength())}; {@code in} is not modified. {@code out} must not overlap
     * {@code in} unless it is the same range. Decrypting into a separate buffer lets the JDK's fused AES-GCM
     * intrinsic run (in place it falls back to two passes). Returns the plaintext length.
     *
     * @throws IcvMismatchException if the ICV does not verify; {@code out}'s range is then unspecified
     */
    default int open(byte[] in, int off, int len, byte[] out, int outOff) throws IcvMismatchException {
        java.util.Objects.checkFromIndexSize(off, len, in.length);
        java.util.Objects.checkFromIndexSize(outOff, len, out.length);
        System.arraycopy(in, off, out, outOff, len);
        return open(out, outOff, len);
    }

    void destroy();
}
