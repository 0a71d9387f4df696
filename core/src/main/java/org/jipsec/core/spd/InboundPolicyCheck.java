package org.jipsec.core.spd;

import java.util.List;
import java.util.Objects;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.XPolicy;

/**
 * The inbound policy check ({@code ipsec_in_reject}, spec §4.5 step 3) done over the packet's whole
 * decapsulation history, which fixes the ipsec(4) BUGS case: with inbound
 * {@code esp/tunnel/A-B/use ah/transport/A-B/require}, an AH-protected tunnel packet is accepted,
 * because the AH that was removed from the outer packet is in the history (NetBSD only looks at flags
 * of the inner packet and rejects it).
 *
 * <p>Rules. DISCARD → reject; NONE/BYPASS → accept; ENTRUST → reject (cannot occur for a resolved
 * policy). IPSEC: every request whose effective level (§4.8) is REQUIRE (or UNIQUE) must be matched by
 * a transform in the history. As NetBSD: USE requests are not enforced, IPComp requests are not enforced
 * (RFC 3173 §2.2 lets a sender skip compression of a packet that does not shrink), and extra transforms
 * are tolerated. Stricter than NetBSD, where it is safe:
 * <ul>
 *   <li>the transform's mode must be the request's mode (unless its SA's mode is "any");</li>
 *   <li>a request with endpoints requires the SA's source and destination addresses to equal them
 *       (ports, used for NAT-T, are not compared);</li>
 *   <li>the required requests must be found in chain order: the first request is the innermost header
 *       (spec §4.4), i.e. the last transform removed, so requests are matched against the history read
 *       from its end, each transform used at most once.</li>
 * </ul>
 */
public final class InboundPolicyCheck {

    private final SystemDefaults defaults;

    public InboundPolicyCheck(SystemDefaults defaults) {
        this.defaults = Objects.requireNonNull(defaults);
    }

    /**
     * Checks the transforms removed from an inbound packet against the policy it matched.
     *
     * @param policy       the resolved inbound policy
     * @param selectorIpv6 the family of the policy's selector (chooses the deflev set)
     * @param history      the transforms removed from the packet, outermost first
     */
    public InboundVerdict check(XPolicy policy, boolean selectorIpv6, List<AppliedTransform> history) {
        switch (policy.type()) {
            case DISCARD -> {
                return new InboundVerdict.Reject(InboundVerdict.Reason.POLICY_DISCARD, -1, "policy discard");
            }
            case NONE, BYPASS -> {
                return new InboundVerdict.Accept();
            }
            case ENTRUST -> {
                return new InboundVerdict.Reject(InboundVerdict.Reason.POLICY_INVALID, -1, "entrust policy");
            }
            case IPSEC -> {}
        }
        int cursor = history.size() - 1; // innermost transform not yet consumed
        List<IpsecRequest> reqs = policy.requests();
        for (int i = 0; i < reqs.size(); i++) {
            IpsecRequest r = reqs.get(i);
            if (r.protocol() == IpsecProtocol.IPCOMP || !defaults.isRequired(r, selectorIpv6)) continue;
            int found = -1;
            for (int j = cursor; j >= 0; j--) {
                if (matches(r, history.get(j))) {
                    found = j;
                    break;
                }
            }
            if (found < 0) {
                boolean any = history.stream().anyMatch(t -> t.protocol() == r.protocol());
                return new InboundVerdict.Reject(
                        any ? InboundVerdict.Reason.PROTECTION_MISMATCH : InboundVerdict.Reason.NOT_PROTECTED,
                        i,
                        (any ? "no matching " : "no ") + r.protocol().keyword() + "/"
                                + r.mode().keyword()
                                + (r.hasEndpoints()
                                        ? " " + r.source().orElseThrow() + "-"
                                                + r.destination().orElseThrow()
                                        : "")
                                + " protection");
            }
            cursor = found - 1;
        }
        return new InboundVerdict.Accept();
    }

    private static boolean matches(IpsecRequest r, AppliedTransform t) {
        if (t.protocol() != r.protocol()) return false;
        // an SA of mode "any" serves either mode (NetBSD uses it in both, spec §4.4 step 4); its recorded mode is a
        // guess from the packet — an IP header after it may be the tunnel of a later IPComp request that sent the
        // packet uncompressed (RFC 3173 §2.2; t_ipsec_tunnel_ipcomp.sh) — so it is not held to that guess
        if (t.mode() != r.mode() && !t.saModeAny()) return false;
        if (!r.hasEndpoints()) return true;
        Endpoint s = r.source().orElseThrow();
        Endpoint d = r.destination().orElseThrow();
        return s.address().equals(t.saSource()) && d.address().equals(t.saDestination());
    }
}
