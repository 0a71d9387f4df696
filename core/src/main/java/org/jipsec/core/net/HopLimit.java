package org.jipsec.core.net;

/**
 * The forwarding step on an IP packet's TTL (IPv4) or hop limit (IPv6), as a router takes it: a packet that arrives
 * with 1 or less is not forwarded, any other has the field decremented by one (RFC 791 "Time to Live"; RFC 1812
 * §5.3.1: a router MUST decrement it and MUST NOT forward a packet whose TTL it reduced to zero; RFC 8200 §3: "the
 * packet is discarded if Hop Limit was zero when received or is decremented to zero"). NetBSD's {@code ip_forward}
 * tests {@code ip->ip_ttl <= IPTTLDEC} before {@code ip->ip_ttl -= IPTTLDEC}, {@code ip6_forward} likewise with
 * {@code IPV6_HLIMDEC}; both send an ICMP time exceeded there, which the callers of this class do not.
 *
 * <p>The IPv4 header checksum is updated incrementally (RFC 1624 eqn. 3, {@link Checksums#update16}) over the
 * 16-bit word holding TTL and protocol, so a packet whose checksum was right stays right, and one whose checksum was
 * wrong stays wrong by the same amount (nothing is recomputed from the header). IPv6 has no header checksum.
 */
public final class HopLimit {

    /** {@link #decrement}: the packet must not be forwarded (TTL or hop limit 0 or 1 on arrival). */
    public static final int EXPIRED = -1;
    /** {@link #decrement}: not an IPv4/IPv6 packet, or shorter than its fixed header. */
    public static final int NOT_IP = -2;

    private HopLimit() {}

    /**
     * Decrements the TTL / hop limit of the packet at {@code p[off, off + len)} in place.
     *
     * @return the new TTL / hop limit (1..254), {@link #EXPIRED} (the packet is left unchanged) or {@link #NOT_IP}
     */
    public static int decrement(byte[] p, int off, int len) {
        if (len < 1) return NOT_IP;
        int version = (p[off] & 0xf0) >>> 4;
        if (version == 4 && len >= Ipv4Header.MIN_LENGTH) {
            int ttl = Ipv4Header.ttl(p, off);
            if (ttl <= 1) return EXPIRED;
            int oldWord = Bytes.u16(p, off + 8); // TTL (high byte) and protocol
            int newWord = oldWord - 0x100;
            Checksums.adjust16(p, off + 10, oldWord, newWord);
            Ipv4Header.setTtl(p, off, ttl - 1);
            return ttl - 1;
        }
        if (version == 6 && len >= 40) {
            int hlim = p[off + 7] & 0xff;
            if (hlim <= 1) return EXPIRED;
            p[off + 7] = (byte) (hlim - 1);
            return hlim - 1;
        }
        return NOT_IP;
    }
}
