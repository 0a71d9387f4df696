package org.jipsec.core.engine;

/**
 * Why the engine dropped a packet (the transforms' own reasons are {@link org.jipsec.core.xform.DropReason}, carried
 * with {@link #XFORM}). Each cause is counted: the {@code ipsecstats} index it feeds is named where NetBSD has one.
 */
public enum DropCause {
    /** The packet does not parse as IPv4/IPv6 (outbound: {@code out_inval}). */
    MALFORMED,
    /** Outbound policy DISCARD, or an unusable policy type ({@code out_polvio}, spec §4.4). */
    POLICY_DISCARD,
    /** The socket's policy refused the packet (unprivileged BYPASS with no SPD match: EINVAL, spec §4.2). */
    SOCKET_POLICY_REFUSED,
    /** A REQUIRE/UNIQUE request found no SA and the packet was not queued ({@code out_nosa}, spec §4.4 step 2). */
    NO_SA,
    /** A packet held for an ACQUIRE waited longer than the pending queue's timeout ({@code out_nosa}). */
    PENDING_TIMEOUT,
    /** The SA could not be turned into a transform context (a key or algorithm the transforms refuse). */
    BAD_SA,
    /** A transform refused the packet; see the decision's {@code xform} reason (counted by the transforms). */
    XFORM,
    /** IP reassembly dropped the fragment (counted by the reassembler). */
    FRAGMENT,
    /**
     * {@code net.inet.ipsec.ipip_spoofcheck}: a tunnelled packet's inner source is one of this host's addresses
     * (NetBSD xform_ipip.c, {@code IPIP_STAT_SPOOF}).
     */
    SPOOFED,
    /** Inbound policy check failed: protection missing or wrong, or policy DISCARD ({@code in_polvio}, §4.5). */
    POLICY_VIOLATION,
    /**
     * A data plane's cleartext re-emission came back to it: the route of a packet no policy protects leads into the
     * data plane's own interface (a forwarding loop). Counted by the data plane; ipsecstats has no slot for it.
     */
    LOOP,
    /**
     * A packet to be re-emitted in clear arrived with a TTL / hop limit of 1 or 0: a router does not forward it (RFC
     * 1812 §5.3.1, RFC 8200 §3; {@link org.jipsec.core.net.HopLimit}). Dropped without an ICMP error, counted by the
     * data plane.
     */
    HOP_LIMIT
}
