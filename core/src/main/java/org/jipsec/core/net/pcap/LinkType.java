package org.jipsec.core.net.pcap;

/**
 * The tcpdump.org LINKTYPE values this package reads, and how to find the IP packet inside a frame of each.
 *
 * <pre>
 * NULL (0)      4-byte address family in the capturing host's byte order, then the packet
 * ETHERNET (1)  dst MAC (6), src MAC (6), [0x8100/0x88a8/0x9100 + 2-byte TCI]*, EtherType (2), packet
 * RAW (101)     the IP packet itself (the historical DLT values 12 and 14 mean the same)
 * LOOP (108)    4-byte address family in network byte order, then the packet
 * </pre>
 */
public final class LinkType {
    private LinkType() {}

    public static final int NULL = 0;
    public static final int ETHERNET = 1;
    /** DLT_RAW on most BSDs (12) and on OpenBSD (14): read as RAW. */
    public static final int RAW_DLT12 = 12;

    public static final int RAW_DLT14 = 14;
    public static final int RAW = 101;
    public static final int LOOP = 108;

    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_IPV6 = 0x86dd;
    public static final int ETHERTYPE_VLAN = 0x8100;
    public static final int ETHERTYPE_QINQ = 0x88a8;
    public static final int ETHERTYPE_QINQ_OLD = 0x9100;
    /** Address families seen in NULL/LOOP headers: AF_INET, and AF_INET6 of BSD (24), FreeBSD (28), macOS (30), Linux (10). */
    public static final int AF_INET = 2;

    /** True for the link types {@link #ipOffset} understands. */
    public static boolean isSupported(int linkType) {
        return switch (linkType) {
            case NULL, ETHERNET, RAW_DLT12, RAW_DLT14, RAW, LOOP -> true;
            default -> false;
        };
    }

    /**
     * Offset of the IP packet inside {@code frame} for the given link type, or -1 when the frame carries
     * something else (ARP, another address family) or is too short to tell.
     */
    public static int ipOffset(int linkType, byte[] frame) {
        switch (linkType) {
            case RAW, RAW_DLT12, RAW_DLT14 -> {
                return frame.length > 0 && isIpVersion(frame[0]) ? 0 : -1;
            }
            case ETHERNET -> {
                int pos = 12;
                while (true) {
                    if (frame.length < pos + 2) return -1;
                    int type = ((frame[pos] & 0xff) << 8) | (frame[pos + 1] & 0xff);
                    if (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
                        pos += 4;
                        continue;
                    }
                    if (type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6) return frame.length > pos + 2 ? pos + 2 : -1;
                    return -1;
                }
            }
            case NULL, LOOP -> {
                if (frame.length < 5) return -1;
                int be = ((frame[0] & 0xff) << 24)
                        | ((frame[1] & 0xff) << 16)
                        | ((frame[2] & 0xff) << 8)
                        | (frame[3] & 0xff);
                // NULL is in the capturing host's byte order, which the file does not record: accept either.
                int family = linkType == LOOP || (be & 0xffff) != 0 ? be : Integer.reverseBytes(be);
                return switch (family) {
                    case AF_INET, 10, 24, 28, 30 -> 4;
                    default -> -1;
                };
            }
            default -> {
                return -1;
            }
        }
    }

    private static boolean isIpVersion(byte first) {
        int v = (first & 0xff) >>> 4;
        return v == 4 || v == 6;
    }
}
