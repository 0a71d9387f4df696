package org.jipsec.core.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * CBC mode ciphers the JDK provides: AES-CBC (RFC 3602), DES-CBC (RFC 2405), 3DES-CBC (RFC 2451).
 * The explicit IV is one cipher block carried in front of the payload (RFC 4303 §2.3, RFC 3602 §3).
 * One Cipher per instance, re-initialised per packet with the packet's IV (the SunJCE AES key schedule is
 * cached across inits of the same key).
 */
final class JceCbcCipher implements CipherTransform {
    private final Algorithm alg;
    private final String jceAlgorithm;
    private final ZeroizableKey keySpec;
    private final Cipher cipher;
    private final int block;
    private boolean destroyed;

    JceCbcCipher(Algorithm alg, byte[] key, String jceAlgorithm, int block) {
        this.alg = alg;
        this.jceAlgorithm = jceAlgorithm;
        this.block = block;
        this.keySpec = new ZeroizableKey(jceAlgorithm, key.clone());
        try {
            this.cipher = Cipher.getInstance(jceAlgorithm + "/CBC/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + jceAlgorithm + "/CBC", e);
        }
    }

    @Override
    public Algorithm algorithm() {
        return alg;
    }

    @Override
    public int blockSize() {
        return block;
    }

    @Override
    public int ivLength() {
        return block;
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
        Buffers.check(iv, ivOff, block, "IV");
        Buffers.check(buf, off, len, "payload");
        // RFC 3602 §2.4 / RFC 4303 §2.4: the payload is a whole number of blocks
        if (len % block != 0) {
            throw new IllegalArgumentException(alg.name() + ": length " + len + " is not a multiple of " + block);
        }
        try {
            cipher.init(mode, keySpec, new IvParameterSpec(iv, ivOff, block));
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
        try { // overwrite the key schedule the Cipher holds
            cipher.init(
                    Cipher.ENCRYPT_MODE,
                    new SecretKeySpec(new byte[keyLength], jceAlgorithm),
                    new IvParameterSpec(new byte[block]));
        } catch (GeneralSecurityException ignored) {
            // the Cipher is unusable either way
        }
    }
}
