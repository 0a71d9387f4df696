package org.jipsec.core.ikekernel;

import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.Sadb;

/**
 * Soft and hard SA lifetimes (RFC 2367 §2.3.3 {@code sadb_lifetime}): bytes and seconds since creation, 0 =
 * unlimited. The soft limit raises SADB_EXPIRE (the IKE daemon rekeys, RFC 7296 §2.8); the hard limit deletes the
 * SA. As racoon's {@code pk_sendupdate}, allocations and use time are left 0.
 */
public record Lifetimes(long softBytes, long hardBytes, long softSeconds, long hardSeconds) {
    public static final Lifetimes NONE = new Lifetimes(0, 0, 0, 0);

    public Lifetimes {
        if (softBytes < 0 || hardBytes < 0 || softSeconds < 0 || hardSeconds < 0) {
            throw new IllegalArgumentException("lifetimes must not be negative");
        }
        if (hardSeconds != 0 && softSeconds > hardSeconds)
            throw new IllegalArgumentException("soft time after hard time");
        if (hardBytes != 0 && softBytes > hardBytes) throw new IllegalArgumentException("soft bytes above hard bytes");
    }

    Extension.Lifetime hard() {
        return new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_HARD, 0, hardBytes, hardSeconds, 0);
    }

    Extension.Lifetime soft() {
        return new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_SOFT, 0, softBytes, softSeconds, 0);
    }

    boolean any() {
        return softBytes != 0 || hardBytes != 0 || softSeconds != 0 || hardSeconds != 0;
    }
}
