package org.jipsec.core.net;

/**
 * Walks the type-length-value options of an IPv4 header (RFC 791 §3.1 "Options") or of an IPv6 Hop-by-Hop /
 * Destination Options header (RFC 8200 §4.2) without allocating. Reusable: call {@link #resetIpv4} or
 * {@link #resetIpv6}, then {@link #next} until it returns false.
 *
 * <pre>
 * IPv4: EOL (type 0, one byte, ends the list) | NOP (type 1, one byte) | type, length (≥ 2, counts type and
 *       length octets), data
 * IPv6: Pad1 (type 0, one byte) | type, Opt Data Len (counts data octets only), data
 *       type bits: 2 high bits = action if unrecognised, 0x20 = option data may change en route
 * </pre>
 *
 * AH needs this to zero mutable options before computing the ICV (RFC 4302 §3.3.3.1; IPv6: options whose
 * {@link #isMutableIpv6 0x20 bit} is set are zeroed, data only).
 */
public final class OptionCursor {
    /** IPv4 option types (RFC 791, IANA "IP Option Numbers"). */
    public static final int IPV4_EOL = 0;

    public static final int IPV4_NOP = 1;
    public static final int IPV4_SECURITY = 130;
    public static final int IPV4_LSRR = 131;
    public static final int IPV4_SSRR = 137;
    public static final int IPV4_RR = 7;
    public static final int IPV4_TIMESTAMP = 68;
    public static final int IPV4_ROUTER_ALERT = 148;
    /** IPv6 option types (RFC 8200 §4.2, RFC 2711, RFC 2675). */
    public static final int IPV6_PAD1 = 0;

    public static final int IPV6_PADN = 1;
    public static final int IPV6_JUMBO = 0xc2;
    public static final int IPV6_ROUTER_ALERT = 5;

    private byte[] b;
    private int pos;
    private int end;
    private boolean ipv6;
    private int type;
    private int offset;
    private int length;
    private int dataOffset;
    private int dataLength;

    /** Walks the IPv4 options of the header at {@code ipOff} (bytes 20 .. IHL×4); the header must be checked. */
    public OptionCursor resetIpv4(byte[] b, int ipOff) {
        return reset(b, ipOff + Ipv4Header.MIN_LENGTH, ipOff + Ipv4Header.headerLength(b, ipOff), false);
    }

    /**
     * Walks the options of the IPv6 Hop-by-Hop or Destination Options header at {@code extOff} whose total
     * length (from the header chain) is {@code extLength}: the options start 2 bytes in.
     */
    public OptionCursor resetIpv6(byte[] b, int extOff, int extLength) {
        return reset(b, extOff + 2, extOff + extLength, true);
    }

    /** Walks an arbitrary options region {@code b[from, to)}. */
    public OptionCursor reset(byte[] b, int from, int to, boolean ipv6) {
        if (from < 0 || to < from || to > b.length)
            throw new IllegalArgumentException("options region " + from + ".." + to);
        this.b = b;
        this.pos = from;
        this.end = to;
        this.ipv6 = ipv6;
        this.type = -1;
        return this;
    }

    /**
     * Advances to the next option. Returns false at the end of the region (or after an IPv4 EOL, which is
     * itself reported once). Throws when an option's length is impossible or runs past the region.
     */
    public boolean next() throws MalformedPacketException {
        if (pos >= end) return false;
        if (!ipv6 && type == IPV4_EOL) {
            pos = end;
            return false;
        }
        offset = pos;
        type = b[pos] & 0xff;
        if ((ipv6 && type == IPV6_PAD1) || (!ipv6 && (type == IPV4_EOL || type == IPV4_NOP))) {
            length = 1;
            dataOffset = pos + 1;
            dataLength = 0;
            pos++;
            return true;
        }
        if (end - pos < 2) throw new MalformedPacketException("option " + type + " has no length byte");
        int l = b[pos + 1] & 0xff;
        if (ipv6) {
            length = 2 + l;
        } else {
            if (l < 2) throw new MalformedPacketException("IPv4 option " + type + " length " + l + " < 2");
            length = l;
        }
        if (length > end - pos)
            throw new MalformedPacketException("option " + type + " length " + length + " runs past the header");
        dataOffset = pos + 2;
        dataLength = length - 2;
        pos += length;
        return true;
    }

    public int type() {
        return type;
    }

    /** Absolute offset of the option's type octet. */
    public int offset() {
        return offset;
    }

    /** Whole option length in bytes (1 for EOL/NOP/Pad1). */
    public int length() {
        return length;
    }

    /** Absolute offset of the option data (after type and length). */
    public int dataOffset() {
        return dataOffset;
    }

    public int dataLength() {
        return dataLength;
    }

    /** RFC 8200 §4.2: the third-highest bit of an IPv6 option type says the data may change en route. */
    public static boolean isMutableIpv6(int type) {
        return (type & 0x20) != 0;
    }

    /** RFC 8200 §4.2: the two highest bits say what to do with an unrecognised option (0 = skip). */
    public static int unrecognisedActionIpv6(int type) {
        return type >>> 6;
    }

    /** RFC 791: the "copied" flag — the option is copied into every fragment. */
    public static boolean isCopiedIpv4(int type) {
        return (type & 0x80) != 0;
    }

    /**
     * Zeroes the data of every option whose type has the "may change en route" bit (0x20) in the IPv6 Hop-by-Hop
     * or Destination Options header at {@code extOff} of {@code extLength} bytes — how AH treats them when it
     * computes the ICV (RFC 4302 §3.3.3.1.2.1: the option type and length stay, the data becomes zeros).
     * Returns how many options were zeroed.
     */
    public static int zeroMutableIpv6Options(byte[] b, int extOff, int extLength) throws MalformedPacketException {
        OptionCursor c = new OptionCursor().resetIpv6(b, extOff, extLength);
        int n = 0;
        while (c.next()) {
            if (c.type() != IPV6_PAD1 && isMutableIpv6(c.type())) {
                java.util.Arrays.fill(b, c.dataOffset(), c.dataOffset() + c.dataLength(), (byte) 0);
                n++;
            }
        }
        return n;
    }

    /**
     * For an IPv4 header with a Loose or Strict Source Route option (RFC 791) whose route is not yet exhausted
     * (pointer ≤ length): the absolute offset of the route's last address, the final destination — which the
     * TCP/UDP pseudo-header uses (RFC 9293 §3.1, RFC 1122 §4.1.3.3) and which AH puts into the destination
     * field when computing the ICV (RFC 4302 §3.3.3.1.1.1). Otherwise (no source route, or route exhausted, so
     * the destination field already is the final destination) -1. The header must be checked.
     */
    public static int ipv4SourceRouteFinalDestination(byte[] b, int ipOff) throws MalformedPacketException {
        if (Ipv4Header.headerLength(b, ipOff) == Ipv4Header.MIN_LENGTH) return -1;
        OptionCursor c = new OptionCursor().resetIpv4(b, ipOff);
        while (c.next()) {
            if (c.type() == IPV4_LSRR || c.type() == IPV4_SSRR) {
                // type, length, pointer (1-based, ≥ 4), then route data of 4-byte addresses
                if (c.length() < 7) return -1;
                int pointer = b[c.offset() + 2] & 0xff;
                if (pointer > c.length()) return -1;
                int addresses = (c.length() - 3) / 4;
                return c.offset() + 3 + (addresses - 1) * 4;
            }
        }
        return -1;
    }
}
