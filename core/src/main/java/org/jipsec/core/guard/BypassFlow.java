package org.jipsec.core.guard;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * A registered echo socket whose per-socket policy is {@code bypass} in one or both directions (spec §4.2: NetBSD's
 * {@code ipsec_getpolicybysock} answers with the socket's policy before the SPD, so a privileged {@code bypass}
 * socket's packets travel in clear whatever the SPD says). The guard renders it as accept rules for exactly this
 * flow, before the SPD's drop rules: outbound the echo requests from {@code local} to {@code peer} with identifier
 * {@code id} (RFC 792 type 8 / RFC 4443 §4.1 type 128), inbound the echo replies from {@code peer} to {@code local}
 * with that identifier (type 0 / 129).
 *
 * @param local    the socket's source address
 * @param peer     the address it pings
 * @param id       the ICMP echo identifier (0-65535)
 * @param outbound the socket's {@code out} policy is bypass
 * @param inbound  the socket's {@code in} policy is bypass
 */
public record BypassFlow(InetAddress local, InetAddress peer, int id, boolean outbound, boolean inbound) {

    public BypassFlow {
        Objects.requireNonNull(local);
        Objects.requireNonNull(peer);
        if ((local instanceof Inet6Address) != (peer instanceof Inet6Address)) {
            throw new IllegalArgumentException("address families differ: " + local + " " + peer);
        }
        if (id < 0 || id > 0xffff) throw new IllegalArgumentException("ICMP identifier " + id);
        if (!outbound && !inbound) throw new IllegalArgumentException("a bypass flow bypasses at least one direction");
    }

    public boolean isIpv6() {
        return peer instanceof Inet6Address;
    }
}
