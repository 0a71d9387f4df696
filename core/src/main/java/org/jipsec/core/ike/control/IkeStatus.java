package org.jipsec.core.ike.control;

import java.util.List;

/**
 * A snapshot of {@code jipsec iked} for {@code jipsec ike status} (swanctl --list-conns and --list-sas in one). Times
 * are seconds relative to the snapshot (negative = unknown or never), so the values need no clock to print. Never
 * holds key material: SPIs, algorithms, addresses and identities only.
 *
 * @param connections the loaded {@code connections.<name>} names, in file order
 * @param sas         the IKE SAs, established or being negotiated
 * @param counters    the daemon's refusal and drop counters (cookies sent, half-open IKE_SA_INITs dropped, …)
 */
public record IkeStatus(List<String> connections, List<IkeSaStatus> sas, List<Counter> counters) {

    public IkeStatus {
        connections = List.copyOf(connections);
        sas = List.copyOf(sas);
        counters = List.copyOf(counters);
    }

    public IkeStatus(List<String> connections, List<IkeSaStatus> sas) {
        this(connections, sas, List.of());
    }

    /** One named counter, e.g. {@code cookies_sent}. */
    public record Counter(String name, long value) {}

    /**
     * One IKE SA.
     *
     * @param uniqueId         the daemon's number for it (swanctl's {@code #N}), stable while it lives
     * @param state            e.g. CONNECTING, ESTABLISHED, REKEYING, DELETING
     * @param spiI             the initiator's IKE SPI, 16 hex digits
     * @param algorithms       the negotiated transforms in strongSwan's style, e.g. {@code AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519}
     * @param natLocal         NAT detected in front of us (RFC 7296 §2.23)
     * @param establishedAgo   seconds since it was established
     * @param rekeyIn          seconds until its scheduled rekey
     */
    public record IkeSaStatus(
            String connection,
            long uniqueId,
            String state,
            boolean initiator,
            String local,
            String remote,
            String localId,
            String remoteId,
            String spiI,
            String spiR,
            String algorithms,
            boolean natLocal,
            boolean natRemote,
            long establishedAgo,
            long rekeyIn,
            List<ChildSaStatus> children) {
        public IkeSaStatus {
            children = List.copyOf(children);
        }
    }

    /**
     * One CHILD_SA.
     *
     * @param spiIn      our inbound ESP SPI, 8 hex digits
     * @param udpEncap   installed with UDP encapsulation (NAT-T)
     * @param bytesIn    from the PF_KEY current lifetime of the inbound SA; -1 when not known
     */
    public record ChildSaStatus(
            String name,
            long uniqueId,
            String state,
            String mode,
            boolean udpEncap,
            String spiIn,
            String spiOut,
            String algorithms,
            List<String> localTs,
            List<String> remoteTs,
            long bytesIn,
            long packetsIn,
            long bytesOut,
            long packetsOut,
            long installedAgo,
            long rekeyIn) {
        public ChildSaStatus {
            localTs = List.copyOf(localTs);
            remoteTs = List.copyOf(remoteTs);
        }
    }
}
