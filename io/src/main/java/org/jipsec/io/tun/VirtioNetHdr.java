package org.jipsec.io.tun;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The header that precedes every packet on a TUN descriptor opened with {@code IFF_VNET_HDR}
 * ({@code struct virtio_net_hdr}, include/uapi/linux/virtio_net.h; Virtio 1.x §5.1.6). Little-endian, as
 * Linux TUN uses on little-endian hosts unless {@code TUNSETVNETBE} is set.
 *
 * <pre>
 *  0      1          2          4          6            8             10
 *  | flags | gso_type | hdr_len  | gso_size | csum_start | csum_offset |
 * </pre>
 *
 * @param flags      {@link #F_NEEDS_CSUM}: the L4 checksum must be completed: sum from {@code csumStart} to the
 *                   end and store at {@code csumStart + csumOffset} (the field holds the pseudo-header sum);
 *                   {@link #F_DATA_VALID}: the checksum was verified
 * @param gsoType    {@link #GSO_NONE}, {@link #GSO_TCPV4}, {@link #GSO_TCPV6}, {@link #GSO_UDP_L4}, | {@link #GSO_ECN}
 * @param hdrLen     length of the headers to replicate in every segment (a hint; may be imprecise)
 * @param gsoSize    payload bytes per segment (the MSS for TCP)
 * @param csumStart  offset of the L4 header from the start of the IP packet
 * @param csumOffset offset of the checksum field inside the L4 header (16 for TCP, 6 for UDP)
 */
public record VirtioNetHdr(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {
    /** Size of the header (without the mergeable-buffers field). */
    public static final int SIZE = 10;

    public static final int F_NEEDS_CSUM = 1;
    public static final int F_DATA_VALID = 2;
    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_UDP = 3;
    public static final int GSO_TCPV6 = 4;
    public static final int GSO_UDP_L4 = 5;
    public static final int GSO_ECN = 0x80;
    /** A header for a plain packet (no offload). */
    public static final VirtioNetHdr NONE = new VirtioNetHdr(0, GSO_NONE, 0, 0, 0, 0);

    private static final ValueLayout.OfShort LE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Parses the header at {@code off}; {@code len} is the number of valid bytes from {@code off}. */
    public static VirtioNetHdr parse(MemorySegment seg, long off, int len) throws TunPacketException {
        if (len < SIZE || off < 0 || off > seg.byteSize() - SIZE) {
            throw new TunPacketException("frame shorter than virtio_net_hdr: " + len);
        }
        return new VirtioNetHdr(
                seg.get(ValueLayout.JAVA_BYTE, off) & 0xff,
                seg.get(ValueLayout.JAVA_BYTE, off + 1) & 0xff,
                seg.get(LE_SHORT, off + 2) & 0xffff,
                seg.get(LE_SHORT, off + 4) & 0xffff,
                seg.get(LE_SHORT, off + 6) & 0xffff,
                seg.get(LE_SHORT, off + 8) & 0xffff);
    }

    /** Writes this header at {@code off}. */
    public void write(MemorySegment seg, long off) {
        seg.set(ValueLayout.JAVA_BYTE, off, (byte) flags);
        seg.set(ValueLayout.JAVA_BYTE, off + 1, (byte) gsoType);
        seg.set(LE_SHORT, off + 2, (short) hdrLen);
        seg.set(LE_SHORT, off + 4, (short) gsoSize);
        seg.set(LE_SHORT, off + 6, (short) csumStart);
        seg.set(LE_SHORT, off + 8, (short) csumOffset);
    }

    /** True if this header asks for segmentation. */
    public boolean isGso() {
        return (gsoType & ~GSO_ECN) != GSO_NONE;
    }
}
