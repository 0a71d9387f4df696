package org.jipsec.core.ipsec;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An address with a port, as a PF_KEY sockaddr carries it (port 0 = any). {@code scopeId} is the IPv6
 * {@code sin6_scope_id} (0 = none). Immutable.
 */
public record Endpoint(InetAddress address, int port, int scopeId) {

    public Endpoint {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 0xffff) throw new IllegalArgumentException("port out of range: " + port);
        if (address instanceof Inet4Address && scopeId != 0) throw new IllegalArgumentException("IPv4 has no scope id");
    }

    public Endpoint(InetAddress address, int port) {
        this(address, port, 0);
    }

    public Endpoint(InetAddress address) {
        this(address, 0, 0);
    }

    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    /** Address length in bits: 32 or 128 (the full prefix length). */
    public int addressBits() {
        return isIpv6() ? 128 : 32;
    }

    /** The same address with another port. */
    public Endpoint withPort(int newPort) {
        return new Endpoint(address, newPort, scopeId);
    }

    @Override
    public String toString() {
        String a = address.getHostAddress();
        int pct = a.indexOf('%');
        if (pct >= 0) a = a.substring(0, pct);
        return port == 0 ? a : a + "[" + port + "]";
    }
}
