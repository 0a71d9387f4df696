package org.jipsec.core.net;

import java.net.Inet6Address;
import java.net.UnknownHostException;

/**
 * In-place accessors for the fixed IPv6 header (RFC 8200 §3) at an absolute offset of a byte array.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Source Address (128 bits)                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             Destination Address (128 bits)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Accessors do not check bounds; validate untrusted input once with {@link #check}. Addresses are read as
 * two longs (high, low) on the hot path; {@link #srcAddress} allocates and is for control paths.
 */
public final class Ipv6Header {
    private Ipv6Header() {}

    public static final int LENGTH = 40;
    /** RFC 8200 §5: every link carries at least 1280-byte packets. */
    public static final int MIN_MTU = 1280;

    public static final int OFF_PAYLOAD_LENGTH = 4;
    public static final int OFF_NEXT_HEADER = 6;
    public static final int OFF_HOP_LIMIT = 7;
    public static final int OFF_SRC = 8;
    public static final int OFF_DST = 24;

    /**
     * Validates the header at {@code b[off]} of a packet that may use at most {@code len} bytes: version 6,
     * 40 bytes present, 40 + payload length within {@code len}. A payload length of 0 with a Hop-by-Hop header
     * would be a jumbogram (RFC 2675), which we do not support: it is rejected. Returns the packet length
     * (40 + payload length); bytes beyond it (link padding) are allowed.
     */
    public static int check(byte[] b, int off, int len) throws MalformedPacketException {
        if (off < 0 || len < 0 || off > b.length - len) throw new MalformedPacketException("IPv6: bad buffer bounds");
        if (len < LENGTH) throw new MalformedPacketException("IPv6: " + len + " bytes, shorter than a header");
        if (version(b, off) != 6) throw new MalformedPacketException("IPv6: version " + version(b, off));
        int total = LENGTH + payloadLength(b, off);
        if (total > len)
            throw new MalformedPacketException(
                    "IPv6: payload length " + payloadLength(b, off) + " > " + (len - LENGTH) + " bytes");
        if (payloadLength(b, off) == 0 && nextHeader(b, off) == IpProtocols.HOPOPTS)
            throw new MalformedPacketException("IPv6: jumbogram (payload length 0 with hop-by-hop) not supported");
        return total;
    }

    public static int version(byte[] b, int off) {
        return (b[off] & 0xff) >>> 4;
    }

    public static int trafficClass(byte[] b, int off) {
        return (Bytes.i32(b, off) >>> 20) & 0xff;
    }

    public static void setTrafficClass(byte[] b, int off, int tc) {
        Bytes.put32(b, off, (Bytes.i32(b, off) & 0xf00fffff) | ((tc & 0xff) << 20));
    }

    public static int dscp(byte[] b, int off) {
        return trafficClass(b, off) >>> 2;
    }

    public static int ecn(byte[] b, int off) {
        return trafficClass(b, off) & 3;
    }

    public static int flowLabel(byte[] b, int off) {
        return Bytes.i32(b, off) & 0xfffff;
    }

    public static void setFlowLabel(byte[] b, int off, int label) {
        Bytes.put32(b, off, (Bytes.i32(b, off) & 0xfff00000) | (label & 0xfffff));
    }

    public static int payloadLength(byte[] b, int off) {
        return Bytes.u16(b, off + OFF_PAYLOAD_LENGTH);
    }

    public static void setPayloadLength(byte[] b, int off, int v) {
        Bytes.put16(b, off + OFF_PAYLOAD_LENGTH, v);
    }

    public static int nextHeader(byte[] b, int off) {
        return b[off + OFF_NEXT_HEADER] & 0xff;
    }

    public static void setNextHeader(byte[] b, int off, int v) {
        b[off + OFF_NEXT_HEADER] = (byte) v;
    }

    public static int hopLimit(byte[] b, int off) {
        return b[off + OFF_HOP_LIMIT] & 0xff;
    }

    public static void setHopLimit(byte[] b, int off, int v) {
        b[off + OFF_HOP_LIMIT] = (byte) v;
    }

    public static long srcHigh(byte[] b, int off) {
        return Bytes.i64(b, off + OFF_SRC);
    }

    public static long srcLow(byte[] b, int off) {
        return Bytes.i64(b, off + OFF_SRC + 8);
    }

    public static long dstHigh(byte[] b, int off) {
        return Bytes.i64(b, off + OFF_DST);
    }

    public static long dstLow(byte[] b, int off) {
        return Bytes.i64(b, off + OFF_DST + 8);
    }

    public static void setSrc(byte[] b, int off, byte[] addr16) {
        System.arraycopy(addr16, 0, b, off + OFF_SRC, 16);
    }

    public static void setDst(byte[] b, int off, byte[] addr16) {
        System.arraycopy(addr16, 0, b, off + OFF_DST, 16);
    }

    /** Allocates: for control paths and tests, not per packet. */
    public static Inet6Address srcAddress(byte[] b, int off) {
        return address(b, off + OFF_SRC);
    }

    public static Inet6Address dstAddress(byte[] b, int off) {
        return address(b, off + OFF_DST);
    }

    /** Writes a 40-byte header: version 6, the given traffic class, flow label and fields. */
    public static void write(
            byte[] b,
            int off,
            int trafficClass,
            int flowLabel,
            int payloadLength,
            int nextHeader,
            int hopLimit,
            byte[] src16,
            byte[] dst16) {
        Bytes.put32(b, off, (6 << 28) | ((trafficClass & 0xff) << 20) | (flowLabel & 0xfffff));
        setPayloadLength(b, off, payloadLength);
        setNextHeader(b, off, nextHeader);
        setHopLimit(b, off, hopLimit);
        setSrc(b, off, src16);
        setDst(b, off, dst16);
    }

    /** The 16 bytes of an IPv6 address at an absolute offset, as an address object (allocates). */
    public static Inet6Address address(byte[] b, int at) {
        try {
            // Inet6Address.getByAddress keeps IPv4-mapped addresses IPv6 (InetAddress.getByAddress would not).
            return Inet6Address.getByAddress(null, java.util.Arrays.copyOfRange(b, at, at + 16), -1);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 16 bytes is always a valid IPv6 address
        }
    }
}
