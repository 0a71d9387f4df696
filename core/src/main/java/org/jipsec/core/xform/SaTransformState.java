package org.jipsec.core.xform;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.random.RandomGenerator;
import org.jipsec.core.crypto.InvalidKeyLengthException;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.sad.TransformState;

/**
 * The mutable state of one SA, whatever the number of modes it is used in: the sender's sequence counter, the
 * receiver's {@link ReplayWindow}, the usage counters, the key copies and the per-thread keyed transforms. An SA of
 * mode "any" used by a tunnel and a transport policy has one {@link SaContext} per mode, and every one of them is a
 * view on this one object ({@link #context}) — so the two modes can never send the same sequence number (the
 * counter-mode nonce, RFC 4106 §3.1) twice under the key, nor keep two replay windows (RFC 4303 §3.3.3, §3.4.3:
 * one counter and one window per SA).
 *
 * <p>Owner: the SAD's {@link org.jipsec.core.sad.SecurityAssociation} ({@link TransformState}); the engine's factory
 * makes it ({@link #create}) when the SA becomes MATURE, the SAD destroys it when the SA leaves.
 *
 * <p>Threads (any number of workers may run the transforms of one SA at once, without the engine lock): the
 * sequence counter is an {@link AtomicLong} advanced by compare-and-set, so every sender gets a number of its own;
 * the replay window is guarded by its own monitor (every {@link ReplayWindow} method is synchronized); the keyed
 * transforms and scratch buffers are thread-confined ({@link ThreadLocal}); usage counters are per thread and summed
 * when read. The per-mode contexts are published through an {@link AtomicReferenceArray}. {@link #destroy()} zeroes
 * every key copy; a packet already running finishes, the next finds the SA gone.
 */
public final class SaTransformState implements SequenceGuard.Live, TransformState {

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
    private final AtomicReferenceArray<SaContext> byMode = new AtomicReferenceArray<>(IpsecMode.values().length);

    /**
     * @param params the SA (its mode is that of the first context; the others are made by {@link #context})
     * @param guard  the saved sequence state: where the counter and the window start, what may be used
     * @throws InvalidKeyLengthException if a key does not fit its algorithm
     * @throws IllegalArgumentException  if the algorithms do not make a valid SA for the protocol (spec §4.10)
     */
    SaTransformState(SaParameters params, RandomGenerator random, SequenceGuard guard)
            throws InvalidKeyLengthException {
        this.params = params;
        this.random = random;
        this.guard = guard;
        this.encKey = params.encryptionKey();
        this.authKey = params.authKey();
        if (params.encryption() != null && params.protocol() != IpsecProtocol.IPCOMP)
            params.encryption().checkKeyBits(encKey.length * 8);
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
     * The state of one SA, in its own mode ({@code params.mode()}, "any" included).
     *
     * @param random the source of CBC IVs, random padding and IPv4 ids of tunnel headers — nothing else
     * @param guard  the saved sequence state ({@link SequenceGuard#NONE} for none)
     * @throws InvalidKeyLengthException if a key does not fit its algorithm
     * @throws IllegalArgumentException  if the algorithms do not make a valid SA for the protocol (spec §4.10)
     */
    public static SaTransformState create(SaParameters params, RandomGenerator random, SequenceGuard guard)
            throws InvalidKeyLengthException {
        SaContext.validate(params);
        return new SaTransformState(params, random, guard);
    }

    /**
     * This SA's context in {@code mode} (spec §4.4 step 4: an SA of mode "any" runs in the mode its request asks
     * for): made on first use, then the same object; every mode's context shares this state.
     */
    public SaContext context(IpsecMode mode) {
        SaContext c = byMode.get(mode.ordinal());
        if (c != null) return c;
        SaContext fresh = new SaContext(params.mode() == mode ? params : params.withMode(mode), this);
        return byMode.compareAndSet(mode.ordinal(), null, fresh) ? fresh : byMode.get(mode.ordinal());
    }

    /** The contexts made so far (diagnostics, tests). */
    public List<SaContext> contexts() {
        List<SaContext> out = new java.util.ArrayList<>(2);
        for (int i = 0; i < byMode.length(); i++) if (byMode.get(i) != null) out.add(byMode.get(i));
        return out;
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

    SaParameters parameters() {
        return params;
    }

    ReplayWindow replayWindow() {
        return replay;
    }

    SequenceGuard guard() {
        return guard;
    }

    long counter() {
        return sendSeq.get();
    }

    void setCounter(long c) {
        sendSeq.set(c);
    }

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
        boolean wrap = params.esn()
                ? cur == -1L
                : (cur & 0xffffffffL) == 0xffffffffL && ((params.flags() & SaFlags.CYCSEQ) == 0 || cur == -1L);
        return wrap ? DropReason.SEQ_WRAP : DropReason.SEQ_UNSAVED;
    }

    @Override
    public long lastUsed() {
        return sendSeq.get();
    }

    @Override
    public long acceptedTop() {
        return replay.top();
    }

    @Override
    public Object windowLock() {
        return replay;
    }

    /** Replay-window refusals summed over the threads' keyed states (metrics, at scrape time). */
    long replayDrops() {
        long n = 0;
        for (SaContext.Keyed k : allKeyed) n += k.replayDrops;
        return n;
    }

    int esnFailures() {
        return esnFailures.get();
    }

    void esnFailure() {
        esnFailures.incrementAndGet();
    }

    void esnSuccess() {
        if (esnFailures.get() != 0) esnFailures.set(0);
    }

    int nextIpId() {
        return (int) (ipId.incrementAndGet() & 0xffff);
    }

    RandomGenerator random() {
        return random;
    }

    byte[] srcAddress() {
        return srcAddr;
    }

    byte[] dstAddress() {
        return dstAddr;
    }

    SaContext.Keyed keyed() {
        if (destroyed) throw new IllegalStateException("SA destroyed");
        return keyed.get();
    }

    boolean destroyed() {
        return destroyed;
    }

    /**
     * NetBSD {@code replay->count} as {@code setkey -D} shows it: the last sequence number sent (once a packet went
     * out; its low 32 bits with ESN), plus the packets accepted inbound when the SA has a replay window (NetBSD
     * {@code ipsec_updatereplay}; it stops at 2^32 - 1).
     */
    @Override
    public int reportedSequence() {
        long out = outbound.packets() > 0 ? lastSequenceOnWire() & 0xffffffffL : 0;
        long in = params.replayWindow() > 0 && params.protocol() != IpsecProtocol.IPCOMP ? inbound.packets() : 0;
        return (int) Math.min(0xffffffffL, out + in);
    }

    private long lastSequenceOnWire() {
        long c = sendSeq.get();
        return params.esn() ? c : c & 0xffffffffL;
    }

    /** Zeroes every key copy, destroys the keyed transforms of every thread, lets the guard go. */
    @Override
    public void destroy() {
        if (destroyed) return;
        destroyed = true;
        Arrays.fill(encKey, (byte) 0);
        Arrays.fill(authKey, (byte) 0);
        for (SaContext.Keyed k : allKeyed) k.destroy();
        params.zeroKeys();
        for (SaContext c : contexts()) c.parameters().zeroKeys();
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
