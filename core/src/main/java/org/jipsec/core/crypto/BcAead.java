package org.jipsec.core.crypto;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADBlockCipher;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AEADs over Bouncy Castle's lightweight API, for what the JDK lacks:
 * <ul>
 *   <li>AES-CCM for ESP, RFC 4309: 3-byte salt, 11-byte nonce, so L = 4 (§4: "the length field is 4
 *       octets"), ICV 8, 12 or 16 bytes (§3) — no longer in the algorithm table (JdkCcmAead is, ≈ 12× faster);
 *       kept as the independent reference the tests compare JdkCcmAead and AesCcm with;</li>
 *   <li>AES-GCM with an 8-byte ICV, RFC 4106 §6 — the JDK's GCM refuses tags under 96 bits; no longer in the
 *       algorithm table (JdkTruncatedGcmAead is, on the JDK's AES-GCM), kept as the independent reference the
 *       tests compare it with.</li>
 * </ul>
 * {@link #ccm} builds the CCM core used for RFC 3610's vectors too (other nonce and tag sizes).
 */
final class BcAead extends EspAead {
    private final AEADBlockCipher cipher;
    private final byte[] key;
    private final KeyParameter keyParam;
    private boolean keyed;

    private BcAead(Algorithm alg, byte[] key, int saltLen, int icv, AEADBlockCipher cipher) {
        super(alg, key, saltLen, icv, false);
        this.cipher = cipher;
        this.key = cipherKey(key, saltLen);
        this.keyParam = new KeyParameter(this.key);
    }

    static BcAead ccm(Algorithm alg, byte[] key, int icv) {
        return new BcAead(alg, key, 3, icv, ccmEngine());
    }

    /** The CCM core (RFC 3610 §2) over AES; the nonce length passed to init decides L = 15 - nonce length. */
    static AEADBlockCipher ccmEngine() {
        return CCMBlockCipher.newInstance(AESEngine.newInstance());
    }

    static BcAead gcm(Algorithm alg, byte[] key, int icv) {
        return new BcAead(alg, key, 4, icv, GCMBlockCipher.newInstance(AESEngine.newInstance()));
    }

    @Override
    void init(boolean encrypt) {
        try {
            // after the first init Bouncy Castle keeps the key schedule when given a null key
            cipher.init(encrypt, new AEADParameters(keyed ? null : keyParam, icvLength() * 8, nonce));
            keyed = true;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(alg().name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    void addAad(byte[] b, int off, int len) {
        cipher.processAADBytes(b, off, len);
    }

    @Override
    void sealData(byte[] buf, int off, int len) {
        int n = cipher.processBytes(buf, off, len, buf, off);
        try {
            cipher.doFinal(buf, off + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(alg().name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    void openData(byte[] buf, int off, int len) throws IcvMismatchException {
        int n = cipher.processBytes(buf, off, len, buf, off);
        try {
            cipher.doFinal(buf, off + n);
        } catch (InvalidCipherTextException e) {
            throw new IcvMismatchException();
        }
    }

    @Override
    void openDataTo(byte[] in, int off, int len, byte[] out, int outOff) throws IcvMismatchException {
        int n = cipher.processBytes(in, off, len, out, outOff);
        try {
            cipher.doFinal(out, outOff + n);
        } catch (InvalidCipherTextException e) {
            throw new IcvMismatchException();
        }
    }

    @Override
    void wipe() {
        Buffers.zero(key);
        Buffers.zero(keyParam.getKey()); // Bouncy Castle hands out its own copy's array
        cipher.reset();
    }
}
