package org.jipsec.core.sad;

/**
 * A hard or soft SA lifetime as PF_KEY carries it ({@code struct sadb_lifetime}, RFC 2367 §2.3.4): 0 = no limit.
 * NetBSD enforces only {@code bytes} and {@code addtime} (seconds) on SAs (spec §4.9); allocations and usetime are
 * stored and reported.
 */
public record SaLifetime(long allocations, long bytes, long addtimeSeconds, long usetimeSeconds) {
    public static final SaLifetime NONE = new SaLifetime(0, 0, 0, 0);
}
