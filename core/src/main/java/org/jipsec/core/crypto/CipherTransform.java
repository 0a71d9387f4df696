package org.jipsec.core.crypto;

/**
 * An ESP encryption algorithm without integrity of its own (CBC modes, AES-CTR, NULL), bound to one key.
 * RFC 4303 §2.3 (IV), §3.3.2 and §3.4.2. Works in place.
 *
 * <p>Not thread-safe: keep one instance per SA per thread (it holds an initialised JCE Cipher; looking one up
 * per packet costs microseconds). {@link #destroy()} zeroes the key copy it holds.
 *
 * <p>Errors: a range outside the buffer, or a CBC length that is not a whole number of blocks, throws
 * IllegalArgumentException (never IndexOutOfBoundsException); use after {@link #destroy()} throws
 * IllegalStateException.
 */
public interface CipherTransform {

    /** The algorithm this transform implements. */
    Algorithm algorithm();

    /** Bytes the payload (with trailer) must be a multiple of: the cipher block size, or 4 for stream modes and NULL. */
    int blockSize();

    /** Length of the explicit per-packet IV carried on the wire (0 for NULL, 8 for CTR, block size for CBC). */
    int ivLength();

    /** Encrypts {@code buf[off, off+len)} in place with the explicit IV {@code iv[ivOff, ivOff+ivLength())}. */
    void encrypt(byte[] iv, int ivOff, byte[] buf, int off, int len);

    /** Decrypts {@code buf[off, off+len)} in place. {@code len} must be a multiple of {@link #blockSize()}. */
    void decrypt(byte[] iv, int ivOff, byte[] buf, int off, int len);

    /** Zeroes the key material held by this instance; it cannot be used afterwards. */
    void destroy();
}
