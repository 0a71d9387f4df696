package org.jipsec.core.xform;

/**
 * Where the transforms cut into an IP packet: a bounds-checked look at an IPv4 or IPv6 header chain that
 * finds the insertion point of an IPsec header and the byte that holds "next header".
 *
 * <p>IPv6 (RFC 8200 §4.1, RFC 4303 §3.1.1): ESP/AH go after Hop-by-Hop, Routing and a Destination Options
 * header that precedes a Routing header; a Destination Options header for the final destination goes inside.
 * Reused per thread: {@link #parse} overwrites every field. This is the transforms' private view of headers;
 * the general packet layer lives in {@code org.jipsec.core.net}.
 */
final class IpView {
    static final int HOPOPTS = 0, IPV4 = 4, TCP = 6, UDP = 17, IPV6 = 41, ROUTING = 43, FRAGMENT = 44,
            ESP = 50, AH = 51, ICMPV6 = 58, NONE = 59, DSTOPTS = 60, IPCOMP = 108;

    int version;
    /** Absolute offset of the first byte after the headers that stay in front of an IPsec header. */
    int hdrEnd;
    /** Absolute offset of the byte holding the protocol/next-header value of what follows {@link #hdrEnd}. */
    int nhOffset;
    /** The protocol that follows {@link #hdrEnd}. */
    int proto;
    /** Absolute end of the IP packet per its length field (≤ buffer end). */
    int ipEnd;
    /**
     * The packet is a fragment (IPv4 MF or offset, or an IPv6 Fragment header in the chain walked; the walk
     * stops there with {@link #proto} 44). IPsec applies to whole packets: reassembly comes first (RFC 4303
     * §3.4.1), and transport mode never protects a fragment (§3.3.4).
     */
    boolean fragment;

    /**
     * Parses for output ({@code forInput} false: stop at the IPsec insertion point) or input ({@code forInput}
     * true: walk every extension header up to the first ESP/AH/IPComp or upper-layer header).
     *
     * @return null, or the reason the packet is malformed
     */
    DropReason parse(byte[] b, int start, int end, boolean forInput) {
        int len = end - start;
        if (len < 1) return DropReason.SHORT;
        version = (b[start] & 0xff) >>> 4;
        fragment = false;
        if (version == 4) {
            if (len < 20) return DropReason.SHORT;
            int ihl = (b[start] & 0x0f) * 4;
            int total = u16(b, start + 2);
            if (ihl < 20 || total < ihl || total > len) return DropReason.BAD_HEADER;
            hdrEnd = start + ihl;
            nhOffset = start + 9;
            proto = b[start + 9] & 0xff;
            ipEnd = start + total;
            fragment = (u16(b, start + 6) & 0x3fff) != 0;
            return null;
        }
        if (version == 6) {
            if (len < 40) return DropReason.SHORT;
            int plen = u16(b, start + 4);
            if (plen == 0) return DropReason.INVALID; // jumbogram: NetBSD EMSGSIZE (spec §4.11)
            if (40 + plen > len) return DropReason.BAD_HEADER;
            ipEnd = start + 40 + plen;
            int nhOff = start + 6;
            int off = start + 40;
            int nh = b[nhOff] & 0xff;
            boolean first = true;
            while (nh == HOPOPTS || nh == ROUTING || nh == DSTOPTS) {
                if (nh == HOPOPTS && !first) return DropReason.BAD_HEADER; // RFC 8200 §4.1: only first
                if (off + 8 > ipEnd) return DropReason.SHORT;
                int extLen = ((b[off + 1] & 0xff) + 1) * 8;
                if (off + extLen > ipEnd) return DropReason.SHORT;
                if (!forInput && nh == DSTOPTS) {
                    // a Destination Options header goes before ESP only when a Routing header follows it
                    if ((b[off] & 0xff) != ROUTING) break;
                }
                nhOff = off;
                nh = b[off] & 0xff;
                off += extLen;
                first = false;
            }
            hdrEnd = off;
            nhOffset = nhOff;
            proto = nh;
            fragment = nh == FRAGMENT;
            return null;
        }
        return DropReason.BAD_HEADER;
    }

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static int i32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void put64(byte[] b, int off, long v) {
        put32(b, off, (int) (v >>> 32));
        put32(b, off + 4, (int) v);
    }

    /** Sets the IP length field after the packet [start, end) changed size; recomputes the IPv4 header checksum. */
    static void fixLength(byte[] b, int start, int end) {
        if ((b[start] & 0xf0) == 0x40) {
            put16(b, start + 2, end - start);
            ipv4Checksum(b, start);
        } else {
            put16(b, start + 4, end - start - 40);
        }
    }

    /** RFC 791 header checksum over the IHL bytes at {@code start}. */
    static void ipv4Checksum(byte[] b, int start) {
        int ihl = (b[start] & 0x0f) * 4;
        b[start + 10] = 0;
        b[start + 11] = 0;
        put16(b, start + 10, ~fold(sum(b, start, ihl, 0)) & 0xffff);
    }

    static int sum(byte[] b, int off, int len, int acc) {
        long s = acc & 0xffffffffL;
        int i = 0;
        for (; i + 1 < len; i += 2) s += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        if (i < len) s += (b[off + i] & 0xff) << 8;
        while ((s >>> 32) != 0 || s > 0x7fffffffL) s = (s & 0xffff) + (s >>> 16);
        return (int) s;
    }

    static int fold(int s) {
        long x = s & 0xffffffffL;
        while ((x >>> 16) != 0) x = (x & 0xffff) + (x >>> 16);
        return (int) x;
    }

    /**
     * Recomputes the TCP/UDP/ICMPv6 checksum of the upper-layer segment [off, end) of the packet at {@code ipStart}
     * (RFC 768, RFC 793, RFC 8200 §8.1 pseudo-headers). UDP over IPv4 with checksum 0 stays 0.
     */
    static void upperChecksum(byte[] b, int ipStart, int proto, int off, int end) {
        int csumAt;
        if (proto == TCP) csumAt = off + 16;
        else if (proto == UDP) csumAt = off + 6;
        else if (proto == ICMPV6) csumAt = off + 2;
        else return;
        if (csumAt + 2 > end) return;
        boolean v4 = (b[ipStart] & 0xf0) == 0x40;
        if (v4 && proto == UDP && b[csumAt] == 0 && b[csumAt + 1] == 0) return;
        b[csumAt] = 0;
        b[csumAt + 1] = 0;
        int s;
        int len = end - off;
        if (v4) {
            s = sum(b, ipStart + 12, 8, 0);
        } else {
            s = sum(b, ipStart + 8, 32, 0);
        }
        s = sum(new byte[] {0, 0, (byte) (len >>> 8), (byte) len, 0, 0, 0, (byte) proto}, 0, 8, s);
        s = sum(b, off, len, s);
        int c = ~fold(s) & 0xffff;
        if (c == 0 && proto == UDP) c = 0xffff;
        put16(b, csumAt, c);
    }
}
