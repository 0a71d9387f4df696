package org.jipsec.core.seqstate;

import java.util.concurrent.atomic.AtomicLong;
import org.jipsec.core.xform.SequenceGuard;

/**
 * One SA's saved sequence state as the packet path sees it: the sender may use numbers up to {@link #outLimit()},
 * the receiver may accept numbers up to {@link #inLimit()} — both already on disk. When fewer than half a block
 * remain (or a number above the limit is asked for) the state asks its {@link SequenceStateTable} for the next
 * block, by setting a flag and waking the writer: nothing here blocks or does I/O. A number above the limit is
 * refused (the packet is dropped and counted, {@link org.jipsec.core.xform.DropReason#SEQ_UNSAVED}): with a full or
 * unwritable disk the SA stops at the end of its block instead of reusing numbers after the next restart.
 *
 * <p>All numbers are unsigned 64-bit (the sender's counter, RFC 4303 §2.2.1 with ESN, or past 2^32 with CYCSEQ).
 */
public final class SaSequenceState implements SequenceGuard {

    private final SaIdentity id;
    private final Runnable wake;
    /** Manually keyed (written to disk) or negotiated (not): guarded by the table's monitor. */
    boolean manual;
    /** Marks read from disk (or 0): where a state never used in this process starts. */
    final long loadedOut, loadedIn;

    private volatile long outLimit, inLimit;
    private final AtomicLong wantOut = new AtomicLong(), wantIn = new AtomicLong();
    volatile boolean outPending, inPending;
    volatile boolean outRanOut, inRanOut;
    int outBlock, inBlock;
    long outReservedAt, inReservedAt;
    private volatile boolean frozen;
    private volatile Live live;
    private boolean retired;
    private long retiredOut, retiredIn;
    private final AtomicLong heldOut = new AtomicLong(), heldIn = new AtomicLong();

    SaSequenceState(
            SaIdentity id, long loadedOut, long loadedIn, boolean manual, int outBlock, int inBlock, Runnable wake) {
        this.id = id;
        this.wake = wake;
        this.manual = manual;
        this.loadedOut = loadedOut;
        this.loadedIn = loadedIn;
        this.outLimit = loadedOut;
        this.inLimit = loadedIn;
        this.outBlock = outBlock;
        this.inBlock = inBlock;
    }

    public SaIdentity id() {
        return id;
    }

    /** Highest number the sender may use (on disk). */
    public long outLimit() {
        return outLimit;
    }

    /** Highest number the receiver may accept (on disk). */
    public long inLimit() {
        return inLimit;
    }

    /** Packets not sent / not accepted for want of saved numbers. */
    public long heldOut() {
        return heldOut.get();
    }

    public long heldIn() {
        return heldIn.get();
    }

    // ------------------------------------------------------------------------------------------ packet path

    @Override
    public boolean mayUseOut(long next) {
        long lim = outLimit;
        if (Long.compareUnsigned(next, lim) > 0) {
            heldOut.incrementAndGet();
            outRanOut = true;
            requestOut(next);
            return false;
        }
        if (!outPending && Long.compareUnsigned(lim - next, outBlock >>> 1) < 0) requestOut(next);
        return true;
    }

    @Override
    public boolean stillMayUseOut(long next) {
        return Long.compareUnsigned(next, outLimit) <= 0;
    }

    @Override
    public boolean mayAccept(long seq) {
        long lim = inLimit;
        if (Long.compareUnsigned(seq, lim) > 0) {
            heldIn.incrementAndGet();
            inRanOut = true;
            requestIn(seq);
            return false;
        }
        if (!inPending && Long.compareUnsigned(lim - seq, inBlock >>> 1) < 0) requestIn(seq);
        return true;
    }

    /**
     * Records the number wanted, then wakes the writer only when the flag goes up: the writer clears the flag before
     * it reads the wants, so a want recorded while the flag was still up is in its plan, and one recorded after the
     * clear raises the flag again. A flood of refused packets wakes the writer once, not once per packet.
     */
    void requestOut(long n) {
        if (frozen) return;
        maxUnsigned(wantOut, n);
        if (!outPending) {
            outPending = true;
            wake.run();
        }
    }

    void requestIn(long n) {
        if (frozen) return;
        maxUnsigned(wantIn, n);
        if (!inPending) {
            inPending = true;
            wake.run();
        }
    }

    private static void maxUnsigned(AtomicLong a, long v) {
        for (long cur = a.get(); Long.compareUnsigned(v, cur) > 0; cur = a.get()) {
            if (a.compareAndSet(cur, v)) return;
        }
    }

    long wantOut() {
        return wantOut.get();
    }

    long wantIn() {
        return wantIn.get();
    }

    // ------------------------------------------------------------------------------------------ SA life

    @Override
    public synchronized long outStart() {
        Live l = live;
        if (l != null) return unsignedMax(l.lastUsed(), loadedOut);
        return retired ? retiredOut : loadedOut;
    }

    @Override
    public synchronized long inFloor() {
        Live l = live;
        if (l != null) {
            synchronized (l.windowLock()) {
                return unsignedMax(l.acceptedTop(), loadedIn);
            }
        }
        return retired ? retiredIn : loadedIn;
    }

    @Override
    public synchronized void bind(Live l) {
        live = l;
    }

    @Override
    public synchronized void release(Live l) {
        if (live != l || l == null) return;
        retiredOut = l.lastUsed();
        synchronized (l.windowLock()) {
            retiredIn = l.acceptedTop();
        }
        retired = true;
        live = null;
    }

    /** Whether an SA is using this state now. */
    synchronized boolean inUse() {
        return live != null;
    }

    /** Whether this process has used the state and its SA has since died. */
    synchronized boolean released() {
        return retired && live == null;
    }

    // ------------------------------------------------------------------------------------------ table side

    /** Raises the limits to what a completed write carried (never lowers them; not after a freeze). */
    void raise(long out, long in) {
        if (frozen) return;
        if (Long.compareUnsigned(out, outLimit) > 0) outLimit = out;
        if (Long.compareUnsigned(in, inLimit) > 0) inLimit = in;
    }

    /**
     * A clean stop: the limits come down to the numbers actually used, so nothing above them is used from now on,
     * and those exact numbers are what the last write keeps. Returns {out, in}.
     */
    synchronized long[] freeze() {
        frozen = true;
        Live l = live;
        if (l != null) {
            long c1 = l.lastUsed();
            outLimit = unsignedMax(c1, loadedOut);
            // a sender that read the old limit made its counter step before this write: the second read sees it
            long out = unsignedMax(unsignedMax(c1, l.lastUsed()), loadedOut);
            long in;
            synchronized (l.windowLock()) {
                in = unsignedMax(l.acceptedTop(), loadedIn);
                inLimit = in;
            }
            return new long[] {out, in};
        }
        long out = retired ? unsignedMax(retiredOut, loadedOut) : loadedOut;
        long in = retired ? unsignedMax(retiredIn, loadedIn) : loadedIn;
        outLimit = out;
        inLimit = in;
        return new long[] {out, in};
    }

    boolean frozen() {
        return frozen;
    }

    static long unsignedMax(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }

    @Override
    public String toString() {
        return id.describe() + " out<=" + Long.toUnsignedString(outLimit) + " in<=" + Long.toUnsignedString(inLimit);
    }
}
