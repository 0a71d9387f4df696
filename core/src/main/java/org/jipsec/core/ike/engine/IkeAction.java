package org.jipsec.core.ike.engine;

import java.util.List;
import org.jipsec.core.ike.codec.TrafficSelector;
import org.jipsec.core.ike.crypto.ChildSaKeys;
import org.jipsec.core.ike.proposal.Negotiated;

/** What an {@link IkeSaEngine} asks its daemon to do; the engine itself does no I/O. */
public sealed interface IkeAction {

    /**
     * Send a datagram from {@code from} to {@code to}. When either port is 4500 (after floating, RFC 7296 §2.23),
     * the daemon's transport prefixes the four-byte non-ESP marker (RFC 3948 §2.2).
     */
    record Send(IkeEndpoint from, IkeEndpoint to, byte[] bytes) implements IkeAction {}

    /**
     * The endpoints this IKE SA uses from now on, and what NAT traversal needs (RFC 7296 §2.23, RFC 3948): sent
     * before {@link Established}, and again when an authenticated message shows that the peer's NAT mapping
     * changed. {@code udpEncapsulation}: children are installed as ESP-in-UDP between these endpoints' addresses
     * and ports (NAT detected on either side, or faked with {@code encap=yes}); {@code keepalives}: we are behind
     * a NAT and the daemon sends NAT keepalives (RFC 3948 §4, strongSwan every 20 s) from {@code local} to
     * {@code remote}.
     */
    record Endpoints(IkeEndpoint local, IkeEndpoint remote, boolean udpEncapsulation, boolean keepalives)
            implements IkeAction {}

    /** Deliver {@link IkeEvent.Timer} at {@code at} (replaces any earlier timer of this SA). */
    record ArmTimer(long at) implements IkeAction {}

    record CancelTimer() implements IkeAction {}

    /**
     * The IKE SA is up: the algorithms, and whether NAT was detected (§2.23), after which the daemon moves to port
     * 4500 and installs UDP-encapsulated SAs.
     */
    record Established(Negotiated ike, boolean localBehindNat, boolean remoteBehindNat) implements IkeAction {}

    /**
     * A CHILD_SA to install through PF_KEY (inbound with {@code spiIn}, outbound with {@code spiOut}). The keys are
     * for the SADB_ADD/UPDATE messages only, never for a log.
     */
    record InstallChild(
            String child,
            Negotiated esp,
            int spiIn,
            int spiOut,
            byte[] encrIn,
            byte[] integIn,
            byte[] encrOut,
            byte[] integOut,
            List<TrafficSelector> localTs,
            List<TrafficSelector> remoteTs)
            implements IkeAction {
        static InstallChild of(
                String child,
                Negotiated esp,
                int spiIn,
                int spiOut,
                ChildSaKeys k,
                boolean initiator,
                List<TrafficSelector> localTs,
                List<TrafficSelector> remoteTs) {
            // §2.17: keys for initiator->responder come first
            return initiator
                    ? new InstallChild(
                            child, esp, spiIn, spiOut, k.encrR(), k.integR(), k.encrI(), k.integI(), localTs, remoteTs)
                    : new InstallChild(
                            child, esp, spiIn, spiOut, k.encrI(), k.integI(), k.encrR(), k.integR(), localTs, remoteTs);
        }

        @Override
        public String toString() {
            return "InstallChild[" + child + " " + esp + " in " + Integer.toHexString(spiIn) + " out "
                    + Integer.toHexString(spiOut) + " " + localTs + " === " + remoteTs + "]";
        }
    }

    /** The CHILD_SA in IKE_AUTH was refused; the IKE SA stays up (RFC 7296 §1.2). */
    record ChildFailed(String child, String reason) implements IkeAction {}

    /**
     * A CHILD_SA is gone (deleted by either side, or with its IKE SA): PF_KEY SADB_DELETE of both SPIs. Exactly one
     * per {@link InstallChild}.
     */
    record RemoveChild(String child, int spiIn, int spiOut) implements IkeAction {
        @Override
        public String toString() {
            return "RemoveChild[" + child + " in " + Integer.toHexString(spiIn) + " out " + Integer.toHexString(spiOut)
                    + "]";
        }
    }

    /**
     * The IKE SA was rekeyed (RFC 7296 §2.18): from now on it has these SPIs (the daemon routes both pairs to this
     * engine until the old SA's Delete is done); the children are unchanged.
     */
    record IkeRekeyed(Negotiated ike, long spiI, long spiR) implements IkeAction {
        @Override
        public String toString() {
            return "IkeRekeyed[" + ike + " " + Long.toHexString(spiI) + "_i " + Long.toHexString(spiR) + "_r]";
        }
    }

    /**
     * After a simultaneous IKE SA rekey (RFC 7296 §2.8.1) this SA pair is the redundant one: it only carries its
     * Delete. The daemon routes it to this engine as well, until the engine is closed ({@link IkeSaEngine#owns}).
     */
    record RedundantSa(long spiI, long spiR) implements IkeAction {
        @Override
        public String toString() {
            return "RedundantSa[" + Long.toHexString(spiI) + "_i " + Long.toHexString(spiR) + "_r]";
        }
    }

    /**
     * The keys of a new IKE SA (right after they are derived from IKE_SA_INIT, and after an IKE SA rekey, §2.18),
     * for Wireshark's {@code ikev2_decryption_table} — emitted only when {@link IkeSaConfig#keyLog()} is set
     * ({@code jipsec iked --keylog DIR}, debugging only). {@code skEi}/{@code skEr} include the salt of an AEAD,
     * {@code skAi}/{@code skAr} are then empty (RFC 7296 §2.14, RFC 5282 §7.1). {@link #toString()} shows no key.
     */
    record IkeKeysForLog(long spiI, long spiR, Negotiated ike, byte[] skEi, byte[] skEr, byte[] skAi, byte[] skAr)
            implements IkeAction {
        static IkeKeysForLog of(long spiI, long spiR, Negotiated ike, org.jipsec.core.ike.crypto.IkeSaKeys k) {
            return new IkeKeysForLog(
                    spiI,
                    spiR,
                    ike,
                    k.skEi().clone(),
                    k.skEr().clone(),
                    k.skAi().clone(),
                    k.skAr().clone());
        }

        @Override
        public String toString() {
            return "IkeKeysForLog[" + ike + " " + Long.toHexString(spiI) + "_i " + Long.toHexString(spiR) + "_r]";
        }
    }

    /** A rekey of the IKE SA was refused or failed; the SA stays as it is (the daemon retries later). */
    record RekeyFailed(String reason) implements IkeAction {}

    /** The IKE SA was deleted (by us or the peer, RFC 7296 §1.4.1); its children were removed before this. */
    record Closed(String reason) implements IkeAction {}

    /**
     * The peer did not answer a request after all retransmissions (§2.4): the IKE SA and its children are gone
     * (removed before this); the daemon applies {@code dpd_action} (clear: nothing; trap: install the trap
     * policies; restart: initiate again), as strongSwan does.
     */
    record DeadPeer(String reason, org.jipsec.core.ike.config.IkeConfig.DpdAction dpdAction) implements IkeAction {}

    /** Something the operator should know that changes nothing (a certificate near its expiry, a CERT ignored). */
    record Warning(String message) implements IkeAction {}

    /** The IKE SA failed or was given up; {@code reason} says exactly what did not match, for the log. */
    record Failed(String reason) implements IkeAction {}
}
