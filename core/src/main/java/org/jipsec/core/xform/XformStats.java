package org.jipsec.core.xform;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jipsec.core.ipsec.IpsecProtocol;

/**
 * Per-protocol counters, as {@code netstat -s -p esp|ah|ipcomp} shows them: one counter per {@link DropReason}
 * plus input/output packets and bytes. Thread-safe (atomic adds), no allocation per count.
 */
public final class XformStats {

    private static final int REASONS = DropReason.values().length;
    private static final int IN_PACKETS = REASONS;
    private static final int OUT_PACKETS = REASONS + 1;
    private static final int IN_BYTES = REASONS + 2;
    private static final int OUT_BYTES = REASONS + 3;
    private static final int SLOTS = REASONS + 4;

    private final AtomicLongArray[] counters = new AtomicLongArray[IpsecProtocol.values().length];

    public XformStats() {
        for (int i = 0; i < counters.length; i++) counters[i] = new AtomicLongArray(SLOTS);
    }

    public void drop(IpsecProtocol p, DropReason r) { counters[p.ordinal()].incrementAndGet(r.ordinal()); }

    public void input(IpsecProtocol p, long bytes) {
        counters[p.ordinal()].incrementAndGet(IN_PACKETS);
        counters[p.ordinal()].addAndGet(IN_BYTES, bytes);
    }

    public void output(IpsecProtocol p, long bytes) {
        counters[p.ordinal()].incrementAndGet(OUT_PACKETS);
        counters[p.ordinal()].addAndGet(OUT_BYTES, bytes);
    }

    public long drops(IpsecProtocol p, DropReason r) { return counters[p.ordinal()].get(r.ordinal()); }

    public long inputPackets(IpsecProtocol p) { return counters[p.ordinal()].get(IN_PACKETS); }

    public long outputPackets(IpsecProtocol p) { return counters[p.ordinal()].get(OUT_PACKETS); }

    public long inputBytes(IpsecProtocol p) { return counters[p.ordinal()].get(IN_BYTES); }

    public long outputBytes(IpsecProtocol p) { return counters[p.ordinal()].get(OUT_BYTES); }

    /** netstat-like lines for one protocol, non-zero drop counters only: {@code "\t3 packets with bad authentication"}. */
    public List<String> lines(IpsecProtocol p) {
        List<String> out = new ArrayList<>();
        out.add(p.keyword() + ":");
        out.add("\t" + inputPackets(p) + " input packets (" + inputBytes(p) + " bytes)");
        out.add("\t" + outputPackets(p) + " output packets (" + outputBytes(p) + " bytes)");
        for (DropReason r : DropReason.values()) {
            long n = drops(p, r);
            if (n != 0) out.add("\t" + n + " " + r.description());
        }
        return out;
    }
}
