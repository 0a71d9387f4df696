package org.jipsec.core.xform;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.jipsec.core.crypto.InvalidKeyLengthException;
import org.jipsec.core.ipsec.IpsecProtocol;

/**
 * The mutable state of one SA, whatever the number of modes it is used in: the sender's sequence counter, the
 * receiver's {@link ReplayWindow}, the usage counters, the key copies and the per-thread keyed transforms. An SA of
 * mode "any" used by a tunnel and a transport policy has one {@link SaContext} per mode, and every one of them is a
 * view on this one object ({@link #context}) — so the two modes can never send the same sequence number (the
 * counter-mode nonce, RFC 4106 §3.1) twice under the key, nor keep two replay windows (RFC 4303 §3.3.3, §3.4.3:
 * one counter and one window per SA).
 *
 * <p>Threads: the counter is atomic, the window is guarded by its own monitor, the keyed transforms are
 * thread-confined. {@link #destroy()} zeroes every key copy.
 */
public final class SaTransformState implements SequenceGuard.Live {

    private final SaParameters params;
    private final RandomGenerator random;
    private final byte[] encKey;
    private final byte[] authKey;
    private final AtomicLong sendSeq;
    private final ReplayWindow replay;
    private final SequenceGuard guard;
    final List<SaContext.Keyed> allKeyed = new CopyOnWriteArrayList<>();
    final SaCounters inbound = new SaCounters(allKeyed, k -> k.inPackets, k -> k.inBytes);
    final SaCounters outbound = new SaCounters(allKeyed, k -> k.outPackets, k -> k.outBytes);
    private final ThreadLocal<SaContext.Keyed> keyed = ThreadLocal.withInitial(this::newKeyed);
    private final AtomicLong ipId = new AtomicLong();
    private final AtomicInteger esnFailures = new AtomicInteger();
    private final byte[] srcAddr;
    private final byte[] dstAddr;
    volatile byte[] forcedIv;
    private volatile boolean destroyed;

    /**
     * @param params the SA (its mode is that of the first context; the others are made by {@link #context})
     * @param guard  the saved sequence state: where the counter and the window start, what may be used
     * @throws InvalidKeyLengthException if a key does not fit its algorithm
     * @throws IllegalArgumentException  if the algorithms do not make a valid SA for the protocol (spec §4.10)
     */
    SaTransformState(SaParameters params, RandomGenerator random, SequenceGuard guard) throws InvalidKeyLengthException {
        this.params = params;
        this.random = random;
        this.guard = guard;
        this.encKey = params.encryptionKey();
        this.authKey = params.authKey();
        if (params.encryption() != null && params.protocol() != IpsecProtocol.IPCOMP) params.encryption().checkKeyBits(encKey.length * 8);
        if (params.auth() != null) params.auth().checkKeyBits(authKey.length * 8);
        this.sendSeq = new AtomicLong(guard.outStart());
        this.replay = new ReplayWindow(params.replayWindow(), params.esn());
        replay.startAbove(guard.inFloor());
        this.ipId.set(random.nextInt(0x10000));
        this.srcAddr = params.src().address().getAddress();
        this.dstAddr = params.dst().address().getAddress();
        guard.bind(this);
    }

    /**
     * The context of this SA in {@code mode}'s parameters: a view sharing this state. {@code modeParams} must be
     * this SA's parameters with another mode (or the same).
     */
    public SaContext context(SaParameters modeParams) {
        if (!modeParams.withMode(params.mode()).equals(params))
            throw new IllegalArgumentException("not the same SA: " + modeParams);
        return new SaContext(modeParams, this);
    }

    SaParameters parameters() { return params; }

    ReplayWindow replayWindow() { return replay; }

    SequenceGuard guard() { return guard; }

    long counter() { return sendSeq.get(); }

    void setCounter(long c) { sendSeq.set(c); }

    /** See {@link SaContext#allocateSequence()}: 0 when the number may not be used (wrap, or not yet saved). */
    long allocateSequence() {
        while (true) {
            long cur = sendSeq.get();
            long next;
            if (params.esn()) {
                if (cur == -1L) return 0; // 2^64 - 1 was the last
                next = cur + 1;
            } else if ((cur & 0xffffffffL) == 0xffffffffL) {
                if ((params.flags() & SaFlags.CYCSEQ) == 0 || cur == -1L) return 0;
                next = cur + 2; // skip the wire value 0
            } else {
                next = cur + 1;
            }
            if (!guard.mayUseOut(next)) return 0;
            if (sendSeq.compareAndSet(cur, next)) {
                // a clean stop may have lowered the limit between the two reads: the number is then burnt, not sent
                return guard.stillMayUseOut(next) ? next : 0;
            }
        }
    }

    /** Why {@link #allocateSequence} refused: the counter would cycle, or the number is not saved yet. */
    DropReason exhaustedReason() {
        long cur = sendSeq.get();
        boolean wrap = params.esn() ? cur == -1L
                : (cur & 0xffffffffL) == 0xffffffffL && ((params.flags() & SaFlags.CYCSEQ) == 0 || cur == -1L);
        return wrap ? DropReason.SEQ_WRAP : DropReason.SEQ_UNSAVED;
    }

    @Override
    public long lastUsed() { return sendSeq.get(); }

    @Override
    public long acceptedTop() { return replay.top(); }

    @Override
    public Object windowLock() { return replay; }

    /** Replay-window refusals summed over the threads' keyed states (metrics, at scrape time). */
    long replayDrops() {
        long n = 0;
        for (SaContext.Keyed k : allKeyed) n += k.replayDrops;
        return n;
    }

    int esnFailures() { return esnFailures.get(); }

    void esnFailure() { esnFailures.incrementAndGet(); }

    void esnSuccess() { if (esnFailures.get() != 0) esnFailures.set(0); }

    int nextIpId() { return (int) (ipId.incrementAndGet() & 0xffff); }

    RandomGenerator random() { return random; }

    byte[] srcAddress() { return srcAddr; }

    byte[] dstAddress() { return dstAddr; }

    SaContext.Keyed keyed() {
        if (destroyed) throw new IllegalStateException("SA destroyed");
        return keyed.get();
    }

    boolean destroyed() { return destroyed; }

    /** Zeroes every key copy, destroys the keyed transforms of every thread, lets the guard go. */
    void destroy() {
        if (destroyed) return;
        destroyed = true;
        Arrays.fill(encKey, (byte) 0);
        Arrays.fill(authKey, (byte) 0);
        for (SaContext.Keyed k : allKeyed) k.destroy();
        guard.release(this);
    }

    private SaContext.Keyed newKeyed() {
        try {
            SaContext.Keyed k = new SaContext.Keyed();
            var enc = params.encryption();
            if (params.protocol() == IpsecProtocol.ESP) {
                if (enc.combinedMode()) k.aead = enc.newAead(encKey.clone());
                else k.cipher = enc.newCipher(encKey.clone());
            }
            if (params.auth() != null) k.integrity = params.auth().newIntegrity(authKey.clone());
            allKeyed.add(k);
            return k;
        } catch (InvalidKeyLengthException e) {
            throw new IllegalStateException(e.getMessage(), e); // checked in the constructor
        }
    }
}
