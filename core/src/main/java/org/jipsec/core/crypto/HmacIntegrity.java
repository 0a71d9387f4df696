package org.jipsec.core.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC (RFC 2104) with the JDK's Mac: HMAC-MD5-96 (RFC 2403), HMAC-SHA-1-96 (RFC 2404),
 * HMAC-SHA-256-128 / -384-192 / -512-256 (RFC 4868). One initialised Mac per instance.
 */
final class HmacIntegrity extends TruncatedIntegrity {
    private final Mac mac;
    private final byte[] key;
    private final String jceName;

    HmacIntegrity(Algorithm alg, byte[] key, String jceName, int icv) {
        super(alg, icv, macLength(jceName));
        this.key = key.clone();
        this.jceName = jceName;
        try {
            this.mac = Mac.getInstance(jceName);
            mac.init(new SecretKeySpec(this.key, jceName));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + jceName, e);
        }
    }

    private static int macLength(String jceName) {
        try {
            return Mac.getInstance(jceName).getMacLength();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + jceName, e);
        }
    }

    @Override void feed(byte[] b, int off, int len) { mac.update(b, off, len); }

    @Override void compute(byte[] out) {
        try {
            mac.doFinal(out, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override void wipe() {
        Buffers.zero(key);
        try {
            mac.init(new SecretKeySpec(new byte[Math.max(1, key.length)], jceName));
        } catch (GeneralSecurityException ignored) {
            // unusable either way
        }
    }
}
