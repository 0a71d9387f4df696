package org.jipsec.core.crypto;

/**
 * NULL encryption, RFC 2410 §2: the identity transform, no IV, 4-byte alignment (RFC 2410 §2.4, RFC 4303 §2.4).
 * The key (NetBSD accepts 0 to 256 bytes) is ignored.
 */
final class NullCipher implements CipherTransform {
    private final Algorithm alg;

    NullCipher(Algorithm alg, byte[] key) {
        this.alg = alg;
    }

    @Override
    public Algorithm algorithm() {
        return alg;
    }

    @Override
    public int blockSize() {
        return 4;
    }

    @Override
    public int ivLength() {
        return 0;
    }

    @Override
    public void encrypt(byte[] iv, int ivOff, byte[] buf, int off, int len) {
        Buffers.check(buf, off, len, "payload");
    }

    @Override
    public void decrypt(byte[] iv, int ivOff, byte[] buf, int off, int len) {
        Buffers.check(buf, off, len, "payload");
    }

    @Override
    public void destroy() {}
}
