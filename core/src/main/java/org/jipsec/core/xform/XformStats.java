package org.jipsec.core.xform;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jipsec.core.ipsec.IpsecProtocol;

/**
 * Per-protocol counters, as {@code netstat -s -p esp|ah|ipcomp} shows them: one counter per {@link DropReason}
 * plus input/output packets and bytes.
 *
 * <p>Like NetBSD's per-CPU statistics (percpu(9)), each thread counts into its own array with plain writes (no
 * atomic instruction on the packet path); a reader sums the arrays, seeing every thread's counts up to a recent
 * moment.
 */
public final class XformStats {

    private static final int REASONS = DropReason.values().length;
    private static final int IN_PACKETS = REASONS;
    private static final int OUT_PACKETS = REASONS + 1;
    private static final int IN_BYTES = REASONS + 2;
    private static final int OUT_BYTES = REASONS + 3;
    private static final int SLOTS = REASONS + 4;
    private static final int PROTOCOLS = IpsecProtocol.values().length;

    private final List<long[]> perThread = new CopyOnWriteArrayList<>();
    private final ThreadLocal<long[]> mine = ThreadLocal.withInitial(() -> {
        long[] a = new long[PROTOCOLS * SLOTS];
        perThread.add(a);
        return a;
    });

    private void add(IpsecProtocol p, int slot, long n) {
        long[] a = mine.get();
        a[p.ordinal() * SLOTS + slot] += n;
    }

    private long sum(IpsecProtocol p, int slot) {
        long s = 0;
        for (long[] a : perThread) s += a[p.ordinal() * SLOTS + slot];
        return s;
    }

    public void drop(IpsecProtocol p, DropReason r) { add(p, r.ordinal(), 1); }

    public void input(IpsecProtocol p, long bytes) {
        long[] a = mine.get();
        int base = p.ordinal() * SLOTS;
        a[base + IN_PACKETS]++;
        a[base + IN_BYTES] += bytes;
    }

    public void output(IpsecProtocol p, long bytes) {
        long[] a = mine.get();
        int base = p.ordinal() * SLOTS;
        a[base + OUT_PACKETS]++;
        a[base + OUT_BYTES] += bytes;
    }

    public long drops(IpsecProtocol p, DropReason r) { return sum(p, r.ordinal()); }

    public long inputPackets(IpsecProtocol p) { return sum(p, IN_PACKETS); }

    public long outputPackets(IpsecProtocol p) { return sum(p, OUT_PACKETS); }

    public long inputBytes(IpsecProtocol p) { return sum(p, IN_BYTES); }

    public long outputBytes(IpsecProtocol p) { return sum(p, OUT_BYTES); }

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
