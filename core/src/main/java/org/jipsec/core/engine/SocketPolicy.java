package org.jipsec.core.engine;

import java.util.Objects;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.spd.SocketPolicyResolver;

/**
 * The per-socket policy of one socket (spec §4.2; NetBSD {@code inpcbpolicy}): one policy per direction (ENTRUST
 * until set) and the privilege fixed when the socket was created. Values are validated by
 * {@link SocketPolicyResolver#validateForSocket} before they get here.
 */
public record SocketPolicy(XPolicy inbound, XPolicy outbound, boolean privileged) {

    public SocketPolicy {
        Objects.requireNonNull(inbound);
        Objects.requireNonNull(outbound);
    }

    /** A new socket's policy: ENTRUST both ways. */
    public static SocketPolicy entrust(boolean privileged) {
        return new SocketPolicy(
                SocketPolicyResolver.entrust(PolicyDirection.INBOUND),
                SocketPolicyResolver.entrust(PolicyDirection.OUTBOUND),
                privileged);
    }

    public XPolicy policy(PolicyDirection direction) {
        return direction == PolicyDirection.INBOUND ? inbound : outbound;
    }

    public SocketPolicy with(XPolicy p) {
        return p.direction() == PolicyDirection.INBOUND
                ? new SocketPolicy(p, outbound, privileged)
                : new SocketPolicy(inbound, p, privileged);
    }
}
