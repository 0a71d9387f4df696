package org.jipsec.core.ikekernel;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecLevel;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.PolicySelector;
import org.jipsec.core.pfkey.Sadb;

/**
 * SADB_X_SPDADD (or X_SPDUPDATE) of one IPsec policy: libipsec {@code pfkey_send_spdadd} — SRC and DST with prefix
 * length and upper-layer protocol, then X_POLICY. A "trap" policy (swanctl {@code start_action = trap}) is a
 * {@link IpsecLevel#REQUIRE require} policy without an SA: the first packet makes the kernel send SADB_ACQUIRE.
 * {@code reqid} ties the policy to the SAs the IKE daemon installs (NetBSD: {@code unique:N}, 1..16383 for manual
 * use, spec §1.12).
 */
public record SpdAdd(
        PolicySelector selector,
        IpsecProtocol protocol,
        IpsecMode mode,
        IpsecLevel level,
        int reqid,
        Optional<Endpoint> tunnelSource,
        Optional<Endpoint> tunnelDestination,
        boolean update) {
    public SpdAdd {
        Objects.requireNonNull(selector);
        Objects.requireNonNull(protocol);
        Objects.requireNonNull(mode);
        Objects.requireNonNull(level);
        if (mode == IpsecMode.TUNNEL && (tunnelSource.isEmpty() || tunnelDestination.isEmpty())) {
            throw new IllegalArgumentException("a tunnel-mode policy needs both tunnel endpoints");
        }
    }

    /** A require (trap) policy with a fixed reqid ({@code unique} level when reqid ≠ 0, as racoon's generated ones). */
    public static SpdAdd trap(
            PolicySelector selector,
            IpsecMode mode,
            int reqid,
            Optional<Endpoint> tunnelSource,
            Optional<Endpoint> tunnelDestination) {
        return new SpdAdd(
                selector,
                IpsecProtocol.ESP,
                mode,
                reqid != 0 ? IpsecLevel.UNIQUE : IpsecLevel.REQUIRE,
                reqid,
                tunnelSource,
                tunnelDestination,
                false);
    }

    public XPolicy policy() {
        IpsecRequest r = new IpsecRequest(
                protocol,
                mode,
                level,
                reqid,
                tunnelSource.map(e -> e.withPort(0)),
                tunnelDestination.map(e -> e.withPort(0)));
        return new XPolicy(PolicyType.IPSEC, selector.direction(), 0, 0, List.of(r));
    }

    public PfkeyMessage toMessage(int seq, int pid) {
        PolicySelector s = selector;
        return PfkeyMessage.of(
                update ? Sadb.SADB_X_SPDUPDATE : Sadb.SADB_X_SPDADD,
                Sadb.SADB_SATYPE_UNSPEC,
                seq,
                pid,
                List.of(
                        new Extension.Address(
                                Sadb.SADB_EXT_ADDRESS_SRC, s.upperProtocol(), s.sourcePrefixBits(), s.source()),
                        new Extension.Address(
                                Sadb.SADB_EXT_ADDRESS_DST,
                                s.upperProtocol(),
                                s.destinationPrefixBits(),
                                s.destination()),
                        new Extension.Policy(policy())));
    }
}
