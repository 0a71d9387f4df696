package org.jipsec.core.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AEADs the JDK implements with CPU support: AES-GCM with 12- and 16-byte ICVs (RFC 4106), AES-GMAC
 * (RFC 4543) and ChaCha20-Poly1305 (RFC 7634). One {@link Cipher} per instance, re-initialised per packet.
 *
 * <p>The JDK refuses to initialise GCM and ChaCha20-Poly1305 for encryption twice with the same key and
 * nonce; ESP never repeats an IV under one SA (RFC 4106 §3.1), so that surfaces as IllegalStateException.
 * The JDK's GCM does not take 8-byte tags: aes-gcm-8 uses {@link JdkTruncatedGcmAead}.
 */
final class JceAead extends EspAead {
    enum Kind {
        GCM,
        GMAC,
        CHACHA20_POLY1305
    }

    private final Kind kind;
    private final Cipher cipher;
    private final ZeroizableKey keySpec;

    JceAead(Algorithm alg, byte[] key, Kind kind, int icv) {
        super(alg, key, 4, icv, kind == Kind.GMAC);
        this.kind = kind;
        try {
            if (kind == Kind.CHACHA20_POLY1305) {
                this.keySpec = new ZeroizableKey("ChaCha20", cipherKey(key, 4));
                this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
            } else {
                this.keySpec = new ZeroizableKey("AES", cipherKey(key, 4));
                this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + kind, e);
        }
    }

    private AlgorithmParameterSpec spec() {
        return kind == Kind.CHACHA20_POLY1305
                ? new IvParameterSpec(nonce)
                : new GCMParameterSpec(icvLength() * 8, nonce);
    }

    @Override
    void init(boolean encrypt) {
        try {
            cipher.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, keySpec, spec());
        } catch (InvalidAlgorithmParameterException e) {
            throw new IllegalStateException(alg().name() + ": IV reused under one key (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg().name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    void addAad(byte[] b, int off, int len) {
        cipher.updateAAD(b, off, len);
    }

    @Override
    void sealData(byte[] buf, int off, int len) {
        try {
            cipher.doFinal(buf, off, len, buf, off);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg().name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    void openData(byte[] buf, int off, int len) throws IcvMismatchException {
        try {
            cipher.doFinal(buf, off, len, buf, off);
        } catch (AEADBadTagException e) {
            throw new IcvMismatchException();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg().name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    void openDataTo(byte[] in, int off, int len, byte[] out, int outOff) throws IcvMismatchException {
        try {
            cipher.doFinal(in, off, len, out, outOff); // separate arrays: the JDK's fused AES-GCM intrinsic
        } catch (AEADBadTagException e) {
            throw new IcvMismatchException();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg().name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    void wipe() {
        int keyLength = keySpec.length();
        keySpec.destroy();
        // Leave the Cipher keyed with zeros, not with the SA key; a fresh random-looking nonce avoids reuse refusal.
        try {
            byte[] n = nonce.clone();
            n[n.length - 1] ^= 0x5a;
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(new byte[keyLength], keySpec.getAlgorithm()),
                    kind == Kind.CHACHA20_POLY1305 ? new IvParameterSpec(n) : new GCMParameterSpec(128, n));
        } catch (GeneralSecurityException ignored) {
            // unusable either way
        }
    }
}
