package org.jipsec.core.xform;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.jipsec.core.crypto.AeadTransform;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.CipherTransform;
import org.jipsec.core.crypto.IntegrityTransform;
import org.jipsec.core.crypto.InvalidKeyLengthException;
import org.jipsec.core.ipsec.IpsecProtocol;

/**
 * The per-SA state of the transforms: the immutable {@link SaParameters}, the sender's sequence counter, the
 * receiver's {@link ReplayWindow}, usage counters, and keyed crypto transforms — one set per thread, created
 * on first use (a JCE Cipher is never looked up per packet).
 *
 * <p>Threads: output and input may run on any number of threads; the sequence counter is atomic, the replay
 * window is guarded by its own monitor, the keyed transforms are thread-confined. {@link #destroy()} zeroes
 * every key copy (when the SA dies).
 */
public final class SaContext {

    private final SaParameters params;
    private final RandomGenerator random;
    private final byte[] encKey;
    private final byte[] authKey;
    private final AtomicLong sendSeq;
    private final ReplayWindow replay;
    private final List<Keyed> allKeyed = new CopyOnWriteArrayList<>();
    private final SaCounters inbound = new SaCounters(allKeyed, k -> k.inPackets, k -> k.inBytes);
    private final SaCounters outbound = new SaCounters(allKeyed, k -> k.outPackets, k -> k.outBytes);
    private final ThreadLocal<Keyed> keyed = ThreadLocal.withInitial(this::newKeyed);
    private final AtomicLong ipId = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger esnFailures = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * RFC 4303 App. A3: consecutive ICV failures on an ESN SA after which the receiver also tries the next
     * sequence number subspace (the sender may have moved more than 2^32 ahead of the window).
     */
    public static final int ESN_RESYNC_THRESHOLD = 16;
    private final byte[] srcAddr;
    private final byte[] dstAddr;
    private volatile byte[] forcedIv;
    private volatile boolean destroyed;

    /**
     * @param random the source of CBC IVs, random padding and IPv4 ids of tunnel headers — nothing else
     * @throws InvalidKeyLengthException if a key does not fit its algorithm
     * @throws IllegalArgumentException  if the algorithms do not make a valid SA for the protocol (spec §4.10)
     */
    public SaContext(SaParameters params, RandomGenerator random) throws InvalidKeyLengthException {
        this.params = params;
        this.random = random;
        this.encKey = params.encryptionKey();
        this.authKey = params.authKey();
        validate(params);
        if (params.encryption() != null && params.protocol() != IpsecProtocol.IPCOMP) params.encryption().checkKeyBits(encKey.length * 8);
        if (params.auth() != null) params.auth().checkKeyBits(authKey.length * 8);
        this.sendSeq = new AtomicLong(0);
        this.replay = new ReplayWindow(params.replayWindow(), params.esn());
        this.ipId.set(random.nextInt(0x10000));
        this.srcAddr = params.src().address().getAddress();
        this.dstAddr = params.dst().address().getAddress();
    }

    /** SA source address bytes (4 or 16). Do not modify. */
    byte[] srcAddress() { return srcAddr; }

    /** SA destination address bytes (4 or 16). Do not modify. */
    byte[] dstAddress() { return dstAddr; }

