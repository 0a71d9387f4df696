package org.jipsec.core.engine;

import java.util.List;
import java.util.Optional;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.net.IpView;
import org.jipsec.core.net.MalformedPacketException;
import org.jipsec.core.net.PacketSelector;
import org.jipsec.core.spd.AppliedTransform;
import org.jipsec.core.spd.FlowKey;
import org.jipsec.core.spd.InboundPolicyCheck;
import org.jipsec.core.spd.InboundVerdict;
import org.jipsec.core.spd.SecurityPolicy;
import org.jipsec.core.spd.SocketPolicyResolver;
import org.jipsec.core.spd.Spd;
import org.jipsec.core.spd.SystemDefaults;
import org.jipsec.core.xform.XformStats;

/**
 * The inbound path's last two gates over a decapsulated packet: the inbound policy check (NetBSD
 * {@code ipsec_in_reject}, spec §4.5 step 3) over the whole decapsulation history ({@link InboundPolicyCheck}, which
 * fixes ipsec(4)'s BUGS case) — on the address path or a socket's (spec §4.2) — and the spoof rule
 * ({@code ipip_spoofcheck}).
 *
 * <p>Threads: confined to the holder of the engine lock; the two settings are volatile.
 */
final class InboundCheck {

    private final Spd spd;
    private final SystemDefaults defaults;
    private final InboundPolicyCheck check;
    private final IpsecStatistics stats;
    private final XformStats xformStats;

    /** {@code net.inet.ipsec.ipip_spoofcheck} (default 1) and the host's addresses it compares with. */
    volatile boolean spoofCheck;

    volatile LocalAddresses localAddresses = LocalAddresses.NONE;

    /** The last address-path inbound SPD answer ({@link Spd#lookupAgain}). */
    private FlowKey lastKey;

    private int lastGeneration;
    private Optional<SecurityPolicy> lastEntry;

    InboundCheck(Spd spd, SystemDefaults defaults, IpsecStatistics stats, XformStats xformStats) {
        this.spd = spd;
        this.defaults = defaults;
        this.check = new InboundPolicyCheck(defaults);
        this.stats = stats;
        this.xformStats = xformStats;
    }

    /**
     * The inbound policy check over the decapsulation history: the address path ({@code socket == null}, needport =
     * 0) or a socket's (needport = 1, spec §4.2). Null = accepted. {@code count}: a refusal is counted in in_polvio
     * (false: a question about a packet that did not arrive).
     */
    InputDecision.Drop policy(
            byte[] packet,
            int off,
            int len,
            List<AppliedTransform> history,
            SocketPolicy socket,
            boolean needPort,
            boolean count) {
        PacketSelector sel;
        try {
            sel = PacketSelector.of(packet, off, len, needPort);
        } catch (MalformedPacketException e) {
            return new InputDecision.Drop(DropCause.MALFORMED, null, "inner packet: " + e.getMessage());
        }
        FlowKey key = new FlowKey(sel.srcBytes(), sel.dstBytes(), sel.protocol(), sel.srcPort(), sel.dstPort());
        boolean v6 = sel.ipv6();
        XPolicy policy;
        Optional<SecurityPolicy> entry;
        if (socket != null) {
            SocketPolicyResolver.Resolution r = SocketPolicyResolver.resolve(
                    socket.inbound(),
                    socket.privileged(),
                    () -> spd.lookup(PolicyDirection.INBOUND, key),
                    defaults.defaultPolicy(PolicyDirection.INBOUND, v6));
            switch (r) {
                case SocketPolicyResolver.Refused x -> {
                    if (count) stats.increment(IpsecStatistics.IN_POLVIO);
                    return new InputDecision.Drop(DropCause.POLICY_VIOLATION, null, "socket policy: " + x.reason());
                }
                case SocketPolicyResolver.Effective eff -> {
                    policy = eff.policy();
                    entry = eff.spdEntry();
                }
            }
        } else {
            // the last inbound flow's answer, if the SPD has not changed since (Spd.lookupAgain checks)
            int gen = spd.generation();
            entry = spd.lookupAgain(PolicyDirection.INBOUND, key, lastKey, lastGeneration, lastEntry);
            lastKey = key;
            lastGeneration = gen;
            lastEntry = entry;
            policy = entry.map(SecurityPolicy::policy)
                    .orElseGet(() -> defaults.defaultPolicy(PolicyDirection.INBOUND, v6));
        }
        boolean selectorV6 = entry.map(sp -> sp.selector().isIpv6()).orElse(v6);
        InboundVerdict verdict = check.check(policy, selectorV6, history);
        if (verdict instanceof InboundVerdict.Reject rej) {
            if (count) stats.increment(IpsecStatistics.IN_POLVIO);
            return new InputDecision.Drop(DropCause.POLICY_VIOLATION, null, rej.reason() + ": " + rej.detail());
        }
        return null;
    }

    /**
     * {@code net.inet.ipsec.ipip_spoofcheck} (NetBSD xform_ipip.c {@code _ipip_input}, "Check for local address
     * spoofing"): a packet that came out of a tunnel-mode SA must not carry one of this host's addresses as its
     * source — a tunnel peer could otherwise inject packets that look locally generated. Dropped and counted as
     * {@code IPIP_STAT_SPOOF}. NetBSD exempts packets received on a loopback interface; jipsec never receives
     * tunnel traffic from one. Null = accepted.
     */
    InputDecision.Drop spoof(byte[] b, int s, int len, List<AppliedTransform> history) {
        LocalAddresses local = localAddresses;
        if (!spoofCheck || local == LocalAddresses.NONE) return null;
        boolean tunnelled = false;
        for (AppliedTransform t : history) tunnelled |= t.mode() == IpsecMode.TUNNEL;
        if (!tunnelled || len < 20) return null;
        boolean v6 = IpView.version(b, s) == 6;
        if (v6 && len < 40) return null;
        if (!local.isLocal(b, s + (v6 ? 8 : 12), v6 ? 16 : 4)) return null;
        xformStats.ipipSpoof();
        return new InputDecision.Drop(
                DropCause.SPOOFED,
                null,
                "tunnelled packet with a local source address (net.inet.ipsec.ipip_spoofcheck)");
    }
}
