package org.jipsec.core.xform;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-SA usage: packets ({@code sadb_lifetime_allocations} as NetBSD counts them) and bytes, in and out,
 * for lifetimes (spec §4.9: {@code bytes += packet length; allocations += 1}).
 */
public final class SaCounters {
    private final AtomicLong packets = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    void record(int length) {
        packets.incrementAndGet();
        bytes.addAndGet(length);
    }

    public long packets() { return packets.get(); }

    public long bytes() { return bytes.get(); }
}
