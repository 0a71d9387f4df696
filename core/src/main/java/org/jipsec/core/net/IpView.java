package org.jipsec.core.net;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Where IPsec cuts into an IP packet: a bounds-checked look at an IPv4 header or an IPv6 header chain that finds the
 * insertion point of an ESP/AH/IPComp header and the byte that holds its "next header" (output), or the first
 * IPsec or upper-layer header (input). The transforms' view; the full extension-header walk for selectors, checksums
 * and AH is {@link Ipv6HeaderChain}.
 *
 * <p>IPv6 (RFC 8200 §4.1, RFC 4303 §3.1.1): ESP/AH go after Hop-by-Hop, Routing and a Destination Options header
 * that precedes a Routing header; a Destination Options header for the final destination goes inside. Reused per
 * thread: {@link #parse} overwrites every field.
 */
public final class IpView {

    /** What {@link #parse} found wrong (the transforms count each as a drop reason). */
    public enum Problem {
        /** Shorter than a header says. */
        SHORT,
        /** An impossible header: version, IHL, length fields, Hop-by-Hop not first. */
        BAD_HEADER,
        /** An IPv6 jumbogram (payload length 0), which jipsec does not carry. */
        JUMBOGRAM
    }

    public int version;
    /** Absolute offset of the first byte after the headers that stay in front of an IPsec header. */
    public int hdrEnd;
    /** Absolute offset of the byte holding the protocol/next-header value of what follows {@link #hdrEnd}. */
    public int nhOffset;
    /** The protocol that follows {@link #hdrEnd}. */
    public int proto;
    /** Absolute end of the IP packet per its length field (≤ buffer end). */
    public int ipEnd;
    /**
     * The packet is a fragment (IPv4 MF or offset, or an IPv6 Fragment header in the chain walked; the walk
     * stops there with {@link #proto} 44). IPsec applies to whole packets: reassembly comes first (RFC 4303
     * §3.4.1), and transport mode never protects a fragment (§3.3.4).
     */
    public boolean fragment;

    /**
     * Parses for output ({@code forInput} false: stop at the IPsec insertion point) or input ({@code forInput}
     * true: walk every extension header up to the first ESP/AH/IPComp or upper-layer header).
     *
     * @return null, or what is wrong with the packet
     */
    public Problem parse(byte[] b, int start, int end, boolean forInput) {
        int len = end - start;
        if (len < 1) return Problem.SHORT;
        version = (b[start] & 0xff) >>> 4;
        fragment = false;
        if (version == 4) {
            if (len < 20) return Problem.SHORT;
            int ihl = (b[start] & 0x0f) * 4;
            int total = Bytes.u16(b, start + 2);
            if (ihl < 20 || total < ihl || total > len) return Problem.BAD_HEADER;
            hdrEnd = start + ihl;
            nhOffset = start + 9;
            proto = b[start + 9] & 0xff;
            ipEnd = start + total;
            fragment = (Bytes.u16(b, start + 6) & 0x3fff) != 0;
            return null;
        }
        if (version == 6) {
            if (len < 40) return Problem.SHORT;
            int plen = Bytes.u16(b, start + 4);
            if (plen == 0) return Problem.JUMBOGRAM; // NetBSD EMSGSIZE (spec §4.11)
            if (40 + plen > len) return Problem.BAD_HEADER;
            ipEnd = start + 40 + plen;
            int nhOff = start + 6;
            int off = start + 40;
            int nh = b[nhOff] & 0xff;
            boolean first = true;
            while (nh == IpProtocols.HOPOPTS || nh == IpProtocols.ROUTING || nh == IpProtocols.DSTOPTS) {
                if (nh == IpProtocols.HOPOPTS && !first) return Problem.BAD_HEADER; // RFC 8200 §4.1: only first
                if (off + 8 > ipEnd) return Problem.SHORT;
                int extLen = ((b[off + 1] & 0xff) + 1) * 8;
                if (off + extLen > ipEnd) return Problem.SHORT;
                if (!forInput && nh == IpProtocols.DSTOPTS) {
                    // a Destination Options header goes before ESP only when a Routing header follows it
                    if ((b[off] & 0xff) != IpProtocols.ROUTING) break;
                }
                nhOff = off;
                nh = b[off] & 0xff;
                off += extLen;
                first = false;
            }
            hdrEnd = off;
            nhOffset = nhOff;
            proto = nh;
            fragment = nh == IpProtocols.FRAGMENT;
            return null;
        }
        return Problem.BAD_HEADER;
    }

    /** Sets the IP length field after the packet [start, end) changed size; recomputes the IPv4 header checksum. */
    public static void fixLength(byte[] b, int start, int end) {
        if ((b[start] & 0xf0) == 0x40) {
            Bytes.put16(b, start + Ipv4Header.OFF_TOTAL_LENGTH, end - start);
            Ipv4Header.updateChecksum(b, start);
        } else {
            Bytes.put16(b, start + 4, end - start - 40);
        }
    }

    /** The IP version nibble of the packet at {@code off} (4 or 6 for an IP packet). */
    public static int version(byte[] b, int off) {
        return (b[off] & 0xf0) >>> 4;
    }

    /** {@link #version(byte[], int)} of a packet at the start of a memory segment. */
    public static int version(MemorySegment p) {
        return (p.get(ValueLayout.JAVA_BYTE, 0) & 0xf0) >>> 4;
    }

    /** The IHL of the IPv4 header at the start of a memory segment, in bytes (not checked against anything). */
    public static int ipv4HeaderLength(MemorySegment p) {
        return (p.get(ValueLayout.JAVA_BYTE, 0) & 0x0f) * 4;
    }

    /**
     * The outer IP header's length: IPv4 IHL (at most {@code len}), IPv6 the fixed 40 bytes; 0 when {@code len} is
     * too short for the version's header or the version is neither.
     */
    public static int headerLength(byte[] b, int off, int len) {
        if (len < 1) return 0;
        int v = (b[off] & 0xf0) >>> 4;
        if (v == 4 && len >= Ipv4Header.MIN_LENGTH) return Math.min(len, (b[off] & 0x0f) * 4);
        if (v == 6 && len >= Ipv6Header.LENGTH) return Ipv6Header.LENGTH;
        return 0;
    }

    /**
     * The protocol the outer header names (IPv6: after Hop-by-Hop, Routing and Destination Options headers, at most
     * eight, as far as the bytes go); 0 when there is no IP header. Lenient: reads what is there, checks nothing.
     */
    public static int outerProtocol(byte[] b, int off, int len) {
        long w = walkOuter(b, off, len);
        return w < 0 ? 0 : (int) (w & 0xff);
    }

    /**
     * Where the outer header ends, as {@link #outerProtocol} walks it (IPv4: the IHL; IPv6: after Hop-by-Hop,
     * Routing and Destination Options headers), relative to {@code off}; -1 when there is no IP header. The result may
     * lie beyond {@code len} for a truncated packet (a capture): check before reading there.
     */
    public static int outerHeaderEnd(byte[] b, int off, int len) {
        long w = walkOuter(b, off, len);
        return w < 0 ? -1 : (int) (w >>> 8);
    }

    /** (header end relative to {@code off}) << 8 | protocol, or -1. */
    private static long walkOuter(byte[] b, int off, int len) {
        if (len < 1) return -1;
        int v = (b[off] & 0xf0) >>> 4;
        if (v == 4)
            return len >= Ipv4Header.MIN_LENGTH ? (((long) (b[off] & 0x0f) * 4) << 8) | (b[off + 9] & 0xff) : -1;
        if (v != 6 || len < Ipv6Header.LENGTH) return -1;
        int nh = b[off + 6] & 0xff;
        int pos = off + Ipv6Header.LENGTH;
        for (int i = 0;
                i < 8 && (nh == IpProtocols.HOPOPTS || nh == IpProtocols.ROUTING || nh == IpProtocols.DSTOPTS);
                i++) {
            if (pos + 2 > off + len) break;
            int next = b[pos] & 0xff;
            pos += ((b[pos + 1] & 0xff) + 1) * 8;
            nh = next;
        }
        return ((long) (pos - off) << 8) | nh;
    }

    /**
     * Whether the packet at {@code off} goes to a destination no IPsec policy of a gateway applies to: IPv4 multicast
     * (224/4) or limited broadcast, IPv6 multicast (ff00::/8) or link-local unicast (fe80::/10). Shorter than a
     * header: false.
     */
    public static boolean linkScopedDestination(byte[] p, int off, int len) {
        if (len < 20) return false;
        int v = (p[off] & 0xf0) >>> 4;
        if (v == 6 && len >= 40) {
            int d0 = p[off + 24] & 0xff;
            int d1 = p[off + 25] & 0xff;
            return d0 == 0xff || (d0 == 0xfe && (d1 & 0xc0) == 0x80);
        }
        if (v == 4) return linkScopedIpv4(Bytes.i32(p, off + Ipv4Header.OFF_DST));
        return false;
    }

    /** {@link #linkScopedDestination(byte[], int, int)} for a packet at the start of a memory segment. */
    public static boolean linkScopedDestination(MemorySegment p, int len) {
        if (len < 20) return false;
        int v = (p.get(ValueLayout.JAVA_BYTE, 0) & 0xf0) >>> 4;
        if (v == 6 && len >= 40) {
            int d0 = p.get(ValueLayout.JAVA_BYTE, 24) & 0xff;
            int d1 = p.get(ValueLayout.JAVA_BYTE, 25) & 0xff;
            return d0 == 0xff || (d0 == 0xfe && (d1 & 0xc0) == 0x80);
        }
        if (v == 4) return linkScopedIpv4(p.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 16));
        return false;
    }

    private static boolean linkScopedIpv4(int dst) {
        return (dst >>> 28) == 0xe || dst == -1; // 224.0.0.0/4, 255.255.255.255
    }
}
