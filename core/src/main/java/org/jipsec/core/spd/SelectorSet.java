package org.jipsec.core.spd;

import java.util.Arrays;
import java.util.Objects;
import org.jipsec.core.ipsec.Endpoint;

/**
 * The traffic selector of a security policy (RFC 4301 §4.4.1.1; NetBSD {@code secpolicyindex}, spec
 * §4.1): source and destination prefix (address + prefix length, port 0 = any) and the upper-layer
 * protocol ({@link #ANY_PROTOCOL} 255 = any). For ICMP/ICMPv6/MH the source port carries the type and
 * the destination port the code (setkey's {@code icmp6 135,0}). Both sides have one family.
 */
public record SelectorSet(
        Endpoint source, int sourcePrefixLength, Endpoint destination, int destinationPrefixLength, int upperProtocol) {

    /** {@code IPSEC_ULPROTO_ANY}. */
    public static final int ANY_PROTOCOL = 255;

    public SelectorSet {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        if (source.isIpv6() != destination.isIpv6())
            throw new IllegalArgumentException("source/destination family mismatch");
        if (sourcePrefixLength < 0 || sourcePrefixLength > source.addressBits()) {
            throw new IllegalArgumentException("source prefix length out of range: " + sourcePrefixLength);
        }
        if (destinationPrefixLength < 0 || destinationPrefixLength > destination.addressBits()) {
            throw new IllegalArgumentException("destination prefix length out of range: " + destinationPrefixLength);
        }
        if (upperProtocol < 0 || upperProtocol > 255) throw new IllegalArgumentException("protocol out of range");
    }

    public boolean isIpv6() {
        return source.isIpv6();
    }

    /**
     * NetBSD {@code key_spidx_match_withmask(sp, pkt)}: protocol (255 = any), ports (0 = any), both
     * addresses on the prefix bits, IPv6 scope ids (0 on either side = wildcard). jipsec compares the
     * destination scope ids with the destination guard (NetBSD reuses the source ids — an upstream slip).
     */
    public boolean matches(FlowKey p) {
        if (p.isIpv6() != isIpv6()) return false;
        if (upperProtocol != ANY_PROTOCOL && upperProtocol != p.upperProtocol()) return false;
        if (source.port() != 0 && source.port() != p.sourcePort()) return false;
        if (destination.port() != 0 && destination.port() != p.destinationPort()) return false;
        if (!prefixEquals(source.address().getAddress(), p.source(), sourcePrefixLength)) return false;
        if (!prefixEquals(destination.address().getAddress(), p.destination(), destinationPrefixLength)) return false;
        if (source.scopeId() != 0 && p.sourceScopeId() != 0 && source.scopeId() != p.sourceScopeId()) return false;
        return destination.scopeId() == 0
                || p.destinationScopeId() == 0
                || destination.scopeId() == p.destinationScopeId();
    }

    /** NetBSD {@code key_spidx_match_exactly}: prefixes, protocol and both sockaddrs (ports, scope) equal. */
    public boolean sameAs(SelectorSet o) {
        return sourcePrefixLength == o.sourcePrefixLength
                && destinationPrefixLength == o.destinationPrefixLength
                && upperProtocol == o.upperProtocol
                && source.equals(o.source)
                && destination.equals(o.destination)
                && Arrays.equals(
                        source.address().getAddress(), o.source.address().getAddress())
                && Arrays.equals(
                        destination.address().getAddress(),
                        o.destination.address().getAddress());
    }

    static boolean prefixEquals(byte[] a, byte[] b, int bits) {
        int full = bits >>> 3;
        for (int i = 0; i < full; i++) if (a[i] != b[i]) return false;
        int rest = bits & 7;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return ((a[full] ^ b[full]) & mask) == 0;
    }
}
