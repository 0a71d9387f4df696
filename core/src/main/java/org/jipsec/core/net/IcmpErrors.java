package org.jipsec.core.net;

/**
 * Builds the ICMP errors the packet layer's results call for: "fragmentation needed and DF set" for
 * {@link FragmentationResult.NeedsFragmentation} (ICMP type 3 code 4 with the next-hop MTU, RFC 792 +
 * RFC 1191 §4) and ICMPv6 "Packet Too Big" (type 2, RFC 4443 §3.2), and Time Exceeded in reassembly
 * (type 11 code 1 / ICMPv6 type 3 code 1) for {@link Reassembler#expire()}'s first fragments.
 *
 * <pre>
 * ICMP (RFC 1191 §4)                                   ICMPv6 Packet Too Big (RFC 4443 §3.2)
 * +--------+--------+----------------+                 +--------+--------+----------------+
 * | type 3 | code 4 |    checksum    |                 | type 2 | code 0 |    checksum    |
 * +--------+--------+----------------+                 +--------+--------+----------------+
 * |   unused (0)    |  next-hop MTU  |                 |               MTU               |
 * +-----------------+----------------+                 +---------------------------------+
 * | IP header + first 8 data bytes   |                 | as much of the packet as fits 1280 |
 * </pre>
 *
 * IPv4 errors quote the offending header and 8 bytes of its data (RFC 792); IPv6 errors quote as much as
 * keeps the error within the minimum MTU of 1280 bytes (RFC 4443 §2.4 (c)). The new packet's source is the
 * caller's address (the gateway), its destination the offending packet's source; TTL/hop limit 64.
 */
public final class IcmpErrors {
    private IcmpErrors() {}

    public static final int DEFAULT_TTL = 64;

    /** ICMP type 3 code 4 carrying {@code mtu}, from {@code srcAddr} back to the source of {@code b[off]}. */
    public static byte[] fragmentationNeeded(byte[] b, int off, int len, int mtu, int srcAddr)
            throws MalformedPacketException {
        int word = mtu & 0xffff; // unused (16 bits) | next-hop MTU (16 bits)
        return icmp4(b, off, len, 3, 4, word, srcAddr);
    }

    /** ICMP type 11 code 1 "fragment reassembly time exceeded" for a timed-out datagram's first fragment. */
    public static byte[] reassemblyTimeExceeded4(byte[] first, int srcAddr) throws MalformedPacketException {
        return icmp4(first, 0, first.length, 11, 1, 0, srcAddr);
    }

    /** ICMPv6 Packet Too Big carrying {@code mtu}, from {@code src16} back to the source of {@code b[off]}. */
    public static byte[] packetTooBig(byte[] b, int off, int len, int mtu, byte[] src16)
            throws MalformedPacketException {
        return icmp6(b, off, len, 2, 0, mtu, src16);
    }

    /** ICMPv6 Time Exceeded code 1 "fragment reassembly time exceeded" (RFC 4443 §3.3). */
    public static byte[] reassemblyTimeExceeded6(byte[] first, byte[] src16) throws MalformedPacketException {
        return icmp6(first, 0, first.length, 3, 1, 0, src16);
    }

    private static byte[] icmp4(byte[] b, int off, int len, int type, int code, int word, int srcAddr)
            throws MalformedPacketException {
        int hl = Ipv4Header.check(b, off, len);
        int quote = Math.min(Ipv4Header.totalLength(b, off), hl + 8); // RFC 792: header + 64 bits of data
        byte[] p = new byte[20 + 8 + quote];
        Ipv4Header.write(p, 0, 0, p.length, 0, 0, DEFAULT_TTL, IpProtocols.ICMP, srcAddr, Ipv4Header.src(b, off));
        p[20] = (byte) type;
        p[21] = (byte) code;
        Bytes.put32(p, 24, word);
        System.arraycopy(b, off, p, 28, quote);
        Bytes.put16(p, 22, Checksums.checksum(p, 20, p.length - 20));
        return p;
    }

    private static byte[] icmp6(byte[] b, int off, int len, int type, int code, int word, byte[] src16)
            throws MalformedPacketException {
        int total = Ipv6Header.check(b, off, len);
        int quote = Math.min(total, Ipv6Header.MIN_MTU - 48); // RFC 4443 §2.4 (c)
        byte[] p = new byte[48 + quote];
        byte[] dst = new byte[16];
        System.arraycopy(b, off + Ipv6Header.OFF_SRC, dst, 0, 16);
        Ipv6Header.write(p, 0, 0, 0, p.length - 40, IpProtocols.ICMPV6, DEFAULT_TTL, src16, dst);
        p[40] = (byte) type;
        p[41] = (byte) code;
        Bytes.put32(p, 44, word);
        System.arraycopy(b, off, p, 48, quote);
        Bytes.put16(p, 42, TransportChecksum.compute(p, 0, Ipv6Header.OFF_DST, IpProtocols.ICMPV6, 40, p.length - 40));
        return p;
    }
}
