package org.jipsec.core.ike.engine;

import java.net.InetAddress;

/** An IKE endpoint: address and UDP port (500, or 4500 after floating, RFC 7296 §2.23). */
public record IkeEndpoint(InetAddress address, int port) {
    @Override
    public String toString() {
        return address.getHostAddress() + "[" + port + "]";
    }
}
