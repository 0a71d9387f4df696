package org.jipsec.core.xform;

/**
 * What the transforms ask before they use a sequence number: may the sender use {@code next}, may the receiver
 * accept {@code seq}. A guard backed by a state directory answers yes only for numbers already written to disk
 * ahead of use (issue #12), so that a restart never sends the same (key, sequence number) — the GCM, CCM, CTR and
 * ChaCha20-Poly1305 nonce (RFC 4106 §3.1, §8.1) — twice, and never accepts a packet it accepted before.
 *
 * <p>Both questions are asked on the packet path: an implementation answers from memory and never blocks (it may
 * wake a writer thread). {@link #mayAccept} is asked under the replay window's monitor, after the ICV verified.
 */
public interface SequenceGuard {

    /** Where the sender's counter starts: every number up to this one may have been used (0: none). */
    long outStart();

    /** The receiver's floor: every number up to this one may have been accepted (0: none). */
    long inFloor();

    /** May the sender use {@code next} (unsigned)? False: the packet is not sent ({@link DropReason#SEQ_UNSAVED}). */
    boolean mayUseOut(long next);

    /** Is {@code next}, already taken from the counter, still within what may be used (a stop may have lowered it)? */
    boolean stillMayUseOut(long next);

    /** May the receiver accept the authenticated {@code seq} (unsigned)? False: dropped ({@link DropReason#SEQ_UNSAVED}). */
    boolean mayAccept(long seq);

    /** The live SA state this guard watches (so that a clean stop can save exact numbers). */
    void bind(Live live);

    /** {@code live} died (its SA left the SAD): its numbers are final; a later SA with the same keys continues them. */
    void release(Live live);

    /** The numbers of a live SA, read by a guard at a clean stop. */
    interface Live {
        /** The last sequence number the sender took from its counter (64-bit), 0 before the first. */
        long lastUsed();

        /** The highest sequence number accepted, read under {@link #windowLock()}. */
        long acceptedTop();

        /** The replay window's monitor ({@link SequenceGuard#mayAccept} runs under it). */
        Object windowLock();
    }

    /** No saved state: every number may be used and accepted (engines without a state directory, tests, pcap). */
    SequenceGuard NONE = new SequenceGuard() {
        @Override
        public long outStart() {
            return 0;
        }

        @Override
        public long inFloor() {
            return 0;
        }

        @Override
        public boolean mayUseOut(long next) {
            return true;
        }

        @Override
        public boolean stillMayUseOut(long next) {
            return true;
        }

        @Override
        public boolean mayAccept(long seq) {
            return true;
        }

        @Override
        public void bind(Live live) {}

        @Override
        public void release(Live live) {}
    };
}
