package org.jipsec.core.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.spd.SecurityPolicy;
import org.jipsec.core.spd.SystemDefaults;

/**
 * The SPD resolved for the guard at one generation: the rules per direction in list (first-match) order, and
 * whether the system default policy ({@code def_policy}, spec §4.3) discards, per family.
 *
 * <p>A packet the guard sees has had no IPsec applied (outbound: it does not leave through the TUN) or removed
 * (inbound: it did not come out of the TUN). What NetBSD does with such a packet:
 * <ul>
 *   <li>outbound (spec §4.4, {@code ipsec_checkpolicy}/{@code key_checkrequest}): DISCARD → dropped, out_polvio;
 *       NONE/BYPASS → sent in clear; IPSEC → a request whose effective level (§4.8) is USE is skipped when no SA
 *       is applied, a REQUIRE/UNIQUE ESP or AH one makes the packet dropped. IPComp is the exception: with its SA
 *       applied, a packet under the algorithm's minimum length or one that does not shrink leaves as it is (RFC 3173
 *       §2.2, NetBSD ipcomp_output) — in transport mode the clear packet itself, which the guard sees leave the
 *       gateway's raw socket. A clear packet of an IPComp request is therefore legitimate, and a clear packet is
 *       dropped iff some non-IPComp request is required (IPComp adds no protection that its absence would lose);</li>
 *   <li>inbound (spec §4.5 step 3, {@code ipsec_in_reject} with an empty decapsulation history): DISCARD → reject;
 *       NONE/BYPASS → accept; IPSEC → rejected iff some non-IPComp request is required (IPComp is never enforced
 *       inbound — the same rule as {@link org.jipsec.core.spd.InboundPolicyCheck}).</li>
 * </ul>
 * Levels are resolved by {@link SystemDefaults#isRequired} — the engine's own resolver, so {@code default} follows
 * {@code net.inet[6].ipsec[6].*_deflev} exactly as for tunnelled packets. ENTRUST cannot be stored in the SPD; it is
 * treated as a drop like NetBSD's {@code ipsec_checkpolicy} default branch.
 */
public record GuardSnapshot(
        int generation,
        List<GuardRule> inbound,
        List<GuardRule> outbound,
        boolean discardIpv4ByDefault,
        boolean discardIpv6ByDefault,
        List<BypassFlow> bypass) {

    public GuardSnapshot {
        inbound = List.copyOf(inbound);
        outbound = List.copyOf(outbound);
        bypass = List.copyOf(bypass);
    }

    /** A snapshot without registered bypass sockets. */
    public GuardSnapshot(
            int generation,
            List<GuardRule> inbound,
            List<GuardRule> outbound,
            boolean discardIpv4ByDefault,
            boolean discardIpv6ByDefault) {
        this(generation, inbound, outbound, discardIpv4ByDefault, discardIpv6ByDefault, List.of());
    }

    /**
     * This snapshot with the registered {@code bypass} sockets (privileged registrations only: the caller's
     * {@link org.jipsec.core.engine.socket.EchoFlowTable#bypassFlows}), rendered before the SPD's rules.
     */
    public GuardSnapshot withBypass(List<BypassFlow> flows) {
        return new GuardSnapshot(generation, inbound, outbound, discardIpv4ByDefault, discardIpv6ByDefault, flows);
    }

    /**
     * Resolves {@code policies} (SPD dump order: each direction's list in first-match order) with the current
     * sysctl defaults.
     */
    public static GuardSnapshot of(int generation, List<SecurityPolicy> policies, SystemDefaults defaults) {
        Objects.requireNonNull(defaults);
        List<GuardRule> in = new ArrayList<>();
        List<GuardRule> out = new ArrayList<>();
        for (SecurityPolicy sp : policies) {
            PolicyDirection d = sp.direction();
            if (d != PolicyDirection.INBOUND && d != PolicyDirection.OUTBOUND) continue;
            boolean v6 = sp.selector().isIpv6();
            boolean drop = switch (sp.policy().type()) {
                case NONE, BYPASS -> false;
                case DISCARD, ENTRUST -> true;
                case IPSEC -> anyRequired(sp.policy().requests(), v6, defaults);
            };
            (d == PolicyDirection.INBOUND ? in : out).add(new GuardRule(sp.id(), d, sp.selector(), drop));
        }
        return new GuardSnapshot(
                generation,
                in,
                out,
                defaults.defaultPolicyType(false) == PolicyType.DISCARD,
                defaults.defaultPolicyType(true) == PolicyType.DISCARD);
    }

    private static boolean anyRequired(List<IpsecRequest> requests, boolean v6, SystemDefaults defaults) {
        for (IpsecRequest r : requests) {
            // inbound: spec §4.5, ipsec_in_reject never enforces IPComp ("IPComp policy should always be treated as
            // being in 'use' level"); outbound: an IPComp SA legitimately sends small or incompressible packets as
            // they are (RFC 3173 §2.2), so their clear form is no violation
            if (r.protocol() == IpsecProtocol.IPCOMP) continue;
            if (defaults.isRequired(r, v6)) return true;
        }
        return false;
    }
}
