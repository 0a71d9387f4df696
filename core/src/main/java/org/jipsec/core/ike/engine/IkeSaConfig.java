package org.jipsec.core.ike.engine;

import java.time.Duration;
import java.util.List;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.config.IkeIdentity;
import org.jipsec.core.ike.config.TrafficSelectorSpec;
import org.jipsec.core.ike.proposal.ProposalSpec;

/**
 * What one IKE SA engine needs from the configuration, resolved by the daemon (connection found by address, PSK
 * by the IDs): proposals, identities, the PSK, and the CHILD_SA to create in IKE_AUTH. Retransmission follows
 * strongSwan's defaults (strongswan.conf(5) "IKEv2 RETRANSMISSION": timeout 4 s, base 1.8, 5 tries).
 */
public record IkeSaConfig(List<ProposalSpec> ikeProposals, IkeIdentity localId, IkeIdentity remoteId, byte[] psk,
                          String childName, List<ProposalSpec> espProposals, List<TrafficSelectorSpec> localTs,
                          List<TrafficSelectorSpec> remoteTs, Duration retransmitTimeout, double retransmitBase,
                          int retransmitTries, Duration dpdDelay, IkeConfig.DpdAction dpdAction, boolean keyLog) {

    /** Without a key log (the default: {@code jipsec iked --keylog} is for debugging only). */
    public IkeSaConfig(List<ProposalSpec> ikeProposals, IkeIdentity localId, IkeIdentity remoteId, byte[] psk,
                       String childName, List<ProposalSpec> espProposals, List<TrafficSelectorSpec> localTs,
                       List<TrafficSelectorSpec> remoteTs, Duration retransmitTimeout, double retransmitBase,
                       int retransmitTries, Duration dpdDelay, IkeConfig.DpdAction dpdAction) {
        this(ikeProposals, localId, remoteId, psk, childName, espProposals, localTs, remoteTs, retransmitTimeout,
                retransmitBase, retransmitTries, dpdDelay, dpdAction, false);
    }

    /**
     * This configuration with {@code keyLog}: when true the engine also emits {@link IkeAction.IkeKeysForLog} with
     * the IKE SA's keys, for Wireshark's decryption table ({@code jipsec iked --keylog DIR}).
     */
    public IkeSaConfig withKeyLog(boolean on) {
        return new IkeSaConfig(ikeProposals, localId, remoteId, psk, childName, espProposals, localTs, remoteTs,
                retransmitTimeout, retransmitBase, retransmitTries, dpdDelay, dpdAction, on);
    }

    /** Without DPD ({@code dpd_delay} 0, {@code dpd_action} clear). */
    public IkeSaConfig(List<ProposalSpec> ikeProposals, IkeIdentity localId, IkeIdentity remoteId, byte[] psk,
                       String childName, List<ProposalSpec> espProposals, List<TrafficSelectorSpec> localTs,
                       List<TrafficSelectorSpec> remoteTs, Duration retransmitTimeout, double retransmitBase,
                       int retransmitTries) {
        this(ikeProposals, localId, remoteId, psk, childName, espProposals, localTs, remoteTs, retransmitTimeout,
                retransmitBase, retransmitTries, Duration.ZERO, IkeConfig.DpdAction.CLEAR);
    }

    public IkeSaConfig {
        if (dpdDelay == null || dpdDelay.isNegative()) dpdDelay = Duration.ZERO;
        if (dpdAction == null) dpdAction = IkeConfig.DpdAction.CLEAR;
        ikeProposals = List.copyOf(ikeProposals);
        espProposals = List.copyOf(espProposals);
        localTs = List.copyOf(localTs);
        remoteTs = List.copyOf(remoteTs);
    }

    /** The first child of a connection, strongSwan's retransmission defaults, the connection's dpd_delay. */
    public static IkeSaConfig of(IkeConfig.Connection c, IkeIdentity localId, byte[] psk) {
        IkeConfig.Child child = c.children().getFirst();
        return new IkeSaConfig(c.proposals(), localId, c.remote().getFirst().id(), psk, child.name(),
                child.espProposals(), child.localTs(), child.remoteTs(), Duration.ofSeconds(4), 1.8, 5, c.dpdDelay(),
                child.dpdAction());
    }

    @Override
    public String toString() {
        return "IkeSaConfig[" + localId + " <-> " + remoteId + ", child " + childName + "]";
    }
}
