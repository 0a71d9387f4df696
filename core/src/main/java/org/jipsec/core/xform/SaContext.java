package org.jipsec.core.xform;

import java.util.random.RandomGenerator;
import org.jipsec.core.crypto.AeadTransform;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.CipherTransform;
import org.jipsec.core.crypto.IntegrityTransform;
import org.jipsec.core.crypto.InvalidKeyLengthException;
import org.jipsec.core.net.IpView;

/**
 * One SA as the transforms run it in one mode: the immutable {@link SaParameters} (mode included) over the SA's
 * {@link SaTransformState} — the sender's sequence counter, the receiver's {@link ReplayWindow}, usage counters and
 * keyed crypto transforms (one set per thread, created on first use: a JCE Cipher is never looked up per packet).
 * The contexts of one SA in several modes ({@link #inMode}) share that one state.
 *
 * <p>Threads: output and input may run on any number of threads; the sequence counter is atomic, the replay
 * window is guarded by its own monitor, the keyed transforms are thread-confined. {@link #destroy()} zeroes
 * every key copy (when the SA dies).
 */
public final class SaContext {

    private final SaParameters params;
    private final SaTransformState state;

    /**
     * RFC 4303 App. A3: consecutive ICV failures on an ESN SA after which the receiver also tries the next
     * sequence number subspace (the sender may have moved more than 2^32 ahead of the window).
     */
    public static final int ESN_RESYNC_THRESHOLD = 16;

    /**
     * A context with a state of its own and no saved sequence state ({@link SequenceGuard#NONE}).
     *
     * @param random the source of CBC IVs, random padding and IPv4 ids of tunnel headers — nothing else
     * @throws InvalidKeyLengthException if a key does not fit its algorithm
     * @throws IllegalArgumentException  if the algorithms do not make a valid SA for the protocol (spec §4.10)
     */
    public SaContext(SaParameters params, RandomGenerator random) throws InvalidKeyLengthException {
        this(params, random, SequenceGuard.NONE);
    }

    /** A context with a state of its own whose sequence numbers {@code guard} watches. */
    public SaContext(SaParameters params, RandomGenerator random, SequenceGuard guard)
            throws InvalidKeyLengthException {
        validate(params);
        this.params = params;
        this.state = new SaTransformState(params, random, guard);
    }

    SaContext(SaParameters params, SaTransformState state) {
        validate(params);
        this.params = params;
        this.state = state;
    }

    /** This SA's context in {@code mode}'s parameters ({@code params.withMode(...)}): the same state, another mode. */
    public SaContext inMode(SaParameters modeParams) {
        return state.context(modeParams);
    }

    /** The SA's state, shared by its contexts in every mode. */
    public SaTransformState state() {
        return state;
    }

    /** SA source address bytes (4 or 16). Do not modify. */
    byte[] srcAddress() {
        return state.srcAddress();
    }

    /** SA destination address bytes (4 or 16). Do not modify. */
    byte[] dstAddress() {
        return state.dstAddress();
    }

    static void validate(SaParameters p) {
        if ((p.flags() & SaFlags.OLD) != 0)
            throw new IllegalArgumentException("RFC 1827/1826 (old) SAs are not supported");
        switch (p.protocol()) {
            case ESP -> {
                if (p.encryption() == null)
                    throw new IllegalArgumentException("ESP SA needs an encryption algorithm (null for none)");
                if (p.encryption().kind() != AlgorithmKind.ENCRYPTION)
                    throw new IllegalArgumentException(
                            "not an ESP cipher: " + p.encryption().name());
                if (p.encryption().combinedMode() && p.auth() != null)
                    throw new IllegalArgumentException(
                            p.encryption().name() + " is combined-mode: no -A algorithm allowed");
                if (p.spi() <= 255) throw new IllegalArgumentException("SPI 0..255 is reserved (RFC 4303 §2.1)");
            }
            case AH -> {
                if (p.auth() == null) throw new IllegalArgumentException("AH SA needs an authentication algorithm");
                if (p.encryption() != null)
                    throw new IllegalArgumentException("AH SA cannot have an encryption algorithm");
                if (p.spi() <= 255) throw new IllegalArgumentException("SPI 0..255 is reserved (RFC 4302 §2.4)");
            }
            case IPCOMP -> {
                if (p.auth() != null)
                    throw new IllegalArgumentException("IPComp SA cannot have an authentication algorithm");
                if (p.encryption() == null || p.encryption().kind() != AlgorithmKind.COMPRESSION)
                    throw new IllegalArgumentException("IPComp SA needs a compression algorithm");
                if ((p.flags() & SaFlags.RAWCPI) == 0 && p.spi() >= 0x10000)
                    throw new IllegalArgumentException("IPComp CPI must be below 0x10000 without -R");
            }
        }
    }

