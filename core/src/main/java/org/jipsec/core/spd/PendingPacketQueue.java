package org.jipsec.core.spd;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Holds the first packets of a flow while its SA is being negotiated (an ACQUIRE is outstanding),
 * bounded in packets per key, packets overall and bytes overall, with a timeout measured on the
 * injected clock. NetBSD drops the triggering packet (spec §4.7); jipsec's engine may queue instead.
 * When a bound is hit the new packet is refused (the first packets are the ones kept: they are
 * typically a handshake's first segment). Thread-safe.
 *
 * @param <K> the key (e.g. {@link org.jipsec.core.sad.SaIndex})
 * @param <P> the packet type
 */
public final class PendingPacketQueue<K, P> {

    private record Held<P>(P packet, int bytes, long queuedNanos) {}

    private final int maxPerKey;
    private final int maxPackets;
    private final long maxBytes;
    private final long timeoutNanos;
    private final InstantSource clock;
    private final Map<K, ArrayDeque<Held<P>>> queues = new LinkedHashMap<>();
    private int packets;
    private long bytes;

    public PendingPacketQueue(int maxPerKey, int maxPackets, long maxBytes, Duration timeout, InstantSource clock) {
        if (maxPerKey <= 0 || maxPackets <= 0 || maxBytes <= 0)
            throw new IllegalArgumentException("bounds must be positive");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        this.maxPerKey = maxPerKey;
        this.maxPackets = maxPackets;
        this.maxBytes = maxBytes;
        this.timeoutNanos = timeout.toNanos();
        this.clock = Objects.requireNonNull(clock);
    }

    private long nowNanos() {
        java.time.Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** Queues a packet; false when a bound would be exceeded (the caller counts the drop). */
    public synchronized boolean offer(K key, P packet, int length) {
        Objects.requireNonNull(key);
        Objects.requireNonNull(packet);
        if (length < 0) throw new IllegalArgumentException("negative length");
        ArrayDeque<Held<P>> q = queues.get(key);
        if ((q != null && q.size() >= maxPerKey) || packets >= maxPackets || bytes + length > maxBytes) return false;
        if (q == null) {
            q = new ArrayDeque<>();
            queues.put(key, q);
        }
        q.addLast(new Held<>(packet, length, nowNanos()));
        packets++;
        bytes += length;
        return true;
    }

    /** The SA for {@code key} arrived: returns its packets in arrival order (not timed out ones). */
    public synchronized List<P> release(K key) {
        ArrayDeque<Held<P>> q = queues.remove(key);
        if (q == null) return List.of();
        long now = nowNanos();
        List<P> out = new ArrayList<>(q.size());
        for (Held<P> h : q) {
            packets--;
            bytes -= h.bytes();
            if (now - h.queuedNanos() <= timeoutNanos) out.add(h.packet());
        }
        return out;
    }

    /** Removes and returns the packets held longer than the timeout (the caller counts them dropped). */
    public synchronized List<P> expire() {
        long now = nowNanos();
        List<P> out = new ArrayList<>();
        for (Iterator<ArrayDeque<Held<P>>> it = queues.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Held<P>> q = it.next();
            while (!q.isEmpty() && now - q.peekFirst().queuedNanos() > timeoutNanos) {
                Held<P> h = q.pollFirst();
                packets--;
                bytes -= h.bytes();
                out.add(h.packet());
            }
            if (q.isEmpty()) it.remove();
        }
        return out;
    }

    public synchronized int size() {
        return packets;
    }

    public synchronized long bytes() {
        return bytes;
    }
}
