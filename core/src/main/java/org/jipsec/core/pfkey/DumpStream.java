package org.jipsec.core.pfkey;

import java.util.List;
import java.util.function.Function;

/**
 * A SADB_DUMP / X_SPDDUMP reply produced lazily (jipsec's fix of the truncated dumps of NetBSD's BUGS): the entries
 * are a snapshot of references taken when the request arrived; each message is built only when the socket can take
 * it, with KAME's sequence countdown (the last message has seq 0). Must be advanced under the key engine's lock.
 */
public final class DumpStream<T> {
    private final List<T> entries;
    private final Function<T, PfkeyMessage> build;
    private int next;

    DumpStream(List<T> entries, Function<T, PfkeyMessage> build) {
        this.entries = entries;
        this.build = build;
    }

    public boolean hasNext() {
        return next < entries.size();
    }

    public int remaining() {
        return entries.size() - next;
    }

    /** The next message; its seq is the number of messages still to come after it. */
    public PfkeyMessage next() {
        if (!hasNext()) throw new java.util.NoSuchElementException();
        T e = entries.get(next);
        entries.set(next, null); // let the entry go as soon as it has been sent
        next++;
        return build.apply(e).withSeq(entries.size() - next);
    }
}
