package org.jipsec.core.net;

/** IANA "Assigned Internet Protocol Numbers" used by the packet layer (and {@code IPSEC_ULPROTO_ANY}). */
public final class IpProtocols {
    private IpProtocols() {}

    /** IPv6 Hop-by-Hop Options (RFC 8200 §4.3). */
    public static final int HOPOPTS = 0;

    public static final int ICMP = 1;
    /** IPv4 encapsulation (IP-in-IP, tunnel mode with an IPv4 inner header). */
    public static final int IPV4 = 4;

    public static final int TCP = 6;
    public static final int UDP = 17;
    /** IPv6 encapsulation (tunnel mode with an IPv6 inner header). */
    public static final int IPV6 = 41;
    /** IPv6 Routing header (RFC 8200 §4.4). */
    public static final int ROUTING = 43;
    /** IPv6 Fragment header (RFC 8200 §4.5). */
    public static final int FRAGMENT = 44;

    public static final int ESP = 50;
    public static final int AH = 51;
    public static final int ICMPV6 = 58;
    /** IPv6 No Next Header (RFC 8200 §4.7). */
    public static final int NONE = 59;
    /** IPv6 Destination Options (RFC 8200 §4.6). */
    public static final int DSTOPTS = 60;

    public static final int IPCOMP = 108;
    /** KAME {@code IPSEC_ULPROTO_ANY}: "any upper-layer protocol" in a selector. */
    public static final int ANY = 255;

    /** A short lower-case name (as setkey prints an upper-layer protocol), else the decimal number. */
    public static String name(int proto) {
        return switch (proto) {
            case HOPOPTS -> "hopopts";
            case ICMP -> "icmp";
            case IPV4 -> "ipv4";
            case TCP -> "tcp";
            case UDP -> "udp";
            case IPV6 -> "ipv6";
            case ROUTING -> "routing";
            case FRAGMENT -> "frag";
            case ESP -> "esp";
            case AH -> "ah";
            case ICMPV6 -> "icmp6";
            case NONE -> "none";
            case DSTOPTS -> "dstopts";
            case IPCOMP -> "ipcomp";
            case ANY -> "any";
            default -> Integer.toString(proto);
        };
    }
}
