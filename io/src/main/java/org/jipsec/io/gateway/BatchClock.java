package org.jipsec.io.gateway;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The engine's clock in the gateway: the system clock, except while the data-plane thread works through one round
 * of packets ({@link #pin()} … {@link #unpin()}), when it answers the instant read at {@link #pin()} — one clock
 * read per round instead of two or more per packet (the SPD's {@code lastused}, each SA's usage time; both are
 * kept in whole seconds, and a round lasts a few milliseconds at most). Any other thread reading during a batch gets
 * that same recent instant. Outside a batch every read is the system clock's.
 */
final class BatchClock implements InstantSource {
    private final InstantSource system;
    private volatile Instant pinned;

    BatchClock(InstantSource system) {
        this.system = system;
    }

    /** Reads the system clock once and answers that instant until {@link #unpin()}. Data-plane thread only. */
    void pin() {
        pinned = system.instant();
    }

    /** Back to the system clock. */
    void unpin() {
        pinned = null;
    }

    @Override
    public Instant instant() {
        Instant p = pinned;
        return p != null ? p : system.instant();
    }
}
