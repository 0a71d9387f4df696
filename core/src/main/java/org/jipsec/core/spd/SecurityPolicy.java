package org.jipsec.core.spd;

import java.util.Objects;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.XPolicy;

/**
 * One entry of the SPD (RFC 4301 §4.4.1; NetBSD {@code struct secpolicy}): id, selector, the x_policy
 * (type, direction, request chain; its id field equals {@link #id()}), origin, times. Immutable except
 * {@link #lastUsedSeconds()}, which lookups update.
 */
public final class SecurityPolicy {

    private final int id;
    private final SelectorSet selector;
    private final XPolicy policy;
    private final PolicyOrigin origin;
    private final long createdSeconds;
    private final PolicyLifetime lifetime;
    final long rank;
    private volatile long lastUsedSeconds;

    SecurityPolicy(
            int id,
            SelectorSet selector,
            XPolicy policy,
            PolicyOrigin origin,
            long createdSeconds,
            PolicyLifetime lifetime,
            long rank) {
        this.id = id;
        this.selector = Objects.requireNonNull(selector);
        this.policy = Objects.requireNonNull(policy);
        this.origin = Objects.requireNonNull(origin);
        this.createdSeconds = createdSeconds;
        this.lifetime = Objects.requireNonNull(lifetime);
        this.rank = rank;
        this.lastUsedSeconds = createdSeconds;
    }

    /** The policy id ({@code sadb_x_policy_id}, unsigned 32-bit). */
    public int id() {
        return id;
    }

    public SelectorSet selector() {
        return selector;
    }

    public XPolicy policy() {
        return policy;
    }

    public PolicyDirection direction() {
        return policy.direction();
    }

    public PolicyOrigin origin() {
        return origin;
    }

    public long createdSeconds() {
        return createdSeconds;
    }

    public PolicyLifetime lifetime() {
        return lifetime;
    }

    public long lastUsedSeconds() {
        return lastUsedSeconds;
    }

    void touch(long nowSeconds) {
        // a volatile store is a full fence (it waits for every pending store, e.g. a just-decrypted packet): store
        // only when the second changed, which gives the same value
        if (lastUsedSeconds != nowSeconds) lastUsedSeconds = nowSeconds;
    }

    /** spec §4.1: {@code lifetime && now−created > lifetime} or {@code validtime && now−lastused > validtime}. */
    public boolean expiredAt(long nowSeconds) {
        return (lifetime.lifetimeSeconds() != 0 && nowSeconds - createdSeconds > lifetime.lifetimeSeconds())
                || (lifetime.validtimeSeconds() != 0 && nowSeconds - lastUsedSeconds > lifetime.validtimeSeconds());
    }

    @Override
    public String toString() {
        return "SecurityPolicy[id=" + Integer.toUnsignedString(id) + " " + selector + " " + policy + " " + origin + "]";
    }
}
