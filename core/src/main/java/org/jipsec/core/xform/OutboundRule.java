package org.jipsec.core.xform;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;

/**
 * An outbound policy as offline processing needs it: a selector (source and destination prefixes, upper-layer
 * protocol) and the ordered requests to apply, innermost first (ipsec_set_policy(3) order). The SPD proper
 * (issue #5) has the full model; this is the small subset the {@code jipsec pcap} job uses.
 *
 * @param upper 255 = any
 * @param action "ipsec", "none" (send in clear) or "discard"
 */
public record OutboundRule(InetAddress src, int srcPrefix, InetAddress dst, int dstPrefix, int upper,
                           String action, List<Request> requests) {

    public OutboundRule {
        Objects.requireNonNull(src);
        Objects.requireNonNull(dst);
        requests = List.copyOf(requests);
    }

    /** One {@code proto/mode/src-dst/level} request; tunnel endpoints null in transport mode. */
    public record Request(IpsecProtocol protocol, IpsecMode mode, InetAddress tunnelSrc, InetAddress tunnelDst) {}

    /** Whether the packet's addresses (and upper protocol) fall under this selector. */
    public boolean matches(byte[] srcAddr, byte[] dstAddr, int proto) {
        return prefixMatch(src.getAddress(), srcPrefix, srcAddr) && prefixMatch(dst.getAddress(), dstPrefix, dstAddr)
                && (upper == 255 || upper == proto);
    }

    static boolean prefixMatch(byte[] net, int prefix, byte[] addr) {
        if (net.length != addr.length) return false;
        int full = prefix / 8;
        for (int i = 0; i < full; i++) if (net[i] != addr[i]) return false;
        int rest = prefix % 8;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (net[full] & mask) == (addr[full] & mask);
    }
}
