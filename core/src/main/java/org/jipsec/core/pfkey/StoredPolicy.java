package org.jipsec.core.pfkey;

import java.util.Objects;
import org.jipsec.core.ipsec.XPolicy;

/**
 * An SPD entry as the key engine stores and reports it ({@code struct secpolicy}): selector, policy (its id is the
 * SP id), the X_SPDADD hard lifetime (lifetime = seconds since creation, validtime = seconds since last use; 0 = none)
 * and its origin (kernel-origin entries are invisible to PF_KEY delete/flush, spec §4.1).
 */
public record StoredPolicy(
        PolicySelector selector,
        XPolicy policy,
        long lifetimeSeconds,
        long validtimeSeconds,
        long createdSeconds,
        long lastUsedSeconds,
        boolean kernelOrigin) {
    public StoredPolicy {
        Objects.requireNonNull(selector);
        Objects.requireNonNull(policy);
    }

    public int id() {
        return policy.id();
    }

    /** key.c key_timehandler (spec §4.1): whether the SP's lifetime or validtime has passed at {@code now}. */
    public boolean expiredAt(long nowSeconds) {
        return (lifetimeSeconds != 0 && nowSeconds - createdSeconds > lifetimeSeconds)
                || (validtimeSeconds != 0 && nowSeconds - lastUsedSeconds > validtimeSeconds);
    }
}
