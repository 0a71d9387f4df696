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
    private final ZeroizableKey key;
    private final String jceName;

    private HmacIntegrity(Algorithm alg, ZeroizableKey key, Mac mac, int icv) {
        super(alg, icv, mac.getMacLength());
        this.key = key;
        this.mac = mac;
        this.jceName = mac.getAlgorithm();
    }

    /** An HMAC keyed with a copy of {@code key}; RFC 2104 §3 allows any key length (long keys are hashed). */
    static HmacIntegrity create(Algorithm alg, byte[] key, String jceName, int icv) {
        try {
            Mac mac = Mac.getInstance(jceName);
            ZeroizableKey k = new ZeroizableKey(jceName, key.clone());
            mac.init(k);
            return new HmacIntegrity(alg, k, mac, icv);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + jceName, e);
        }
    }

    @Override
    void feed(byte[] b, int off, int len) {
        mac.update(b, off, len);
    }

    @Override
    void compute(byte[] out) {
        try {
            mac.doFinal(out, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    void wipe() {
        int keyLength = key.length();
        key.destroy();
        try {
            mac.init(new SecretKeySpec(new byte[Math.max(1, keyLength)], jceName));
        } catch (GeneralSecurityException ignored) {
            // unusable either way
        }
    }
}
