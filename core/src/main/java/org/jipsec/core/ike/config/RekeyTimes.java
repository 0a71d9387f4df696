package org.jipsec.core.ike.config;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When to rekey, as strongSwan schedules it (swanctl.conf(5) {@code rekey_time}, {@code rand_time},
 * {@code over_time}): {@code rand_time} defaults to {@code over_time}, which defaults to 10% of {@code rekey_time},
 * and the rekey happens at {@code rekey_time} minus a random part of {@code rand_time}, so that two peers with the
 * same configuration do not rekey at the same moment (which would make both rekeys collide, RFC 7296 §2.8.1). The
 * randomness is injected.
 */
public final class RekeyTimes {
    private RekeyTimes() {}

    /** Milliseconds from now to the rekey, or -1 for {@code rekey_time = 0} (never). */
    public static long rekeyIn(Duration rekeyTime, RandomGenerator random) {
        long ms = rekeyTime.toMillis();
        if (ms <= 0) return -1;
        long rand = ms / 10;
        return rand <= 0 ? ms : ms - random.nextLong(rand + 1);
    }

    /** The hard lifetime (strongSwan's {@code life_time} default: {@code rekey_time} + {@code over_time}), seconds. */
    public static long lifeSeconds(Duration rekeyTime) {
        long s = rekeyTime.toSeconds();
        return s <= 0 ? 0 : s + Math.max(1, s / 10);
    }
}
