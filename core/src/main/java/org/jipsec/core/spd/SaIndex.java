package org.jipsec.core.spd;

import java.net.InetAddress;
import java.util.Objects;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;

/**
 * NetBSD {@code secasindex} as the outbound path builds it from a request (spec §4.4 step 1, §4.6):
 * protocol, mode, reqid (0 = any) and the SA endpoints. It is the key of SA lookup, of ACQUIRE rate
 * limiting and of the pending-packet queue.
 */
public record SaIndex(IpsecProtocol protocol, IpsecMode mode, int reqid, InetAddress source, InetAddress destination) {

    public SaIndex {
        Objects.requireNonNull(protocol);
        Objects.requireNonNull(mode);
        Objects.requireNonNull(source);
        Objects.requireNonNull(destination);
    }
}
