package org.jipsec.core.ike.engine;

import java.util.List;
import org.jipsec.core.ike.codec.TrafficSelector;
import org.jipsec.core.ike.crypto.ChildSaKeys;
import org.jipsec.core.ike.proposal.Negotiated;

/** What an {@link IkeSaEngine} asks its daemon to do; the engine itself does no I/O. */
public sealed interface IkeAction {

    record Send(IkeEndpoint from, IkeEndpoint to, byte[] bytes) implements IkeAction {}

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
    record InstallChild(String child, Negotiated esp, int spiIn, int spiOut, byte[] encrIn, byte[] integIn,
                        byte[] encrOut, byte[] integOut, List<TrafficSelector> localTs, List<TrafficSelector> remoteTs)
            implements IkeAction {
        static InstallChild of(String child, Negotiated esp, int spiIn, int spiOut, ChildSaKeys k, boolean initiator,
                               List<TrafficSelector> localTs, List<TrafficSelector> remoteTs) {
            // §2.17: keys for initiator->responder come first
            return initiator
                    ? new InstallChild(child, esp, spiIn, spiOut, k.encrR(), k.integR(), k.encrI(), k.integI(), localTs,
                    remoteTs)
                    : new InstallChild(child, esp, spiIn, spiOut, k.encrI(), k.integI(), k.encrR(), k.integR(), localTs,
                    remoteTs);
        }

        @Override
        public String toString() {
            return "InstallChild[" + child + " " + esp + " in " + Integer.toHexString(spiIn) + " out "
                    + Integer.toHexString(spiOut) + " " + localTs + " === " + remoteTs + "]";
        }
    }

    /** The CHILD_SA in IKE_AUTH was refused; the IKE SA stays up (RFC 7296 §1.2). */
    record ChildFailed(String child, String reason) implements IkeAction {}

    /** The IKE SA failed or was given up; {@code reason} says exactly what did not match, for the log. */
    record Failed(String reason) implements IkeAction {}
}
