package org.jipsec.core.spd;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jipsec.core.ipsec.IpsecLevel;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;

/**
 * The host-wide defaults of spec §4.3 and §4.8, read from the sysctl tree at each use (so a write
 * applies at once): the system default policy {@code def_policy} and {@code ipsec_get_reqlevel}, the
 * effective level of a request, with NetBSD's fix-ups (a stored def_policy other than discard/none is
 * forced to none; a deflev outside use/require/unique is forced to require and stored back), each
 * reported through the log callback with NetBSD's message.
 */
public final class SystemDefaults {

    private final Sysctl sysctl;
    private final Consumer<String> log;

    public SystemDefaults(Sysctl sysctl, Consumer<String> log) {
        this.sysctl = Objects.requireNonNull(sysctl);
        this.log = Objects.requireNonNull(log);
    }

    public SystemDefaults(Sysctl sysctl) {
        this(sysctl, m -> {});
    }

    /**
     * ipsec_get_reqlevel (spec §4.8): DEFAULT → the deflev of (protocol, mode) from the IPv4 or IPv6
     * set chosen by the SP selector's family, IPComp → USE; USE/REQUIRE unchanged; UNIQUE → REQUIRE.
     */
    public IpsecLevel effectiveLevel(IpsecRequest request, boolean selectorIpv6) {
        return switch (request.level()) {
            case USE -> IpsecLevel.USE;
            case REQUIRE, UNIQUE -> IpsecLevel.REQUIRE;
            case DEFAULT ->
                switch (request.protocol()) {
                    case IPCOMP -> IpsecLevel.USE;
                    case ESP ->
                        deflev(
                                selectorIpv6
                                        ? (request.mode() == IpsecMode.TUNNEL
                                                ? SysctlNames.IPSEC6_ESP_NET_DEFLEV
                                                : SysctlNames.IPSEC6_ESP_TRANS_DEFLEV)
                                        : (request.mode() == IpsecMode.TUNNEL
                                                ? SysctlNames.IPSEC_ESP_NET_DEFLEV
                                                : SysctlNames.IPSEC_ESP_TRANS_DEFLEV));
                    case AH ->
                        deflev(
                                selectorIpv6
                                        ? (request.mode() == IpsecMode.TUNNEL
                                                ? SysctlNames.IPSEC6_AH_NET_DEFLEV
                                                : SysctlNames.IPSEC6_AH_TRANS_DEFLEV)
                                        : (request.mode() == IpsecMode.TUNNEL
                                                ? SysctlNames.IPSEC_AH_NET_DEFLEV
                                                : SysctlNames.IPSEC_AH_TRANS_DEFLEV));
                };
        };
    }

    /** True when the effective level demands an SA (REQUIRE, or UNIQUE reached through a deflev). */
    public boolean isRequired(IpsecRequest request, boolean selectorIpv6) {
        IpsecLevel l = effectiveLevel(request, selectorIpv6);
        return l == IpsecLevel.REQUIRE || l == IpsecLevel.UNIQUE;
    }

    private IpsecLevel deflev(String name) {
        int v = sysctl.intValue(name);
        if (v != IpsecLevel.USE.number() && v != IpsecLevel.REQUIRE.number() && v != IpsecLevel.UNIQUE.number()) {
            // IPSEC_CHECK_DEFAULT
            log.accept("fixed system default level " + name.substring(name.lastIndexOf('.') + 1) + ":" + v + "->2");
            sysctl.setInternal(name, IpsecLevel.REQUIRE.number());
            return IpsecLevel.REQUIRE;
        }
        return IpsecLevel.of(v).orElseThrow();
    }

    /** The system default policy type: DISCARD or NONE (spec §4.3). */
    public PolicyType defaultPolicyType(boolean ipv6) {
        String name = ipv6 ? SysctlNames.IPSEC6_DEF_POLICY : SysctlNames.IPSEC_DEF_POLICY;
        int v = sysctl.intValue(name);
        if (v != PolicyType.DISCARD.number() && v != PolicyType.NONE.number()) {
            log.accept("fixed system default policy: " + v + "->" + PolicyType.NONE.number());
            sysctl.setInternal(name, PolicyType.NONE.number());
            return PolicyType.NONE;
        }
        return PolicyType.of(v).orElseThrow();
    }

    /** The system default policy as an x_policy value (no requests). */
    public XPolicy defaultPolicy(PolicyDirection direction, boolean ipv6) {
        return new XPolicy(defaultPolicyType(ipv6), direction, 0, 0, List.of());
    }
}
