package org.jipsec.core.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jipsec.core.pfkey.Outcome;

/**
 * The PF_KEY messages the engine itself causes — SADB_ACQUIRE from the output path (spec §4.7), SADB_EXPIRE from
 * {@link IpsecEngine#tick()} (§4.9) — held until the caller drains them and writes them to the PF_KEY sockets. The
 * core does no I/O: the holder of the engine lock drains after each batch and each tick, in the order they were
 * made. Bounded: an outbox nobody drains (an offline tool) keeps the first {@link #CAPACITY} and counts the rest.
 *
 * <p>Threads: confined to the holder of the engine lock, as the engine is.
 */
public final class PfkeyOutbox {
    /** Outcomes kept at most; ACQUIRE is rate limited (spec §4.7), so a drained outbox never comes near it. */
    public static final int CAPACITY = 4096;

    private final ArrayDeque<Outcome> queue = new ArrayDeque<>();
    private long dropped;

    /** Keeps {@code o} unless it has nothing to send. */
    void offer(Outcome o) {
        if (o.deliveries().isEmpty() && o.dump().isEmpty()) return;
        if (queue.size() >= CAPACITY) {
            dropped++;
            return;
        }
        queue.addLast(o);
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }

    /** The held outcomes in order, removed from the outbox. */
    public List<Outcome> drain() {
        List<Outcome> out = new ArrayList<>(queue);
        queue.clear();
        return out;
    }

    /** Hands each held outcome to {@code sink} in order, removing it first. */
    public void drainTo(Consumer<Outcome> sink) {
        for (Outcome o; (o = queue.pollFirst()) != null; ) sink.accept(o);
    }

    /** Outcomes refused because the outbox was full. */
    public long dropped() {
        return dropped;
    }
}
