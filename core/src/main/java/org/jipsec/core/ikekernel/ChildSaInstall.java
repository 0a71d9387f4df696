package org.jipsec.core.ikekernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.ike.crypto.IkeTransforms;
import org.jipsec.core.ike.proposal.Negotiated;
import org.jipsec.core.ike.proposal.SaProtocol;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;

/**
 * One CHILD_SA direction to install: SADB_UPDATE of the larval SA GETSPI made (the inbound SA, racoon's
 * {@code pk_sendupdate}) or SADB_ADD (the outbound SA with the peer's SPI, {@code pk_sendadd}). The message has
 * the extensions in the order ipsec-tools' libipsec {@code pfkey_send_x1} writes them (src/libipsec/pfkey.c; the SA
 * extension's state LARVAL, both lifetimes always present) — SA, SA2, SRC, DST,
 * KEY_ENCRYPT, KEY_AUTH, LIFETIME_HARD, LIFETIME_SOFT, NAT_T_TYPE, NAT_T_SPORT, NAT_T_DPORT, NAT_T_OAI, NAT_T_OAR —
 * so that it is byte for byte what racoon sends for the same SA.
 *
 * <p>Keys: this object holds its own copies until {@link #wipe()}; the message carries them only in its KEY
 * extensions (wipe those with {@link KernelMessages#wipeKeys}). Neither {@link #toString()} nor any exception text
 * contains key bytes.
 */
public final class ChildSaInstall {

    private final SaId sa;
    private final IpsecMode mode;
    private final int reqid;
    private final Optional<Algorithm> encryption;
    private final byte[] encryptionKey;
    private final Optional<Algorithm> integrity;
    private final byte[] integrityKey;
    private final int replayWindowPackets;
    private final Lifetimes lifetimes;
    private final Optional<NatT> natT;

    private ChildSaInstall(
            SaId sa,
            IpsecMode mode,
            int reqid,
            Optional<Algorithm> encryption,
            byte[] encryptionKey,
            Optional<Algorithm> integrity,
            byte[] integrityKey,
            int replayWindowPackets,
            Lifetimes lifetimes,
            Optional<NatT> natT) {
        this.sa = Objects.requireNonNull(sa);
        this.mode = Objects.requireNonNull(mode);
        this.reqid = reqid;
        this.encryption = encryption;
        this.encryptionKey = encryptionKey;
        this.integrity = integrity;
        this.integrityKey = integrityKey;
        this.replayWindowPackets = replayWindowPackets;
        this.lifetimes = Objects.requireNonNull(lifetimes);
        this.natT = Objects.requireNonNull(natT);
    }

    /**
     * An ESP SA from the transforms IKE negotiated (RFC 7296 §3.3.2): {@code esp} as proposal selection returned it.
     * Its transforms carry their rows of the one algorithm table ({@link org.jipsec.core.crypto.AlgorithmTable}, via
     * {@link IkeTransforms}), which give the PF_KEY numbers and allowed key lengths. The keys are KEYMAT slices
     * (RFC 7296 §2.17), salt included for GCM/ChaCha20 (RFC 4106 §8.1, RFC 7634 §2); they are copied.
     *
     * @param replayWindowPackets the anti-replay window in packets (0 = off), rounded up to whole bitmap bytes
     * @throws IllegalArgumentException for ESN (PF_KEY v2 has no ESN flag jipsecd reads), a key length the
     *                                  algorithm does not take (the text never contains the key), a bad SPI
     */
    public static ChildSaInstall esp(
            Endpoint source,
            Endpoint destination,
            int spi,
            IpsecMode mode,
            int reqid,
            Negotiated esp,
            byte[] encryptionKey,
            byte[] integrityKey,
            int replayWindowPackets,
            Lifetimes lifetimes,
            Optional<NatT> natT) {
        if (esp.protocol() != SaProtocol.ESP)
            throw new IllegalArgumentException("not an ESP proposal: " + esp.protocol());
        if (esp.esn())
            throw new IllegalArgumentException("extended sequence numbers cannot be installed over PF_KEY v2");
        return esp(
                source,
                destination,
                spi,
                mode,
                reqid,
                esp.encryption(),
                encryptionKey,
                esp.integrity(),
                integrityKey,
                replayWindowPackets,
                lifetimes,
                natT);
    }

    /** The same from single transforms; {@code integrity} null for an AEAD (RFC 5282 §8). */
    public static ChildSaInstall esp(
            Endpoint source,
            Endpoint destination,
            int spi,
            IpsecMode mode,
            int reqid,
            IkeTransforms.Encryption encryption,
            byte[] encryptionKey,
            IkeTransforms.Integrity integrity,
            byte[] integrityKey,
            int replayWindowPackets,
            Lifetimes lifetimes,
            Optional<NatT> natT) {
        Algorithm enc = encryption.row();
        checkKey(enc, encryptionKey);
        Optional<Algorithm> integ = Optional.empty();
        byte[] ikey = new byte[0];
        if (integrity != null) {
            Algorithm a = integrity.row();
            if (enc.combinedMode()) throw new IllegalArgumentException(enc.name() + " is AEAD: no integrity transform");
            checkKey(a, integrityKey);
            integ = Optional.of(a);
            ikey = integrityKey.clone();
        } else if (!enc.combinedMode()) {
            throw new IllegalArgumentException(enc.name() + " needs an integrity transform (RFC 7296 §3.3.3)");
        }
        checkCommon(spi, reqid, replayWindowPackets);
        return new ChildSaInstall(
                new SaId(SaType.ESP, spi, source, destination),
                mode,
                reqid,
                Optional.of(enc),
                encryptionKey.clone(),
                integ,
                ikey,
                replayWindowPackets,
                lifetimes,
                natT);
    }

