package org.jipsec.core.net;

/**
 * Upper-layer checksums over the pseudo-header of either family, computed, verified and written in place.
 *
 * <pre>
 * IPv4 pseudo-header (RFC 768, RFC 9293 §3.1)     IPv6 pseudo-header (RFC 8200 §8.1)
 * +--------+--------+--------+--------+            +-----------------------------------+
 * |          source address           |            |   source address (16)             |
 * +--------+--------+--------+--------+            +-----------------------------------+
 * |        destination address        |            |   final destination address (16)  |
 * +--------+--------+--------+--------+            +-----------------------------------+
 * |  zero  |protocol| upper-layer len |            |   upper-layer packet length (32)  |
 * +--------+--------+--------+--------+            +--------------------------+--------+
 *                                                  |          zero (24)       |next hdr|
 *                                                  +--------------------------+--------+
 * </pre>
 *
 * ICMP for IPv4 (RFC 792) has no pseudo-header; ICMPv6 (RFC 4443 §2.3) has one. UDP: a computed 0 is sent as
 * 0xffff and a received 0 means "no checksum" over IPv4 (RFC 768) but is invalid over IPv6 (RFC 8200 §8.1).
 * The pseudo-header uses the final destination: the IPv6 Routing header's last address (RFC 8200 §8.1) or
 * the IPv4 source route's last address while the route is not exhausted (RFC 9293 §3.1, RFC 1122 §4.1.3.3).
 */
public final class TransportChecksum {
    private TransportChecksum() {}

    /** Offset of the checksum field inside the upper-layer header, or -1 for a protocol without one here. */
    public static int checksumFieldOffset(int protocol) {
        return switch (protocol) {
            case IpProtocols.TCP -> 16;
            case IpProtocols.UDP -> 6;
            case IpProtocols.ICMP, IpProtocols.ICMPV6 -> 2;
            default -> -1;
        };
    }

    /** Minimum upper-layer header length needed to hold the checksum field. */
    private static int minimumLength(int protocol) {
        return switch (protocol) {
            case IpProtocols.TCP -> 20;
            case IpProtocols.UDP -> 8;
            default -> 4;
        };
    }

    /** Partial sum of the IPv4 pseudo-header with the 4-byte destination taken from {@code dstOff}. */
    public static long pseudoHeaderIpv4(byte[] b, int ipOff, int dstOff, int protocol, int upperLength) {
        return Checksums.sum(b, ipOff + Ipv4Header.OFF_SRC, 4) + Checksums.sum(b, dstOff, 4) + protocol + upperLength;
    }

    /** Partial sum of the IPv6 pseudo-header with the 16-byte destination taken from {@code dstOff}. */
    public static long pseudoHeaderIpv6(byte[] b, int ipOff, int dstOff, int protocol, int upperLength) {
        return Checksums.sum(b, ipOff + Ipv6Header.OFF_SRC, 16)
                + Checksums.sum(b, dstOff, 16)
                + (upperLength >>> 16)
                + (upperLength & 0xffff)
                + protocol;
    }

    /**
     * The checksum the upper-layer header at {@code l4Off} (of {@code l4Len} bytes, protocol {@code protocol})
     * should carry, for the IP packet whose header is at {@code ipOff} (either family). The stored checksum
     * field is treated as zero. {@code pseudoDstOff} is the absolute offset of the destination address used
     * in the pseudo-header (the final destination when a source route / Routing header is present).
     */
    public static int compute(byte[] b, int ipOff, int pseudoDstOff, int protocol, int l4Off, int l4Len) {
        int field = checksumFieldOffset(protocol);
        if (field < 0) throw new IllegalArgumentException("no checksum for protocol " + protocol);
        long s;
        boolean v6 = (b[ipOff] & 0xf0) == 0x60;
        if (protocol == IpProtocols.ICMP && !v6) s = 0;
        else if (v6) s = pseudoHeaderIpv6(b, ipOff, pseudoDstOff, protocol, l4Len);
        else s = pseudoHeaderIpv4(b, ipOff, pseudoDstOff, protocol, l4Len);
        s = Checksums.add(s, b, l4Off, l4Len) - Bytes.u16(b, l4Off + field);
        int c = Checksums.finish(s);
        if (protocol == IpProtocols.UDP && c == 0) c = 0xffff; // RFC 768: zero is transmitted as all ones
        return c;
    }

