package org.jipsec.core.crypto;

import java.util.function.Supplier;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * CBC over a Bouncy Castle lightweight block cipher, for the ciphers the JDK lacks: CAST-128 (RFC 2144,
 * RFC 2451), Blowfish (RFC 2451), Camellia (RFC 4312). CBC itself (RFC 4303 §2.3: the IV is the first block
 * of the payload field) is done here, in place, with no allocation per packet: one engine keyed for
 * encryption and one for decryption, each keyed once (Blowfish's key schedule costs ~500 block encryptions).
 *
 * <p>Bouncy Castle's lightweight API is used rather than its JCE provider so that the core registers no
 * global {@code Security} provider and needs no signed provider jar.
 */
final class BcCbcCipher implements CipherTransform {
    private final Algorithm alg;
    private final BlockCipher enc;
    private final BlockCipher dec;
    private final int block;
    private final byte[] key;
    private final byte[] chain;
    private final byte[] saved;
    private boolean destroyed;

    BcCbcCipher(Algorithm alg, byte[] key, Supplier<BlockCipher> engine) {
        this.alg = alg;
        this.key = key.clone();
        this.enc = engine.get();
        this.dec = engine.get();
        enc.init(true, new KeyParameter(this.key));
        dec.init(false, new KeyParameter(this.key));
        this.block = enc.getBlockSize();
        this.chain = new byte[block];
        this.saved = new byte[block];
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

    private void check(byte[] iv, int ivOff, byte[] buf, int off, int len) {
        Buffers.checkLive(destroyed, alg);
        Buffers.check(iv, ivOff, block, "IV");
        Buffers.check(buf, off, len, "payload");
        if (len % block != 0) {
            throw new IllegalArgumentException(alg.name() + ": length " + len + " is not a multiple of " + block);
        }
    }

    @Override
    public void encrypt(byte[] iv, int ivOff, byte[] buf, int off, int len) {
        check(iv, ivOff, buf, off, len);
        System.arraycopy(iv, ivOff, chain, 0, block);
        for (int p = off; p < off + len; p += block) {
            for (int i = 0; i < block; i++) buf[p + i] ^= chain[i]; // C_i = E(P_i xor C_{i-1}), C_0 = IV
            enc.processBlock(buf, p, buf, p);
            System.arraycopy(buf, p, chain, 0, block);
        }
    }

    @Override
    public void decrypt(byte[] iv, int ivOff, byte[] buf, int off, int len) {
        check(iv, ivOff, buf, off, len);
        System.arraycopy(iv, ivOff, chain, 0, block);
        for (int p = off; p < off + len; p += block) {
            System.arraycopy(buf, p, saved, 0, block);
            dec.processBlock(buf, p, buf, p); // P_i = D(C_i) xor C_{i-1}
            for (int i = 0; i < block; i++) buf[p + i] ^= chain[i];
            System.arraycopy(saved, 0, chain, 0, block);
        }
    }

    @Override
    public void destroy() {
        if (destroyed) return;
        destroyed = true;
        Buffers.zero(key);
        Buffers.zero(chain);
        Buffers.zero(saved);
        enc.reset();
        dec.reset();
    }
}
