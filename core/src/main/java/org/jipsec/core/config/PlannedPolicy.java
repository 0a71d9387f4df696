package org.jipsec.core.config;

import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.PolicySelector;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.setkey.SpdAddStatement;

/**
 * One {@code spdadd} or {@code spdupdate} of the file: its selector and policy as the key engine reads them from the
 * SADB_X_SPDADD / SADB_X_SPDUPDATE setkey sends (key.c key_api_spdadd), and that message.
 */
public record PlannedPolicy(int line, boolean update, PolicySelector selector, XPolicy policy, PfkeyMessage message) {

    static PlannedPolicy of(SpdAddStatement s, PfkeyMessage m) {
        Extension.Address src = m.address(Sadb.SADB_EXT_ADDRESS_SRC).orElseThrow();
        Extension.Address dst = m.address(Sadb.SADB_EXT_ADDRESS_DST).orElseThrow();
        XPolicy x = m.policy().orElseThrow().policy();
        PolicySelector sel = new PolicySelector(
                x.direction(), src.endpoint(), src.prefixLen(), dst.endpoint(), dst.prefixLen(), src.proto());
        return new PlannedPolicy(s.line(), s.update(), sel, x, m);
    }

    /** The request with {@code pid} as the sender's. */
    public PfkeyMessage message(int pid) {
        return PfkeyMessage.of(message.type(), message.satype(), 0, pid, message.extensions());
    }

    @Override
    public String toString() {
        return (update ? "spdupdate " : "spdadd ") + selector.source().address().getHostAddress() + "/"
                + selector.sourcePrefixBits() + " "
                + selector.destination().address().getHostAddress() + "/"
                + selector.destinationPrefixBits() + " " + selector.upperProtocol() + " "
                + policy.direction().name().toLowerCase(java.util.Locale.ROOT) + " (line " + line + ")";
    }
}
