package org.jipsec.core.ike.admission;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless IKE_SA_INIT cookies (RFC 7296 §2.6): {@code Cookie = <VersionIDofSecret> | Hash(Ni | IPi | SPIi |
 * <secret>)}, here a 4-octet secret version followed by HMAC-SHA-256 keyed with the secret over Ni, the initiator's
 * address and SPIi — 36 octets, within the 1..64 the RFC allows. The secret is drawn from the injected randomness
 * and replaced every {@code rotateMillis} of the injected clock; as §2.6 recommends, a cookie made with the
 * previous secret is still accepted until the next rotation, so an initiator caught by a rotation is not refused.
 * Not thread-safe: the IKE daemon's one thread owns it.
 */
public final class Cookies {

    /** Octets of a cookie this responder makes. */
    public static final int LENGTH = 4 + 32;

    private final RandomGenerator random;
    private final long rotateMillis;
    private byte[] secret, previous;
    private int version;
    private long rotateAt = Long.MIN_VALUE;

    public Cookies(RandomGenerator random, long rotateMillis) {
        if (rotateMillis <= 0) throw new IllegalArgumentException("rotation period must be positive");
        this.random = random;
        this.rotateMillis = rotateMillis;
    }

    /** The cookie for this initiator under the current secret. */
    public byte[] make(long now, byte[] ni, byte[] ipi, long spiI) {
        rotate(now);
        return cookie(version, secret, ni, ipi, spiI);
    }

    /** Whether {@code cookie} is one we made for this initiator with the current or the previous secret. */
    public boolean valid(long now, byte[] cookie, byte[] ni, byte[] ipi, long spiI) {
        rotate(now);
        if (cookie == null || cookie.length != LENGTH) return false;
        int v = ByteBuffer.wrap(cookie).getInt(0);
        byte[] s = v == version ? secret : v == version - 1 ? previous : null;
        return s != null && MessageDigest.isEqual(cookie, cookie(v, s, ni, ipi, spiI));
    }

    /** The secret's version number (rises by one per rotation). */
    public int version() {
        return version;
    }

    private void rotate(long now) {
        if (secret != null && now < rotateAt) return;
        byte[] old = secret;
        if (previous != null) Arrays.fill(previous, (byte) 0);
        // after a quiet period longer than two rotations the old secret is not kept either: its grace has passed
        previous = old != null && now < rotateAt + rotateMillis ? old : null;
        if (old != null && previous == null) Arrays.fill(old, (byte) 0);
        secret = new byte[32];
        random.nextBytes(secret);
        version++;
        rotateAt = now + rotateMillis;
    }

    private static byte[] cookie(int version, byte[] secret, byte[] ni, byte[] ipi, long spiI) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(ni);
            mac.update(ipi);
            mac.update(ByteBuffer.allocate(8).putLong(0, spiI).array());
            return ByteBuffer.allocate(LENGTH)
                    .putInt(version)
                    .put(mac.doFinal())
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
