package org.jipsec.core.seqstate;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A fingerprint of an SA's keys that the state directory can keep instead of the keys: HMAC-SHA256 keyed with the
 * directory's random salt over the algorithms and keys, truncated to {@value #LENGTH} bytes. Without the salt (a
 * file of its own, 0600) nobody can test a guessed key against a state file; two directories give unrelated
 * fingerprints to the same keys. 128 bits make an accidental match of two key sets negligible.
 *
 * <pre>
 *   HMAC-SHA256(salt, "jipsec-seqstate-1" | u8 satype | u16 ealg | u16 len | ekey | u16 aalg | u16 len | akey)[0..16)
 * </pre>
 */
public final class KeyFingerprint {

    public static final int LENGTH = 16;
    /** Salt length the io layer creates (random, per state directory). */
    public static final int SALT_LENGTH = 32;

    private static final byte[] LABEL = "jipsec-seqstate-1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private KeyFingerprint() {}

    /** The fingerprint; the caller's key arrays are read, not kept. Null keys count as empty. */
    public static byte[] of(
            byte[] salt, int satype, int encryptAlgorithm, byte[] encryptKey, int authAlgorithm, byte[] authKey) {
        if (salt == null || salt.length < 16) throw new IllegalArgumentException("salt of at least 16 bytes required");
        byte[] ek = encryptKey == null ? new byte[0] : encryptKey;
        byte[] ak = authKey == null ? new byte[0] : authKey;
        ByteBuffer b = ByteBuffer.allocate(LABEL.length + 1 + 4 + ek.length + 4 + ak.length);
        b.put(LABEL)
                .put((byte) satype)
                .putShort((short) encryptAlgorithm)
                .putShort((short) ek.length)
                .put(ek)
                .putShort((short) authAlgorithm)
                .putShort((short) ak.length)
                .put(ak);
        byte[] input = b.array();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            return Arrays.copyOf(mac.doFinal(input), LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        } finally {
            Arrays.fill(input, (byte) 0); // held key bytes
        }
    }
}