    /** An AH SA (RFC 4302) with integrity transform {@code integrity}. */
    public static ChildSaInstall ah(
            Endpoint source,
            Endpoint destination,
            int spi,
            IpsecMode mode,
            int reqid,
            IkeTransforms.Integrity integrity,
            byte[] integrityKey,
            int replayWindowPackets,
            Lifetimes lifetimes) {
        Algorithm a = integrity.row();
        checkKey(a, integrityKey);
        checkCommon(spi, reqid, replayWindowPackets);
        return new ChildSaInstall(
                new SaId(SaType.AH, spi, source, destination),
                mode,
                reqid,
                Optional.empty(),
                new byte[0],
                Optional.of(a),
                integrityKey.clone(),
                replayWindowPackets,
                lifetimes,
                Optional.empty());
    }

    private static void checkKey(Algorithm a, byte[] key) {
        Objects.requireNonNull(key, "key");
        if (!a.keyBits().allows(key.length * 8)) {
            throw new IllegalArgumentException("a " + (key.length * 8) + "-bit key does not fit " + a.name() + " ("
                    + a.keyBits().describe() + ")");
        }
    }

    private static void checkCommon(int spi, int reqid, int replay) {
        if (Integer.compareUnsigned(spi, 256) < 0)
            throw new IllegalArgumentException("SPI 0..255 is reserved (RFC 4303 §2.1)");
        if (reqid < 0) throw new IllegalArgumentException("reqid must not be negative");
        if (replay < 0 || replay > 255 * 8) throw new IllegalArgumentException("replay window 0..2040 packets");
    }

    public SaId sa() {
        return sa;
    }

    public IpsecMode mode() {
        return mode;
    }

    public int reqid() {
        return reqid;
    }

    public Optional<Algorithm> encryption() {
        return encryption;
    }

    public Optional<Algorithm> integrity() {
        return integrity;
    }

    public Lifetimes lifetimes() {
        return lifetimes;
    }

    public Optional<NatT> natT() {
        return natT;
    }

    /** SADB_UPDATE of the larval SA; {@code seq} and {@code pid} as in its GETSPI (NetBSD key_update: same pid). */
    public PfkeyMessage toUpdate(int seq, int pid) {
        return message(Sadb.SADB_UPDATE, seq, pid);
    }

    /** SADB_ADD (the outbound SA). */
    public PfkeyMessage toAdd(int seq, int pid) {
        return message(Sadb.SADB_ADD, seq, pid);
    }

    private PfkeyMessage message(int type, int seq, int pid) {
        List<Extension> x = new ArrayList<>();
        x.add(new Extension.Sa(
                sa.spi(),
                (replayWindowPackets + 7) / 8,
                Sadb.SADB_SASTATE_LARVAL,
                integrity.map(Algorithm::number).orElse(Sadb.SADB_AALG_NONE),
                encryption.map(Algorithm::number).orElse(Sadb.SADB_EALG_NONE),
                0));
        x.add(new Extension.Sa2(mode.number(), 0, reqid));
        x.add(Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, sa.source().withPort(0)));
        x.add(Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, sa.destination().withPort(0)));
        if (encryptionKey.length > 0)
            x.add(new Extension.Key(Sadb.SADB_EXT_KEY_ENCRYPT, encryptionKey.length * 8, encryptionKey));
        if (integrityKey.length > 0)
            x.add(new Extension.Key(Sadb.SADB_EXT_KEY_AUTH, integrityKey.length * 8, integrityKey));
        // libipsec writes both lifetimes always (0 = unlimited), the soft one after the hard one
        x.add(lifetimes.hard());
        x.add(lifetimes.soft());
        natT.ifPresent(n -> {
            x.add(new Extension.NatTType(n.type()));
            x.add(new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_SPORT, n.sourcePort()));
            x.add(new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_DPORT, n.destinationPort()));
            n.originalInitiator()
                    .ifPresent(a -> x.add(Extension.Address.of(Sadb.SADB_X_EXT_NAT_T_OAI, new Endpoint(a))));
            n.originalResponder()
                    .ifPresent(a -> x.add(Extension.Address.of(Sadb.SADB_X_EXT_NAT_T_OAR, new Endpoint(a))));
        });
        return PfkeyMessage.of(type, sa.saType().number(), seq, pid, x);
    }

    /** Overwrites this object's key copies with zeros. */
    public void wipe() {
        Arrays.fill(encryptionKey, (byte) 0);
        Arrays.fill(integrityKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "ChildSaInstall[" + sa + ", " + mode.keyword() + ", reqid " + reqid
                + encryption
                        .map(a -> ", " + a.name() + " " + encryptionKey.length * 8 + " bits")
                        .orElse("")
                + integrity.map(a -> ", " + a.name()).orElse("") + ", replay " + replayWindowPackets
                + (lifetimes.any() ? ", " + lifetimes : "")
                + natT.map(n -> ", udp-encap " + n.sourcePort() + "->" + n.destinationPort())
                        .orElse("") + "]";
    }
}
