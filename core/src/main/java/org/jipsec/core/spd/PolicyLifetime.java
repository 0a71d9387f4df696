package org.jipsec.core.spd;

/**
 * An SP's hard lifetime as SPDADD's LIFETIME_HARD carries it (spec §4.1): {@code lifetimeSeconds}
 * since creation ({@code addtime}) and {@code validtimeSeconds} since last use ({@code usetime});
 * 0 = unlimited.
 */
public record PolicyLifetime(long lifetimeSeconds, long validtimeSeconds) {

    public static final PolicyLifetime NONE = new PolicyLifetime(0, 0);

    public PolicyLifetime {
        if (lifetimeSeconds < 0 || validtimeSeconds < 0) throw new IllegalArgumentException("negative lifetime");
    }
}
