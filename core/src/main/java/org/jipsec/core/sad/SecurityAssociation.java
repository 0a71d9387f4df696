package org.jipsec.core.sad;

import java.util.Arrays;
import java.util.Optional;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.SaType;

/**
 * One security association (RFC 4301 §4.4.2; NetBSD {@code struct secasvar}): the keys and parameters the ESP/AH/
 * IPComp transforms use, its state, lifetimes and usage counters.
 *
 * <p>Configuration (SPI, algorithms, keys, flags, NAT-T) never changes after creation: PF_KEY UPDATE replaces the
 * whole object (spec §1.10). A usable SA owns its data-path state ({@link #transform()}: for ESP and AH the one
 * sequence counter, replay window and keyed transforms), made when it becomes MATURE and destroyed, keys zeroed,
 * when it leaves the SAD — the PF_KEY view and the transform view of the SA are this one object.
 *
 * <p>Threads: state, lifetimes and usage counters are guarded by the key engine's lock (the data path records usage
 * with {@link #recordUse} under that lock). {@link #transform()} is a volatile read and may be called on any thread;
 * the state it returns has its own concurrency rules (atomic sequence counter, replay window under its monitor).
 * Keys are never part of {@link #toString()}; {@link #keysZeroed()} after the SA dies.
 *
 * <p>Memory: about 300–400 bytes per SA including its index entry; the endpoints are shared with the SA head.
 */
public final class SecurityAssociation {

    private final SaHead head;
    private final int spi;
    private final int authAlgorithm;
    private final int encryptAlgorithm;
    private final byte[] authKey;
    private final int authKeyBits;
    private final byte[] encryptKey;
    private final int encryptKeyBits;
    private final int flags;
    private final int replayWindowBytes;
    private final int natTType;
    private final int natTFragLength;
    private final Endpoint natTOriginalInitiator;
    private final Endpoint natTOriginalResponder;
    private final SaLifetime hard;
    private final SaLifetime soft;
    private final long createdSeconds;
    private final int seq;
    private final int pid;

    // copies of the head's values the inbound lookup compares, to save dependent loads on the hot path
    final int saTypeNumber;
    final java.net.InetAddress destinationAddress;
    final int destinationPort;

    SaState state;
    private long lastUsedSeconds;
    private long bytes;
    private long allocations;
    private int sequence;
    /** Set by the SAD while the SA is usable; null before, after, or without a data path. */
    private volatile TransformState transform;

    // intrusive links: the head's per-state list, and the SPI index chain
    SecurityAssociation prev;
    SecurityAssociation next;
    SecurityAssociation nextSameSpi;
    // the database's list of SAs the timer must look at (LARVAL, or with lifetimes)
    SecurityAssociation timedPrev;
    SecurityAssociation timedNext;
    boolean timed;

    SecurityAssociation(SaHead head, SaValues p, SaState state, long createdSeconds) {
        this.head = head;
        this.saTypeNumber = head.index().saType().number();
        this.destinationAddress = head.index().destination().address();
        this.destinationPort = head.index().destination().port();
        this.spi = p.spi();
        this.authAlgorithm = p.authAlgorithm();
        this.encryptAlgorithm = p.encryptAlgorithm();
        this.authKey = p.authKey() == null ? null : p.authKey().clone();
        this.authKeyBits = p.authKeyBits();
        this.encryptKey = p.encryptKey() == null ? null : p.encryptKey().clone();
        this.encryptKeyBits = p.encryptKeyBits();
        this.flags = p.flags();
        this.replayWindowBytes = p.replayWindowBytes();
        this.natTType = p.natTType();
        this.natTFragLength = p.natTFragLength();
        this.natTOriginalInitiator = p.natTOriginalInitiator();
        this.natTOriginalResponder = p.natTOriginalResponder();
        this.hard = p.hard();
        this.soft = p.soft();
        this.seq = p.seq();
        this.pid = p.pid();
        this.state = state;
        this.createdSeconds = createdSeconds;
    }

    // ---------------------------------------------------------------- identity
    /** The SPI as a 32-bit value (network-order interpretation: {@code Integer.toUnsignedLong(spi())}). */
    public int spi() {
        return spi;
    }

    public SaType saType() {
        return head.index().saType();
    }

    /** ESP, AH or IPComp; empty for TCP-MD5 (satype TCPSIGNATURE), which has no IPsec protocol. */
    public Optional<IpsecProtocol> protocol() {
        return switch (head.index().saType()) {
            case ESP -> Optional.of(IpsecProtocol.ESP);
            case AH -> Optional.of(IpsecProtocol.AH);
            case IPCOMP -> Optional.of(IpsecProtocol.IPCOMP);
            default -> Optional.empty();
        };
    }

    public SaIndex index() {
        return head.index();
    }

    /** Outer source address; port = NAT-T source port or 0. */
    public Endpoint source() {
        return head.index().source();
    }

    /** Outer destination address; port = NAT-T destination port or 0. */
    public Endpoint destination() {
        return head.index().destination();
    }

    public IpsecMode mode() {
        return head.index().mode();
    }

    public int reqid() {
        return head.index().reqid();
    }

    // ---------------------------------------------------------------- algorithms and keys
    /** {@code sadb_sa_auth} (AlgorithmKind.AUTHENTICATION number); 0 = none. */
    public int authAlgorithm() {
        return authAlgorithm;
    }

