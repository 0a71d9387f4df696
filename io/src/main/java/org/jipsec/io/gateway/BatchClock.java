package org.jipsec.io.gateway;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The gateway engine's clock: the system clock, read once per received batch instead of once or twice per packet
 * (the engine stamps SA usage and SPD {@code lastused} in seconds). While a data-plane worker holds a batch
 * ({@link #hold()} … {@link #release()}) the engine calls that worker makes get the instant read at {@link #hold()},
 * microseconds to milliseconds old; every other thread (PF_KEY, the timer outside a batch) reads the system clock.
 * Per thread, so that the workers write no shared field per batch.
 */
final class BatchClock implements InstantSource {
    private final InstantSource system;
    private final ThreadLocal<Instant[]> held = ThreadLocal.withInitial(() -> new Instant[1]);

    BatchClock(InstantSource system) {
        this.system = system;
    }

    @Override
    public Instant instant() {
        Instant h = held.get()[0];
        return h != null ? h : system.instant();
    }

    /** Reads the system clock once; this thread's {@link #instant()} returns that until {@link #release()}. */
    void hold() {
        held.get()[0] = system.instant();
    }

    void release() {
        held.get()[0] = null;
    }
}
