package org.jipsec.core.spd;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecLevel;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.sad.SaIndex;

/**
 * The pure part of outbound request processing and the ACQUIRE decision ({@code ipsec_nextisr} /
 * {@code key_checkrequest}, spec §4.4 steps 1–2, §4.7). For each request in order: build the SA index
 * (transport mode: missing endpoints are the packet's addresses — after a tunnel request, its outer header's; reqid
 * only for {@code unique}), look
 * the SA up through the caller's callback; found → use it; missing → ACQUIRE needed at any level, then
 * a USE request is skipped and a REQUIRE/UNIQUE request (effective level, §4.8) drops the packet
 * (NetBSD stops at that request: later requests are not looked at). NetBSD never queues the packet;
 * callers that want to hold it until the SA arrives can use {@link PendingPacketQueue}.
 */
public final class OutboundRequestResolver {

    private final SystemDefaults defaults;

    public OutboundRequestResolver(SystemDefaults defaults) {
        this.defaults = Objects.requireNonNull(defaults);
    }

    /**
     * Resolves an outbound policy's requests to SAs for one packet.
     *
     * @param policy       the resolved outbound policy
     * @param selectorIpv6 the policy selector's family (deflev set)
     * @param packetSource the packet's source address (fills transport-mode requests without endpoints)
     * @param packetDest   the packet's destination address
     * @param saLookup     outbound SA selection (§4.6) for an index
     */
    public <S> OutboundDecision<S> resolve(
            XPolicy policy,
            boolean selectorIpv6,
            InetAddress packetSource,
            InetAddress packetDest,
            Function<SaIndex, Optional<S>> saLookup) {
        switch (policy.type()) {
            case NONE, BYPASS -> {
                return new OutboundDecision.Clear<>();
            }
            case DISCARD, ENTRUST -> {
                return new OutboundDecision.Discard<>();
            }
            case IPSEC -> {}
        }
        List<OutboundDecision.Step<S>> steps = new ArrayList<>();
        List<SaIndex> acquire = new ArrayList<>();
        List<IpsecRequest> reqs = policy.requests();
        // the addresses of the packet as the next request sees it: NetBSD's ipsec_nextisr fills a transport
        // request's missing endpoints from the packet as the earlier requests left it (ipsec_process_done →
        // ipsec4_process_packet(m, isr->next)), so after a tunnel request they are that tunnel's outer header
        // (t_ipsec_tunnel_ipcomp.sh: ipcomp/tunnel/A-B/require esp/transport//require looks the ESP SA up as A → B).
        // A USE request skipped for want of an SA leaves the packet, and so the addresses, as they were.
        InetAddress src = packetSource, dst = packetDest;
        for (int i = 0; i < reqs.size(); i++) {
            IpsecRequest r = reqs.get(i);
            SaIndex idx = index(r, src, dst);
            Optional<S> sa = saLookup.apply(idx);
            if (sa.isPresent()) {
                steps.add(new OutboundDecision.Step<>(r, idx, sa.get()));
                if (r.mode() == IpsecMode.TUNNEL) {
                    src = idx.source().address();
                    dst = idx.destination().address();
                }
                continue;
            }
            acquire.add(idx); // key_acquire for any level
            IpsecLevel level = defaults.effectiveLevel(r, selectorIpv6);
            if (level == IpsecLevel.USE) continue; // skip this request
            return new OutboundDecision.NoSa<>(i, idx, acquire); // ENOENT: dropped, not queued
        }
        return new OutboundDecision.Protect<>(steps, acquire);
    }

    /**
     * The saidx of a request for a packet (spec §4.4 step 1), as the SAD's own {@link SaIndex} (one type for SA
     * lookup, ACQUIRE and the pending queue: the SPD's former copy of secasindex was merged into it). Ports are 0
     * (wildcards in the SAD's loose port compare, so NAT-T heads match).
     */
    public static SaIndex index(IpsecRequest r, InetAddress packetSource, InetAddress packetDest) {
        InetAddress src = r.source().map(e -> e.address()).orElse(null);
        InetAddress dst = r.destination().map(e -> e.address()).orElse(null);
        if (r.mode() == IpsecMode.TRANSPORT || src == null) {
            if (src == null || src.isAnyLocalAddress()) src = packetSource;
            if (dst == null || dst.isAnyLocalAddress()) dst = packetDest;
        }
        int reqid = r.level() == IpsecLevel.UNIQUE ? r.reqid() : 0;
        return new SaIndex(r.protocol().saType(), r.mode(), reqid, new Endpoint(src), new Endpoint(dst));
    }
}
