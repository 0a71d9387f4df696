package org.jipsec.core.net;

/**
 * In-place accessors for the IPv6 Routing header (RFC 8200 §4.4) at an absolute offset.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |  Hdr Ext Len  |  Routing Type | Segments Left |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    type-specific data                         |
 * </pre>
 *
 * Type 0 (RFC 2460, deprecated by RFC 5095) and type 2 (RFC 6275) carry 4 reserved bytes and then
 * Hdr Ext Len / 2 addresses; type 4 (Segment Routing, RFC 8754) carries Last Entry, Flags, Tag and then the
 * segment list, Segment List[0] being the final segment. The final destination is what AH authenticates
 * (RFC 4302 §3.3.3.1.2) and what the upper-layer pseudo-header uses (RFC 8200 §8.1).
 */
public final class Ipv6RoutingHeader {
    private Ipv6RoutingHeader() {}

    public static final int TYPE_SOURCE_ROUTE = 0;
    public static final int TYPE_MOBILE_IPV6 = 2;
    public static final int TYPE_SEGMENT_ROUTING = 4;

    public static int routingType(byte[] b, int rhOff) {
        return b[rhOff + 2] & 0xff;
    }

    public static int segmentsLeft(byte[] b, int rhOff) {
        return b[rhOff + 3] & 0xff;
    }

    public static void setSegmentsLeft(byte[] b, int rhOff, int v) {
        b[rhOff + 3] = (byte) v;
    }

    /** Number of 16-byte addresses carried (types 0, 2 and 4); the header length bounds it. */
    public static int addressCount(byte[] b, int rhOff) {
        return (b[rhOff + 1] & 0xff) / 2;
    }

    /** Absolute offset of address {@code i} (0-based) for types 0, 2 and 4. */
    public static int addressOffset(byte[] b, int rhOff, int i) {
        return rhOff + 8 + 16 * i;
    }

    /**
     * Absolute offset of the 16-byte final destination of a packet whose IPv6 header is at {@code ipOff} and
     * whose routing header is at {@code rhOff}: the IPv6 destination when Segments Left is 0, else the last
     * address (types 0/2) or Segment List[0] (type 4). Other routing types with segments left cannot be
     * predicted: MalformedPacketException (a receiver must discard those anyway, RFC 8200 §4.4).
     * The routing header's length must already be checked against the buffer (see {@link Ipv6HeaderChain}).
     */
    public static int finalDestinationOffset(byte[] b, int ipOff, int rhOff) throws MalformedPacketException {
        int left = segmentsLeft(b, rhOff);
        if (left == 0) return ipOff + Ipv6Header.OFF_DST;
        int n = addressCount(b, rhOff);
        switch (routingType(b, rhOff)) {
            case TYPE_SOURCE_ROUTE, TYPE_MOBILE_IPV6 -> {
                if (n == 0 || left > n)
                    throw new MalformedPacketException(
                            "routing header: segments left " + left + " > " + n + " addresses");
                return addressOffset(b, rhOff, n - 1);
            }
            case TYPE_SEGMENT_ROUTING -> {
                if (n == 0) throw new MalformedPacketException("segment routing header without segments");
                return addressOffset(b, rhOff, 0);
            }
            default ->
                throw new MalformedPacketException(
                        "routing type " + routingType(b, rhOff) + " with segments left " + left);
        }
    }
}
