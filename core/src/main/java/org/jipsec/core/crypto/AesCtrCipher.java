package org.jipsec.core.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-CTR for ESP, RFC 3686. The SA key is the AES key followed by a 4-byte nonce (§5.1); each packet
 * carries an 8-byte IV (§3.1). The counter block (§4) is
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                            Nonce                              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  Initialization Vector (IV)                   |
 *  |                                                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Block Counter = 1                     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Any payload length is accepted (stream mode); ESP pads to 4 bytes (§3.2) — NetBSD pads to 16.
 */
final class AesCtrCipher implements CipherTransform {
    static final int NONCE = 4;
    static final int IV = 8;

    private final Algorithm alg;
    private final ZeroizableKey keySpec;
    private final byte[] counterBlock = new byte[16];
    private final Cipher cipher;
    private boolean destroyed;

    AesCtrCipher(Algorithm alg, byte[] key) {
        this.alg = alg;
        this.keySpec = new ZeroizableKey("AES", java.util.Arrays.copyOf(key, key.length - NONCE));
        System.arraycopy(key, key.length - NONCE, counterBlock, 0, NONCE); // RFC 3686 §5.1: nonce = last 4 key bytes
        counterBlock[15] = 1; // RFC 3686 §4: the block counter starts at one
        try {
            this.cipher = Cipher.getInstance("AES/CTR/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks AES/CTR", e);
        }
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
        return IV;
    }

    @Override
    public void encrypt(byte[] iv, int ivOff, byte[] buf, int off, int len) {
        run(Cipher.ENCRYPT_MODE, iv, ivOff, buf, off, len);
    }

    @Override
    public void decrypt(byte[] iv, int ivOff, byte[] buf, int off, int len) {
        run(Cipher.DECRYPT_MODE, iv, ivOff, buf, off, len);
    }

    private void run(int mode, byte[] iv, int ivOff, byte[] buf, int off, int len) {
        Buffers.checkLive(destroyed, alg);
        Buffers.check(iv, ivOff, IV, "IV");
        Buffers.check(buf, off, len, "payload");
        System.arraycopy(iv, ivOff, counterBlock, NONCE, IV);
        try {
            cipher.init(mode, keySpec, new IvParameterSpec(counterBlock));
            cipher.doFinal(buf, off, len, buf, off);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg.name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void destroy() {
        if (destroyed) return;
        destroyed = true;
        int keyLength = keySpec.length();
        keySpec.destroy();
        Buffers.zero(counterBlock);
        try {
            cipher.init(
                    Cipher.ENCRYPT_MODE,
                    new SecretKeySpec(new byte[keyLength], "AES"),
                    new IvParameterSpec(new byte[16]));
        } catch (GeneralSecurityException ignored) {
            // unusable either way
        }
    }
}
