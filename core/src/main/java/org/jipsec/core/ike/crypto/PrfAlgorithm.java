package org.jipsec.core.ike.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * IKEv2 pseudorandom functions (RFC 7296 §3.3.2 Transform Type 2), from the JDK: PRF_HMAC_SHA2_256/384/512
 * (RFC 4868 §2.1: HMAC with the full hash output, key of any length) and PRF_AES128_XCBC (RFC 4434).
 */
public enum PrfAlgorithm {
    /** PRF_AES128_XCBC, transform ID 4 (RFC 4434). Key 16 bytes preferred; any length accepted (§2). */
    AES128_XCBC(4, "prfaesxcbc", null, 16, 16),
    /** PRF_HMAC_SHA2_256, transform ID 5 (RFC 4868). */
    HMAC_SHA2_256(5, "prfsha256", "HmacSHA256", 32, 32),
    /** PRF_HMAC_SHA2_384, transform ID 6 (RFC 4868). */
    HMAC_SHA2_384(6, "prfsha384", "HmacSHA384", 48, 48),
    /** PRF_HMAC_SHA2_512, transform ID 7 (RFC 4868). */
    HMAC_SHA2_512(7, "prfsha512", "HmacSHA512", 64, 64);

    private final int transformId;
    private final String strongSwanName;
    private final String jceName;
    private final int outputBytes;
    private final int keyBytes;

    PrfAlgorithm(int transformId, String strongSwanName, String jceName, int outputBytes, int keyBytes) {
        this.transformId = transformId;
        this.strongSwanName = strongSwanName;
        this.jceName = jceName;
        this.outputBytes = outputBytes;
        this.keyBytes = keyBytes;
    }

    /** IANA "Transform Type 2 - Pseudorandom Function Transform IDs". */
    public int transformId() {
        return transformId;
    }

    /** The proposal keyword strongSwan uses ({@code prfsha256}). */
    public String strongSwanName() {
        return strongSwanName;
    }

    /** Output length in bytes. */
    public int outputBytes() {
        return outputBytes;
    }

    /**
     * The preferred key length (§2.13: the length of SK_d, SK_pi, SK_pr "MUST be the preferred key length of
     * the PRF agreed upon"): the output length for HMAC (RFC 4868 §2.1.2), 16 bytes for XCBC.
     */
    public int keyBytes() {
        return keyBytes;
    }

    /** True for a PRF with a fixed-size key: SKEYSEED then takes only 8 bytes of each nonce (§2.14). */
    public boolean fixedKey() {
        return this == AES128_XCBC;
    }

    public static PrfAlgorithm byTransformId(int id) {
        for (PrfAlgorithm p : values()) {
            if (p.transformId == id) return p;
        }
        return null;
    }

    /** prf(key, data[0] | data[1] | ...). */
    public byte[] prf(byte[] key, byte[]... data) {
        if (this == AES128_XCBC) return AesXcbcPrf.prf(key, data);
        try {
            Mac mac = Mac.getInstance(jceName);
            // RFC 2104 §2: a key longer than the block is hashed; the JCE does that. An empty key is legal for HMAC
            // but SecretKeySpec refuses it; a one-byte zero key gives the same HMAC (both are zero-padded).
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, jceName));
            for (byte[] d : data) mac.update(d);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(jceName + " unavailable", e);
        }
    }
}
