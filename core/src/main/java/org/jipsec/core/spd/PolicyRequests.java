package org.jipsec.core.spd;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.jipsec.core.ipsec.IpsecLevel;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.spd.SpdException.Errno;

/**
 * The semantic part of {@code _key_msg2sp} (spec §1.12), shared by SPDADD and setsockopt: a non-ipsec
 * policy keeps no requests; each request's mode must be transport or tunnel (EINVAL), its tunnel endpoints of one
 * address family (EINVAL, NetBSD PR kern/60669); levels
 * default/use/require drop the reqid (0); unique keeps a manual reqid 1..0x3fff, anything else
 * (0 or > 0x3fff) is replaced by an automatic one.
 */
public final class PolicyRequests {

    private PolicyRequests() {}

    public static XPolicy normalize(XPolicy p, IntSupplier newReqid) throws SpdException {
        if (p.type() != PolicyType.IPSEC) {
            return new XPolicy(p.type(), p.direction(), p.id(), p.flags(), List.of());
        }
        List<IpsecRequest> out = new ArrayList<>(p.requests().size());
        for (IpsecRequest r : p.requests()) {
            if (r.mode() != IpsecMode.TRANSPORT && r.mode() != IpsecMode.TUNNEL) {
                throw new SpdException(
                        Errno.EINVAL, "invalid ipsec mode: " + r.mode().keyword());
            }
            // NetBSD PR kern/60669 (tests/net/ipsec/t_ipsec_policy.c pr60669): tunnel endpoints of two families
            // are refused (EINVAL); the kernel's copy back (key_sp2msg) assumed one sockaddr length for both
            if (r.hasEndpoints()
                    && r.source().orElseThrow().isIpv6()
                            != r.destination().orElseThrow().isIpv6()) {
                throw new SpdException(Errno.EINVAL, "tunnel endpoints of two address families");
            }
            int reqid = 0;
            if (r.level() == IpsecLevel.UNIQUE) {
                reqid = r.reqid() > PolicyFormatter.MANUAL_REQID_MAX ? 0 : r.reqid();
                if (reqid == 0) reqid = newReqid.getAsInt();
            }
            out.add(new IpsecRequest(r.protocol(), r.mode(), r.level(), reqid, r.source(), r.destination()));
        }
        return new XPolicy(p.type(), p.direction(), p.id(), p.flags(), out);
    }
}
