package org.jipsec.core.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * In-place accessors for the IPv4 header (RFC 791 §3.1) at an absolute offset of a byte array.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |   DSCP    |ECN|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Flags: bit 0 reserved (must be zero), DF = 0x4000, MF = 0x2000 of the 16-bit flags/offset word; the
 * fragment offset counts 8-byte units (RFC 791). TOS octet = DSCP (RFC 2474) &lt;&lt; 2 | ECN (RFC 3168).
 *
 * <p>Accessors do not check bounds; validate untrusted input once with {@link #check}.
 */
public final class Ipv4Header {
    private Ipv4Header() {}

    public static final int MIN_LENGTH = 20;
    public static final int MAX_LENGTH = 60;
    public static final int MAX_PACKET = 65535;
    public static final int FLAG_RESERVED = 0x8000;
    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    public static final int OFFSET_MASK = 0x1fff;

    public static final int OFF_TOS = 1;
    public static final int OFF_TOTAL_LENGTH = 2;
    public static final int OFF_ID = 4;
    public static final int OFF_FLAGS_FRAGMENT = 6;
    public static final int OFF_TTL = 8;
    public static final int OFF_PROTOCOL = 9;
    public static final int OFF_CHECKSUM = 10;
    public static final int OFF_SRC = 12;
    public static final int OFF_DST = 16;
    public static final int OFF_OPTIONS = 20;

    /**
     * Validates the header at {@code b[off]} of a packet that may use at most {@code len} bytes: version 4,
     * IHL ≥ 5, the header and the total length within {@code len}, total length ≥ header length. Bytes after
     * the total length (link-layer padding) are allowed. Does not verify the checksum (see
     * {@link #verifyChecksum}). Returns the header length in bytes.
     */
    public static int check(byte[] b, int off, int len) throws MalformedPacketException {
        if (off < 0 || len < 0 || off > b.length - len) throw new MalformedPacketException("IPv4: bad buffer bounds");
        if (len < MIN_LENGTH) throw new MalformedPacketException("IPv4: " + len + " bytes, shorter than a header");
        if (version(b, off) != 4) throw new MalformedPacketException("IPv4: version " + version(b, off));
        int hl = headerLength(b, off);
        if (hl < MIN_LENGTH) throw new MalformedPacketException("IPv4: IHL " + ihl(b, off) + " < 5");
        if (hl > len) throw new MalformedPacketException("IPv4: header length " + hl + " > " + len + " bytes");
        int total = totalLength(b, off);
        if (total < hl) throw new MalformedPacketException("IPv4: total length " + total + " < header length " + hl);
        if (total > len) throw new MalformedPacketException("IPv4: total length " + total + " > " + len + " bytes");
        return hl;
    }

    public static int version(byte[] b, int off) {
        return (b[off] & 0xff) >>> 4;
    }

    /** IHL in 32-bit words. */
    public static int ihl(byte[] b, int off) {
        return b[off] & 0x0f;
    }

    /** Header length in bytes (IHL × 4). */
    public static int headerLength(byte[] b, int off) {
        return (b[off] & 0x0f) << 2;
    }

    public static void setVersionAndHeaderLength(byte[] b, int off, int headerLengthBytes) {
        if ((headerLengthBytes & 3) != 0 || headerLengthBytes < MIN_LENGTH || headerLengthBytes > MAX_LENGTH)
            throw new IllegalArgumentException("IPv4 header length " + headerLengthBytes);
        b[off] = (byte) (0x40 | (headerLengthBytes >>> 2));
    }

    public static int tos(byte[] b, int off) {
        return b[off + OFF_TOS] & 0xff;
    }

    public static void setTos(byte[] b, int off, int tos) {
        b[off + OFF_TOS] = (byte) tos;
    }

    public static int dscp(byte[] b, int off) {
        return tos(b, off) >>> 2;
    }

    public static int ecn(byte[] b, int off) {
        return tos(b, off) & 3;
    }

    public static void setDscp(byte[] b, int off, int dscp) {
        setTos(b, off, (dscp << 2) | ecn(b, off));
    }

    public static void setEcn(byte[] b, int off, int ecn) {
        setTos(b, off, (tos(b, off) & ~3) | (ecn & 3));
    }

    public static int totalLength(byte[] b, int off) {
        return Bytes.u16(b, off + OFF_TOTAL_LENGTH);
    }

    public static void setTotalLength(byte[] b, int off, int v) {
        Bytes.put16(b, off + OFF_TOTAL_LENGTH, v);
    }

    public static int identification(byte[] b, int off) {
        return Bytes.u16(b, off + OFF_ID);
    }

    public static void setIdentification(byte[] b, int off, int v) {
        Bytes.put16(b, off + OFF_ID, v);
    }

    /** The whole flags/fragment-offset word. */
    public static int flagsAndOffset(byte[] b, int off) {
        return Bytes.u16(b, off + OFF_FLAGS_FRAGMENT);
    }

    public static void setFlagsAndOffset(byte[] b, int off, int v) {
        Bytes.put16(b, off + OFF_FLAGS_FRAGMENT, v);
    }

    public static boolean dontFragment(byte[] b, int off) {
        return (flagsAndOffset(b, off) & FLAG_DF) != 0;
    }

    public static boolean moreFragments(byte[] b, int off) {
        return (flagsAndOffset(b, off) & FLAG_MF) != 0;
    }

    public static void setDontFragment(byte[] b, int off, boolean df) {
        int w = flagsAndOffset(b, off);
        setFlagsAndOffset(b, off, df ? w | FLAG_DF : w & ~FLAG_DF);
    }

    public static void setMoreFragments(byte[] b, int off, boolean mf) {
        int w = flagsAndOffset(b, off);
        setFlagsAndOffset(b, off, mf ? w | FLAG_MF : w & ~FLAG_MF);
    }

    /** Fragment offset in 8-byte units. */
    public static int fragmentOffsetUnits(byte[] b, int off) {
        return flagsAndOffset(b, off) & OFFSET_MASK;
    }

    /** Fragment offset in bytes. */
    public static int fragmentOffset(byte[] b, int off) {
        return (flagsAndOffset(b, off) & OFFSET_MASK) << 3;
    }

    /** Sets the fragment offset (bytes; must be a multiple of 8), keeping the flags. */
    public static void setFragmentOffset(byte[] b, int off, int bytes) {
        if ((bytes & 7) != 0 || bytes < 0 || (bytes >>> 3) > OFFSET_MASK)
            throw new IllegalArgumentException("fragment offset " + bytes);
        setFlagsAndOffset(b, off, (flagsAndOffset(b, off) & ~OFFSET_MASK) | (bytes >>> 3));
    }

    /** True when this packet is a fragment: MF set or a non-zero offset (RFC 791). */
    public static boolean isFragment(byte[] b, int off) {
        return (flagsAndOffset(b, off) & (FLAG_MF | OFFSET_MASK)) != 0;
    }

    public static int ttl(byte[] b, int off) {
        return b[off + OFF_TTL] & 0xff;
    }

    public static void setTtl(byte[] b, int off, int v) {
        b[off + OFF_TTL] = (byte) v;
    }

    public static int protocol(byte[] b, int off) {
        return b[off + OFF_PROTOCOL] & 0xff;
    }

    public static void setProtocol(byte[] b, int off, int v) {
        b[off + OFF_PROTOCOL] = (byte) v;
    }

    public static int checksum(byte[] b, int off) {
        return Bytes.u16(b, off + OFF_CHECKSUM);
    }

    public static void setChecksum(byte[] b, int off, int v) {
        Bytes.put16(b, off + OFF_CHECKSUM, v);
    }

    /** Source address as a 32-bit int (network order: 10.0.0.1 = 0x0a000001). */
    public static int src(byte[] b, int off) {
        return Bytes.i32(b, off + OFF_SRC);
    }

    public static int dst(byte[] b, int off) {
        return Bytes.i32(b, off + OFF_DST);
    }

    public static void setSrc(byte[] b, int off, int addr) {
        Bytes.put32(b, off + OFF_SRC, addr);
    }

    public static void setDst(byte[] b, int off, int addr) {
        Bytes.put32(b, off + OFF_DST, addr);
    }

    /** Allocates: for control paths and tests, not per packet. */
    public static Inet4Address srcAddress(byte[] b, int off) {
        return address(b, off + OFF_SRC);
    }

    public static Inet4Address dstAddress(byte[] b, int off) {
        return address(b, off + OFF_DST);
    }

    public static int optionsLength(byte[] b, int off) {
        return headerLength(b, off) - MIN_LENGTH;
    }

    /** The header checksum as it should be (RFC 791: over the header with the checksum field taken as 0). */
    public static int computeChecksum(byte[] b, int off) {
        int hl = headerLength(b, off);
        long s = Checksums.sum(b, off, hl) - checksum(b, off);
        return Checksums.finish(s);
    }

    /** Recomputes and stores the header checksum. */
    public static void updateChecksum(byte[] b, int off) {
        setChecksum(b, off, computeChecksum(b, off));
    }

    /** True when the stored header checksum is right (the sum over the header folds to 0xffff). */
    public static boolean verifyChecksum(byte[] b, int off) {
        return Checksums.fold(Checksums.sum(b, off, headerLength(b, off))) == 0xffff;
    }

    /**
     * Decrements the TTL and patches the checksum incrementally (RFC 1624 §4 — the case RFC 1141 got wrong).
     */
    public static void decrementTtl(byte[] b, int off) {
        int oldWord = Bytes.u16(b, off + OFF_TTL);
        b[off + OFF_TTL]--;
        Checksums.adjust16(b, off + OFF_CHECKSUM, oldWord, Bytes.u16(b, off + OFF_TTL));
    }

    /**
     * Writes a 20-byte header without options (version 4, IHL 5) with a correct checksum.
     *
     * @param flagsAndOffset the flags/fragment-offset word, e.g. {@link #FLAG_DF}
     */
    public static void write(
            byte[] b,
            int off,
            int tos,
            int totalLength,
            int id,
            int flagsAndOffset,
            int ttl,
            int protocol,
            int src,
            int dst) {
        writeUnchecked(b, off, tos, totalLength, id, flagsAndOffset, ttl, protocol, src, dst);
        updateChecksum(b, off);
    }

    /**
     * {@link #write} with the checksum field left 0: a header that never reaches a wire (the engine's view of a
     * received ESP-in-UDP datagram, whose header is rewritten or dropped with the ESP header).
     */
    public static void writeUnchecked(
            byte[] b,
            int off,
            int tos,
            int totalLength,
            int id,
            int flagsAndOffset,
            int ttl,
            int protocol,
            int src,
            int dst) {
        b[off] = 0x45;
        b[off + OFF_TOS] = (byte) tos;
        setTotalLength(b, off, totalLength);
        setIdentification(b, off, id);
        setFlagsAndOffset(b, off, flagsAndOffset);
        setTtl(b, off, ttl);
        setProtocol(b, off, protocol);
        setChecksum(b, off, 0);
        setSrc(b, off, src);
        setDst(b, off, dst);
    }

    /** An IPv4 address as the int the accessors use. */
    public static int toInt(InetAddress a) {
        if (!(a instanceof Inet4Address)) throw new IllegalArgumentException("not IPv4: " + a);
        return Bytes.i32(a.getAddress(), 0);
    }

    public static Inet4Address toAddress(int addr) {
        byte[] raw = new byte[4];
        Bytes.put32(raw, 0, addr);
        return address(raw, 0);
    }

    private static Inet4Address address(byte[] b, int at) {
        try {
            return (Inet4Address) InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, at, at + 4));
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 bytes is always a valid IPv4 address
        }
    }
}