    private static void validate(SaParameters p) {
        if ((p.flags() & SaFlags.OLD) != 0) throw new IllegalArgumentException("RFC 1827/1826 (old) SAs are not supported");
        switch (p.protocol()) {
            case ESP -> {
                if (p.encryption() == null) throw new IllegalArgumentException("ESP SA needs an encryption algorithm (null for none)");
                if (p.encryption().kind() != AlgorithmKind.ENCRYPTION) throw new IllegalArgumentException("not an ESP cipher: " + p.encryption().name());
                if (p.encryption().combinedMode() && p.auth() != null)
                    throw new IllegalArgumentException(p.encryption().name() + " is combined-mode: no -A algorithm allowed");
                if (p.spi() <= 255) throw new IllegalArgumentException("SPI 0..255 is reserved (RFC 4303 §2.1)");
            }
            case AH -> {
                if (p.auth() == null) throw new IllegalArgumentException("AH SA needs an authentication algorithm");
                if (p.encryption() != null) throw new IllegalArgumentException("AH SA cannot have an encryption algorithm");
                if (p.spi() <= 255) throw new IllegalArgumentException("SPI 0..255 is reserved (RFC 4302 §2.4)");
            }
            case IPCOMP -> {
                if (p.auth() != null) throw new IllegalArgumentException("IPComp SA cannot have an authentication algorithm");
                if (p.encryption() == null || p.encryption().kind() != AlgorithmKind.COMPRESSION)
                    throw new IllegalArgumentException("IPComp SA needs a compression algorithm");
                if ((p.flags() & SaFlags.RAWCPI) == 0 && p.spi() >= 0x10000)
                    throw new IllegalArgumentException("IPComp CPI must be below 0x10000 without -R");
            }
        }
    }

    public SaParameters parameters() { return params; }

    public ReplayWindow replayWindow() { return replay; }

    public SaCounters inbound() { return inbound; }

    public SaCounters outbound() { return outbound; }

    /** The next sequence number the sender will use. */
    public long nextSequence() { return sendSeq.get() + 1; }

    /**
     * Sets the next sequence number to send (pcap {@code --seq N}); N ≥ 1, unsigned 64-bit with ESN (so -1 means
     * 2^64 - 1), at most 2^32 - 1 without.
     */
    public void setNextSequence(long n) {
        if (n == 0) throw new IllegalArgumentException("sequence numbers start at 1");
        if (!params.esn() && (n < 0 || n > 0xffffffffL))
            throw new IllegalArgumentException("sequence number beyond 32 bits on an SA without ESN");
        sendSeq.set(n - 1);
    }

    /** Forces the explicit IV of every packet (reproducing published vectors only; never on a live SA). */
    public void forceIv(byte[] iv) {
        this.forcedIv = iv == null ? null : iv.clone();
    }

    byte[] forcedIv() { return forcedIv; }

    /**
     * Allocates the next sequence number: RFC 4303 §3.3.3 — without ESN the 32-bit number on the wire must not
     * cycle unless the SA has CYCSEQ (then it continues at 1: unlike NetBSD, jipsec never sends 0, which every
     * receiver refuses); with ESN the 64-bit counter (unsigned) must not cycle.
     *
     * <p>The value returned is a 64-bit packet counter even without ESN, so that counter-derived IVs (GCM, CCM,
     * CTR, ChaCha20-Poly1305) stay unique under the key after a CYCSEQ wrap (RFC 4106 §3.1); the wire carries
     * its low 32 bits.
     *
     * @return the counter (never 0), or 0 when the SA is exhausted (packet dropped, {@link DropReason#SEQ_WRAP})
     */
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
            if (sendSeq.compareAndSet(cur, next)) return next;
        }
    }

    /** The last sequence number sent as it appears on the wire (64-bit with ESN), 0 before the first. */
    public long lastSequence() {
        long c = sendSeq.get();
        return params.esn() ? c : c & 0xffffffffL;
    }

    int esnFailures() { return esnFailures.get(); }

    void esnFailure() { esnFailures.incrementAndGet(); }

    void esnSuccess() { if (esnFailures.get() != 0) esnFailures.set(0); }

    int nextIpId() {
        return (int) (ipId.incrementAndGet() & 0xffff);
    }

    RandomGenerator random() { return random; }

    Keyed keyed() {
        if (destroyed) throw new IllegalStateException("SA destroyed");
        return keyed.get();
    }

    /** Zeroes every key copy and destroys the keyed transforms of every thread. */
    public void destroy() {
        destroyed = true;
        Arrays.fill(encKey, (byte) 0);
        Arrays.fill(authKey, (byte) 0);
        for (Keyed k : allKeyed) k.destroy();
    }

    private Keyed newKeyed() {
        try {
            Keyed k = new Keyed();
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
