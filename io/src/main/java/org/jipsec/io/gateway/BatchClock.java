package org.jipsec.io.gateway;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The gateway engine's clock: the system clock, read once per received batch instead of once or twice per packet
 * (the engine stamps SA usage and SPD {@code lastused} in seconds). While the data plane holds a batch
 * ({@link #hold()} … {@link #release()}) every reader — the data plane and the PF_KEY thread alike — gets the instant
 * read at {@link #hold()}, microseconds to milliseconds old; otherwise a fresh read.
 */
final class BatchClock implements InstantSource {
    private final InstantSource system;
    private volatile Instant held;

    BatchClock(InstantSource system) {
        this.system = system;
    }

    @Override
    public Instant instant() {
        Instant h = held;
        return h != null ? h : system.instant();
    }

    /** Reads the system clock once; {@link #instant()} returns that until {@link #release()}. */
    void hold() {
        held = system.instant();
    }

    void release() {
        held = null;
    }
}