    /** {@code sadb_sa_encrypt} (ENCRYPTION number, or the compression algorithm for IPComp); 0 = none. */
    public int encryptAlgorithm() {
        return encryptAlgorithm;
    }

    /** A copy of the authentication key; empty if none. */
    public Optional<byte[]> authKey() {
        return authKey == null ? Optional.empty() : Optional.of(authKey.clone());
    }

    public int authKeyBits() {
        return authKeyBits;
    }

    /** A copy of the encryption key (salt included for CTR/GCM); empty if none. */
    public Optional<byte[]> encryptKey() {
        return encryptKey == null ? Optional.empty() : Optional.of(encryptKey.clone());
    }

    public int encryptKeyBits() {
        return encryptKeyBits;
    }

    /** {@code sadb_sa_flags} (SADB_X_EXT_*: OLD, IV4B, DERIV, CYCSEQ, RAWCPI, padding). */
    public int flags() {
        return flags;
    }

    /** Replay window size in bytes of bitmap ({@code sadb_sa_replay}; ×8 = packets). 0 = no replay check. */
    public int replayWindowBytes() {
        return replayWindowBytes;
    }

    // ---------------------------------------------------------------- NAT-T
    /** UDP_ENCAP_ESPINUDP (2), _NON_IKE (1), or 0 = no NAT traversal. */
    public int natTType() {
        return natTType;
    }

    public int natTSourcePort() {
        return natTType == 0 ? 0 : source().port();
    }

    public int natTDestinationPort() {
        return natTType == 0 ? 0 : destination().port();
    }

    /** NAT_T_FRAG: fragment ESP-in-UDP packets larger than this; 65535 = not set. */
    public int natTFragLength() {
        return natTFragLength;
    }

    public Optional<Endpoint> natTOriginalInitiator() {
        return Optional.ofNullable(natTOriginalInitiator);
    }

    public Optional<Endpoint> natTOriginalResponder() {
        return Optional.ofNullable(natTOriginalResponder);
    }

    // ---------------------------------------------------------------- lifetimes, state, counters
    public SaLifetime hardLifetime() {
        return hard == null ? SaLifetime.NONE : hard;
    }

    public SaLifetime softLifetime() {
        return soft == null ? SaLifetime.NONE : soft;
    }

    /** Whether the SA was given LIFETIME_HARD/SOFT (both or neither, spec §4.9). */
    public boolean hasLifetimes() {
        return hard != null;
    }

    public SaState state() {
        return state;
    }

    public long createdSeconds() {
        return createdSeconds;
    }

    /** Seconds (engine clock) of the last use; 0 = never used. */
    public long lastUsedSeconds() {
        return lastUsedSeconds;
    }

    public long bytes() {
        return bytes;
    }

    public long allocations() {
        return allocations;
    }

    /** The {@code sadb_msg_seq} of the GETSPI/ADD that created it (ACQUIRE pairing). */
    public int seq() {
        return seq;
    }

    /** The pid of the creating process (UPDATE must come from the same pid). */
    public int pid() {
        return pid;
    }

    /**
     * The replay counter/outbound sequence number (reported as X_SA2 sequence): the transform state's
     * ({@link TransformState#reportedSequence}), or the value set with {@link #setSequence} on an SA without one.
     */
    public int sequence() {
        TransformState t = transform;
        return t == null ? sequence : t.reportedSequence();
    }

    /** Sets the reported sequence of an SA without a transform state (a key engine with no data path). */
    public void setSequence(int value) {
        this.sequence = value;
    }

    /**
     * The SA's data-path state while it is usable (an {@code xform} state, or a {@link TransformState.Refused});
     * null for a larval or dead SA, or when the key engine has no {@link TransformStateFactory}.
     */
    public TransformState transform() {
        return transform;
    }

    /** Makes the transform state if the SA is usable and has none (the SAD, as the SA becomes MATURE). */
    void attachTransform(TransformStateFactory factory) {
        if (transform == null && state.usable()) transform = factory.create(this);
    }

    /** Records that a packet of {@code packetBytes} used this SA at {@code nowSeconds} (spec §4.9). */
    public void recordUse(long packetBytes, long nowSeconds) {
        bytes += packetBytes;
        allocations++;
        lastUsedSeconds = nowSeconds;
    }

    /** True once the SA died and its keys were overwritten with zeros. */
    public boolean keysZeroed() {
        return state == SaState.DEAD;
    }

    void kill() {
        state = SaState.DEAD;
        TransformState t = transform;
        transform = null;
        if (t != null) t.destroy();
        if (authKey != null) Arrays.fill(authKey, (byte) 0);
        if (encryptKey != null) Arrays.fill(encryptKey, (byte) 0);
    }

    SaHead head() {
        return head;
    }

    /** Raw key reference for the PF_KEY dump path only (no copy); null if none. */
    byte[] authKeyRef() {
        return authKey;
    }

    byte[] encryptKeyRef() {
        return encryptKey;
    }

    @Override
    public String toString() {
        return "SA[" + saType().dumpName() + " spi=0x" + Integer.toHexString(spi) + " " + source() + "->"
                + destination()
                + " mode=" + mode().keyword() + " reqid=" + reqid() + " state=" + state.dumpName() + " auth="
                + authAlgorithm + " enc=" + encryptAlgorithm + " keys=(hidden)]";
    }
}
