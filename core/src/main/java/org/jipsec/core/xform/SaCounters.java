package org.jipsec.core.xform;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Per-SA usage in one direction: packets ({@code sadb_lifetime_allocations} as NetBSD counts them) and bytes,
 * for lifetimes (spec §4.9: {@code bytes += packet length; allocations += 1}). The counts live in each thread's
 * keyed state (plain writes, no atomics on the packet path) and are summed here.
 */
public final class SaCounters {
    private final List<SaContext.Keyed> threads;
    private final ToLongFunction<SaContext.Keyed> packets;
    private final ToLongFunction<SaContext.Keyed> bytes;
    private volatile long retiredPackets;
    private volatile long retiredBytes;

    SaCounters(
            List<SaContext.Keyed> threads,
            ToLongFunction<SaContext.Keyed> packets,
            ToLongFunction<SaContext.Keyed> bytes) {
        this.threads = threads;
        this.packets = packets;
        this.bytes = bytes;
    }

    public long packets() {
        long s = retiredPackets;
        for (SaContext.Keyed k : threads) s += packets.applyAsLong(k);
        return s;
    }

    public long bytes() {
        long s = retiredBytes;
        for (SaContext.Keyed k : threads) s += bytes.applyAsLong(k);
        return s;
    }
}
