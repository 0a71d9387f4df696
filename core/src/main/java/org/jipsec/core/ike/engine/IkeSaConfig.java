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
 *
 * @param children every child of the connection, the IKE_AUTH one ({@code childName}) first: what additional
 *                 CHILD_SAs are created from and selected against (RFC 7296 §1.3.1)
 * @param encap    swanctl {@code encap}: fake our NAT_DETECTION_SOURCE_IP so that both sides float to port 4500
 *                 and UDP-encapsulate ESP even without a NAT (strongSwan's tasks/ike_natd.c, RFC 7296 §2.23)
 * @param keyLog   emit {@link IkeAction.IkeKeysForLog} for Wireshark ({@code jipsec iked --keylog DIR}; debug only)
 */
public record IkeSaConfig(
        List<ProposalSpec> ikeProposals,
        IkeIdentity localId,
        IkeIdentity remoteId,
        byte[] psk,
        String childName,
        List<ProposalSpec> espProposals,
        List<TrafficSelectorSpec> localTs,
        List<TrafficSelectorSpec> remoteTs,
        Duration retransmitTimeout,
        double retransmitBase,
        int retransmitTries,
        Duration dpdDelay,
        IkeConfig.DpdAction dpdAction,
        List<ChildConfig> children,
        boolean encap,
        boolean keyLog,
        Auth auth) {

    /**
     * How each side authenticates ({@code local.auth}, {@code remote.auth}: independent, RFC 7296 §2.15) and the
     * credentials for public-key authentication, parsed by the daemon.
     *
     * @param cert          ours for {@code local.auth = pubkey}, else null
     * @param trust         for {@code remote.auth = pubkey}, else null
     * @param rsaPss        {@code local.auth = rsa/pss}: RSASSA-PSS in RFC 7427 signatures
     * @param expiryWarning a peer's (and our) certificate expiring within this is warned about (issue #15 item 5)
     */
    public record Auth(
            IkeConfig.AuthMethod local,
            IkeConfig.AuthMethod remote,
            org.jipsec.core.ike.auth.LocalCertificate cert,
            org.jipsec.core.ike.auth.PeerTrust trust,
            boolean rsaPss,
            Duration expiryWarning) {
        public static final Duration DEFAULT_EXPIRY_WARNING = Duration.ofDays(30);
        /** Both sides with the pre-shared key. */
        public static final Auth PSK =
                new Auth(IkeConfig.AuthMethod.PSK, IkeConfig.AuthMethod.PSK, null, null, false, DEFAULT_EXPIRY_WARNING);

        public Auth {
            if (local == IkeConfig.AuthMethod.PUBKEY && cert == null) {
                throw new IllegalArgumentException("local.auth = pubkey needs a certificate and its private key");
            }
            if (remote == IkeConfig.AuthMethod.PUBKEY && trust == null) {
                throw new IllegalArgumentException("remote.auth = pubkey needs trusted CA certificates");
            }
            if (expiryWarning == null) expiryWarning = DEFAULT_EXPIRY_WARNING;
        }

        public boolean anyPubkey() {
            return local == IkeConfig.AuthMethod.PUBKEY || remote == IkeConfig.AuthMethod.PUBKEY;
        }
    }

    /** A child of the connection ({@code children.<name>}): its ESP proposals and selectors. */
    public record ChildConfig(
            String name,
            List<ProposalSpec> espProposals,
            List<TrafficSelectorSpec> localTs,
            List<TrafficSelectorSpec> remoteTs) {
        public ChildConfig {
            espProposals = List.copyOf(espProposals);
            localTs = List.copyOf(localTs);
            remoteTs = List.copyOf(remoteTs);
        }

        static ChildConfig of(IkeConfig.Child c) {
            return new ChildConfig(c.name(), c.espProposals(), c.localTs(), c.remoteTs());
        }
    }

    /** One child (the IKE_AUTH one), no forced encapsulation, no key log (that is for debugging only). */
    public IkeSaConfig(
            List<ProposalSpec> ikeProposals,
            IkeIdentity localId,
            IkeIdentity remoteId,
            byte[] psk,
            String childName,
            List<ProposalSpec> espProposals,
            List<TrafficSelectorSpec> localTs,
            List<TrafficSelectorSpec> remoteTs,
            Duration retransmitTimeout,
            double retransmitBase,
            int retransmitTries,
            Duration dpdDelay,
            IkeConfig.DpdAction dpdAction) {
        this(
                ikeProposals,
                localId,
                remoteId,
                psk,
                childName,
                espProposals,
                localTs,
                remoteTs,
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                dpdDelay,
                dpdAction,
                List.of(),
                false,
                false,
                Auth.PSK);
    }

    /**
     * This configuration with {@code keyLog}: when true the engine also emits {@link IkeAction.IkeKeysForLog} with
     * the IKE SA's keys, for Wireshark's decryption table ({@code jipsec iked --keylog DIR}).
     */
    public IkeSaConfig withKeyLog(boolean on) {
        return new IkeSaConfig(
                ikeProposals,
                localId,
                remoteId,
                psk,
                childName,
                espProposals,
                localTs,
                remoteTs,
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                dpdDelay,
                dpdAction,
                children,
                encap,
                on,
                auth);
    }

    /** This configuration authenticating as {@code a} says. */
    public IkeSaConfig withAuth(Auth a) {
        return new IkeSaConfig(
                ikeProposals,
                localId,
                remoteId,
                psk,
                childName,
                espProposals,
                localTs,
                remoteTs,
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                dpdDelay,
                dpdAction,
                children,
                encap,
                keyLog,
                a);
    }

    /** Without DPD ({@code dpd_delay} 0, {@code dpd_action} clear). */
    public IkeSaConfig(
            List<ProposalSpec> ikeProposals,
            IkeIdentity localId,
            IkeIdentity remoteId,
            byte[] psk,
            String childName,
            List<ProposalSpec> espProposals,
            List<TrafficSelectorSpec> localTs,
            List<TrafficSelectorSpec> remoteTs,
            Duration retransmitTimeout,
            double retransmitBase,
            int retransmitTries) {
        this(
                ikeProposals,
                localId,
                remoteId,
                psk,
                childName,
                espProposals,
                localTs,
                remoteTs,
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                Duration.ZERO,
                IkeConfig.DpdAction.CLEAR);
    }

    public IkeSaConfig {
        if (dpdDelay == null || dpdDelay.isNegative()) dpdDelay = Duration.ZERO;
        if (dpdAction == null) dpdAction = IkeConfig.DpdAction.CLEAR;
        if (auth == null) auth = Auth.PSK;
        ikeProposals = List.copyOf(ikeProposals);
        espProposals = List.copyOf(espProposals);
        localTs = List.copyOf(localTs);
        remoteTs = List.copyOf(remoteTs);
        children = children == null || children.isEmpty()
                ? List.of(new ChildConfig(childName, espProposals, localTs, remoteTs))
                : List.copyOf(children);
    }

    /** The child called {@code name}, or null. */
    public ChildConfig child(String name) {
        return children.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    /** The first child of a connection (all of them for additional CHILD_SAs), {@code encap}, strongSwan's retransmission defaults, the connection's dpd_delay. */
    public static IkeSaConfig of(IkeConfig.Connection c, IkeIdentity localId, byte[] psk) {
        IkeConfig.Child child = c.children().getFirst();
        return new IkeSaConfig(
                c.proposals(),
                localId,
                c.remote().getFirst().id(),
                psk,
                child.name(),
                child.espProposals(),
                child.localTs(),
                child.remoteTs(),
                Duration.ofSeconds(4),
                1.8,
                5,
                c.dpdDelay(),
                child.dpdAction(),
                c.children().stream().map(ChildConfig::of).toList(),
                c.encap(),
                false,
                Auth.PSK);
    }

    @Override
    public String toString() {
        return "IkeSaConfig[" + localId + " <-> " + remoteId + ", child " + childName + "]";
    }
}