    public SaParameters parameters() {
        return params;
    }

    public ReplayWindow replayWindow() {
        return state.replayWindow();
    }

    public SaCounters inbound() {
        return state.inbound;
    }

    public SaCounters outbound() {
        return state.outbound;
    }

    /** Packets this SA's replay window refused (duplicates, left of the window), over every thread. */
    public long replayDrops() {
        return state.replayDrops();
    }

    /** The next sequence number the sender will use. */
    public long nextSequence() {
        return state.counter() + 1;
    }

    /**
     * Sets the next sequence number to send (pcap {@code --seq N}); N ≥ 1, unsigned 64-bit with ESN (so -1 means
     * 2^64 - 1), at most 2^32 - 1 without.
     */
    public void setNextSequence(long n) {
        if (n == 0) throw new IllegalArgumentException("sequence numbers start at 1");
        if (!params.esn() && (n < 0 || n > 0xffffffffL))
            throw new IllegalArgumentException("sequence number beyond 32 bits on an SA without ESN");
        state.setCounter(n - 1);
    }

    /** Forces the explicit IV of every packet (reproducing published vectors only; never on a live SA). */
    public void forceIv(byte[] iv) {
        state.forcedIv = iv == null ? null : iv.clone();
    }

    byte[] forcedIv() {
        return state.forcedIv;
    }

    /**
     * Allocates the next sequence number from the SA's one counter: RFC 4303 §3.3.3 — without ESN the 32-bit number
     * on the wire must not cycle unless the SA has CYCSEQ (then it continues at 1: unlike NetBSD, jipsec never sends
     * 0, which every receiver refuses); with ESN the 64-bit counter (unsigned) must not cycle. A number the SA's
     * {@link SequenceGuard} has not saved yet is not used either.
     *
     * <p>The value returned is a 64-bit packet counter even without ESN, so that counter-derived IVs (GCM, CCM,
     * CTR, ChaCha20-Poly1305) stay unique under the key after a CYCSEQ wrap (RFC 4106 §3.1); the wire carries
     * its low 32 bits.
     *
     * @return the counter (never 0), or 0 when no number may be used (the packet is dropped, for
     *         {@link #sequenceRefusal()}: {@link DropReason#SEQ_WRAP} or {@link DropReason#SEQ_UNSAVED})
     */
    long allocateSequence() {
        return state.allocateSequence();
    }

    /** Why {@link #allocateSequence} returned 0. */
    DropReason sequenceRefusal() {
        return state.exhaustedReason();
    }

    /** May the authenticated inbound {@code seq} be accepted (call under the replay window's monitor)? */
    boolean mayAccept(long seq) {
        return state.guard().mayAccept(seq);
    }

    /** The last sequence number sent as it appears on the wire (64-bit with ESN), 0 before the first. */
    public long lastSequence() {
        long c = state.counter();
        return params.esn() ? c : c & 0xffffffffL;
    }

    int esnFailures() {
        return state.esnFailures();
    }

    void esnFailure() {
        state.esnFailure();
    }

    void esnSuccess() {
        state.esnSuccess();
    }

    int nextIpId() {
        return state.nextIpId();
    }

    RandomGenerator random() {
        return state.random();
    }

    Keyed keyed() {
        return state.keyed();
    }

    /** Zeroes every key copy and destroys the keyed transforms of every thread (every mode's context of the SA). */
    public void destroy() {
        state.destroy();
    }

    /** Thread-confined keyed transforms and scratch space. */
    static final class Keyed {
        CipherTransform cipher;
        AeadTransform aead;
        IntegrityTransform integrity;
        final IpView ip = new IpView();
        final IpView inner = new IpView();
        final byte[] scratch = new byte[64];
        final byte[] icv = new byte[64];
        byte[] hdr = new byte[256];
        IpCompCodec ipcomp;
        /** Usage counts of this thread (read by {@link SaCounters} on other threads; 64-bit plain writes). */
        long inPackets, inBytes, outPackets, outBytes;
        /** Packets of this thread refused by the replay window (the drop path only; read like the usage counts). */
        long replayDrops;

        /** Counts a replay-window refusal of this SA (RFC 4303 §3.4.3) and names it. */
        DropReason replayed() {
            replayDrops++;
            return DropReason.REPLAY;
        }

        void countIn(int length) {
            inPackets++;
            inBytes += length;
        }

        void countOut(int length) {
            outPackets++;
            outBytes += length;
        }

        void destroy() {
            if (cipher != null) cipher.destroy();
            if (aead != null) aead.destroy();
            if (integrity != null) integrity.destroy();
            if (ipcomp != null) ipcomp.close();
        }
    }
}