    /**
     * Rewrites the TCP, UDP or ICMPv6 checksum of the segment {@code b[l4Off, end)} that follows the headers of the
     * IP packet at {@code ipOff} (pseudo-header with the packet's own destination): what the transforms do after
     * changing a packet's addresses or length (RFC 3948 §3.1.2 NAT-T transport mode, the UDP header of ESP-in-UDP
     * over IPv6). A UDP-over-IPv4 checksum of 0 ("none", RFC 768) stays 0; other protocols, and a segment too
     * short to hold the field, are left alone.
     */
    public static void rewrite(byte[] b, int ipOff, int protocol, int l4Off, int end) {
        if (protocol != IpProtocols.TCP && protocol != IpProtocols.UDP && protocol != IpProtocols.ICMPV6) return;
        int field = l4Off + checksumFieldOffset(protocol);
        if (field + 2 > end) return;
        boolean v6 = (b[ipOff] & 0xf0) == 0x60;
        if (!v6 && protocol == IpProtocols.UDP && Bytes.u16(b, field) == 0) return;
        int dstOff = ipOff + (v6 ? Ipv6Header.OFF_DST : Ipv4Header.OFF_DST);
        Bytes.put16(b, field, compute(b, ipOff, dstOff, protocol, l4Off, end - l4Off));
    }

    /**
     * Recomputes and stores the upper-layer checksum of a whole, unfragmented IP packet (TCP, UDP, ICMP,
     * ICMPv6; after AH headers and IPv6 extension headers). Returns false (and writes nothing) for other
     * protocols and for later fragments.
     */
    public static boolean update(byte[] b, int off, int len) throws MalformedPacketException {
        Target t = locate(b, off, len);
        if (t == null) return false;
        Bytes.put16(
                b, t.l4Off + checksumFieldOffset(t.protocol), compute(b, off, t.dstOff, t.protocol, t.l4Off, t.l4Len));
        return true;
    }

    public static boolean update(PacketBuffer p) throws MalformedPacketException {
        return update(p.array(), p.start(), p.length());
    }

    /**
     * Verifies the upper-layer checksum of a whole IP packet: true when it is right (or is a UDP-over-IPv4
     * zero, meaning none), false when wrong. Protocols without a checksum here and later fragments verify
     * trivially (true).
     */
    public static boolean verify(byte[] b, int off, int len) throws MalformedPacketException {
        Target t = locate(b, off, len);
        if (t == null) return true;
        int stored = Bytes.u16(b, t.l4Off + checksumFieldOffset(t.protocol));
        if (t.protocol == IpProtocols.UDP && stored == 0) return (b[off] & 0xf0) == 0x40; // RFC 768 / RFC 8200 §8.1
        int want = compute(b, off, t.dstOff, t.protocol, t.l4Off, t.l4Len);
        // 0x0000 and 0xffff are both one's-complement zero; accept either for TCP/ICMP (RFC 1624 §3).
        return stored == want
                || (t.protocol != IpProtocols.UDP && (stored ^ want) == 0xffff && (stored == 0 || want == 0));
    }

    public static boolean verify(PacketBuffer p) throws MalformedPacketException {
        return verify(p.array(), p.start(), p.length());
    }

    private record Target(int protocol, int l4Off, int l4Len, int dstOff) {}

    private static Target locate(byte[] b, int off, int len) throws MalformedPacketException {
        int version = IpPacket.version(b, off, len);
        int protocol;
        int l4Off;
        int end;
        int dstOff;
        if (version == 4) {
            UpperLayer u = IpPacket.upperLayer(b, off, len);
            if (u.laterFragment() || Ipv4Header.moreFragments(b, off)) return null;
            protocol = u.protocol();
            l4Off = u.offset();
            end = off + Ipv4Header.totalLength(b, off);
            int sr = OptionCursor.ipv4SourceRouteFinalDestination(b, off);
            dstOff = sr >= 0 ? sr : off + Ipv4Header.OFF_DST; // RFC 9293 §3.1: the final destination
            if (protocol == IpProtocols.ICMPV6) return null;
        } else {
            Ipv6HeaderChain c = Ipv6HeaderChain.scratch().parse(b, off, len);
            if (c.fragmentIndex() >= 0) return null; // a fragment: checksum covers the whole datagram
            protocol = c.upperProtocol();
            l4Off = c.upperOffset();
            end = c.packetEnd();
            dstOff = c.finalDestinationOffset();
            if (protocol == IpProtocols.ICMP) return null;
        }
        if (checksumFieldOffset(protocol) < 0) return null;
        int l4Len = end - l4Off;
        if (l4Len < minimumLength(protocol))
            throw new MalformedPacketException(
                    IpProtocols.name(protocol) + ": " + l4Len + " bytes, shorter than its header");
        return new Target(protocol, l4Off, l4Len, dstOff);
    }
}
