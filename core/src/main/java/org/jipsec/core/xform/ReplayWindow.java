package org.jipsec.core.xform;

/**
 * The receiver's anti-replay window (RFC 4303 §3.4.3) kept as the RFC 6479 ring of 64-bit blocks, with the
 * extended sequence number inference of RFC 4303 Appendix A.
 *
 * <p>Use, in strongSwan's inbound order: {@link #check} before the ICV is verified (it only reads), then
 * {@link #commit} after the ICV verified (it marks the number as seen). A packet whose ICV fails never moves
 * the window.
 *
 * <pre>
 *   bitmap: blocks[0..n-1], n = 2^k ≥ ceil(W/64) + 1 (RFC 6479 §2: one spare block, so that sliding the
 *   window clears whole blocks and never shifts bits)
 *   bit of sequence number s: blocks[(s &gt;&gt;&gt; 6) &amp; (n-1)] bit (s &amp; 63)
 *   accepted iff s &gt; top, or top - s &lt; W and the bit is clear
 * </pre>
 *
 * <p>Window 0 turns the check off (NetBSD: "wsize == 0: ok"); the highest number seen is still tracked so
 * that ESN inference works. Without ESN, sequence number 0 is never valid (RFC 4303 §3.3.3: the first
 * packet carries 1).
 *
 * <p>Threads: the window is a monitor — every method is {@code synchronized} on it, so any number of inbound
 * workers may share one SA's window and each method sees the window as the last commit left it (a linearizable
 * RFC 4303 §3.4.3 window). The check and the commit of one packet are two steps with the ICV verification in
 * between: another thread's commit may come between them, so {@link #commit} checks again and refuses a number
 * committed meanwhile — two copies of a packet are never both accepted. Callers that must decide more than one
 * step atomically (the saved-mark test before a commit, ESN resynchronisation) hold the monitor around them
 * ({@code synchronized (window)}; reentrant).
 */
public final class ReplayWindow {

    /**
     * Result of {@link #check}: the packet is a duplicate, left of the window, or carries 0 (never a valid
     * sequence number, so it cannot collide with one; 2^64-1 is valid with ESN).
     */
    public static final long REPLAYED = 0;

    private final int size;
    private final boolean esn;
    private final long[] blocks;
    private final int blockMask;
    /** Highest sequence number committed (unsigned) (64-bit with ESN, else 0..2^32-1); 0 = none yet. */
    private long top;

    /**
     * @param sizePackets window size W in packets, 0 (off) to 65536
     * @param esn         whether the SA uses 64-bit extended sequence numbers
     */
    public ReplayWindow(int sizePackets, boolean esn) {
        if (sizePackets < 0 || sizePackets > 65536) throw new IllegalArgumentException("replay window " + sizePackets);
        this.size = sizePackets;
        this.esn = esn;
        int need = (sizePackets + 63) / 64 + 1;
        int n = Integer.highestOneBit(need);
        if (n < need) n <<= 1;
        this.blocks = new long[n];
        this.blockMask = n - 1;
    }

    public int size() {
        return size;
    }

    public boolean esn() {
        return esn;
    }

    /** Highest sequence number committed (unsigned) so far (the right edge of the window); 0 before the first packet. */
    public synchronized long top() {
        return top;
    }

    /**
     * Starts the window above {@code floor} (unsigned): every number up to it counts as seen, so none of them is
     * accepted again — the receiver's saved mark after a restart (issue #12). Call before the first packet.
     */
    public synchronized void startAbove(long floor) {
        if (floor == 0) return;
        top = floor;
        java.util.Arrays.fill(blocks, -1L); // the other blocks hold older numbers
        blocks[(int) ((floor >>> 6) & blockMask)] = -1L >>> (63 - (floor & 63)); // bits above the floor: unseen
    }

    /**
     * Infers the full sequence number from the 32 bits on the wire and checks it against the window, without
     * changing anything.
     *
     * @return the (64-bit with ESN) sequence number to authenticate and later {@link #commit}, or
     *         {@link #REPLAYED}
     */
    public synchronized long check(int wireSeq) {
        return checkSequence(esn ? inferEsn(wireSeq & 0xffffffffL) : wireSeq & 0xffffffffL);
    }

    /** Checks a full (already inferred) sequence number against the window, without changing anything. */
    public synchronized long checkSequence(long seq) {
        if (seq == 0) return REPLAYED; // RFC 4303 §3.3.3: counter starts at 1; NetBSD "if seq == 0: reject"
        if (size == 0 || Long.compareUnsigned(seq, top) > 0) return seq;
        if (Long.compareUnsigned(top - seq, size) >= 0) return REPLAYED; // left of the window
        return isSet(seq) ? REPLAYED : seq;
    }

    /**
     * Marks {@code seq} (as returned by {@link #check}) as received; call only after the ICV verified.
     *
     * @return false if the number was already marked meanwhile (a duplicate that raced) or fell out of the window
     */
    public synchronized boolean commit(long seq) {
        if (seq == 0) return false;
        if (Long.compareUnsigned(seq, top) > 0) {
            long cur = top >>> 6;
            long idx = seq >>> 6;
            long diff = Long.compareUnsigned(idx - cur, blocks.length) < 0 ? idx - cur : blocks.length;
            for (long i = 1; i <= diff; i++) blocks[(int) ((cur + i) & blockMask)] = 0; // RFC 6479 §2.3
            top = seq;
            set(seq);
            return true;
        }
        if (size != 0 && Long.compareUnsigned(top - seq, size) >= 0) return false;
        if (size != 0 && isSet(seq)) return false;
        set(seq);
        return true;
    }

    /**
     * RFC 4303 Appendix A2.2: the high 32 bits (Seqh) of a received ESN. {@code Tl}/{@code Th} are the low and
     * high halves of the window's top; {@code W} is the window size (at least 1 for inference).
     */
    private long inferEsn(long seql) {
        long tl = top & 0xffffffffL;
        long th = top >>> 32;
        long w = Math.max(size, 1);
        long seqh;
        if (tl >= w - 1) {
            // Case A: the window lies within one sequence number subspace.
            if (seql >= tl - w + 1) seqh = th;
            else if (th == 0xffffffffL) return 0; // would need 2^64: cannot be valid
            else seqh = th + 1;
        } else {
            // Case B: the window spans two subspaces.
            if (seql >= ((tl - w + 1) & 0xffffffffL)) {
                if (th == 0) return 0; // before the beginning: cannot be valid
                seqh = th - 1;
            } else {
                seqh = th;
            }
        }
        return (seqh << 32) | seql;
    }

    private boolean isSet(long seq) {
        return (blocks[(int) ((seq >>> 6) & blockMask)] & (1L << (seq & 63))) != 0;
    }

    private void set(long seq) {
        blocks[(int) ((seq >>> 6) & blockMask)] |= 1L << (seq & 63);
    }
}
