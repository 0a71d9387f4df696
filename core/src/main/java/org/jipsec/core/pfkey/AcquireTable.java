package org.jipsec.core.pfkey;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.jipsec.core.sad.SaIndex;

/**
 * The ACQUIRE rate limiter ({@code secacq} list of key.c; spec §4.7): one entry per exact saidx; a new entry sends
 * an ACQUIRE, later triggers only count until {@code net.key.blockacq_count} is exceeded, then one more is sent and
 * the count resets; entries die {@code blockacq_lifetime} seconds after creation or their last reset.
 */
final class AcquireTable {

    static final class Entry {
        final SaIndex saidx;
        final int seq;
        long created;
        int count;

        Entry(SaIndex saidx, int seq, long created) {
            this.saidx = saidx;
            this.seq = seq;
            this.created = created;
        }
    }

    private final Map<SaIndex, Entry> bySaidx = new HashMap<>();
    private final Map<Integer, Entry> bySeq = new HashMap<>();
    private int lastSeq;

    /** Returns the entry to send an ACQUIRE for, or null when the trigger is suppressed. */
    Entry trigger(SaIndex saidx, long now, KeySettings s) {
        Entry e = bySaidx.get(saidx);
        if (e == null) {
            lastSeq = lastSeq == -1 ? 1 : lastSeq + 1; // acq_seq: wraps ~0 → 1
            e = new Entry(saidx, lastSeq, now);
            Entry old = bySeq.put(e.seq, e);
            if (old != null) bySaidx.remove(old.saidx);
            bySaidx.put(saidx, e);
            return e;
        }
        if (++e.count > s.blockacqCount) {
            e.count = 0;
            return e;
        }
        return null;
    }

    /** GETSPI with that seq, or an ACQUIRE error report: restart the entry's timer and count. */
    void reset(int seq, long now) {
        Entry e = bySeq.get(seq);
        if (e != null) {
            e.created = now;
            e.count = 0;
        }
    }

    void expire(long now, KeySettings s) {
        for (Iterator<Entry> it = bySaidx.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (now - e.created > s.blockacqLifetime) {
                it.remove();
                bySeq.remove(e.seq);
            }
        }
    }

    int size() {
        return bySaidx.size();
    }

    boolean consistent() {
        if (bySaidx.size() != bySeq.size()) return false;
        for (Entry e : bySaidx.values()) if (bySeq.get(e.seq) != e) return false;
        return true;
    }
}
