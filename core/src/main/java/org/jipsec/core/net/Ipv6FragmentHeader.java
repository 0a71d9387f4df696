package org.jipsec.core.net;

/**
 * In-place accessors for the IPv6 Fragment header (RFC 8200 §4.5), always 8 bytes.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Identification                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Ipv6FragmentHeader {
    private Ipv6FragmentHeader() {}

    public static final int LENGTH = 8;

    public static int nextHeader(byte[] b, int fhOff) {
        return b[fhOff] & 0xff;
    }

    /** Fragment offset in bytes (the field counts 8-byte units). */
    public static int fragmentOffset(byte[] b, int fhOff) {
        return Bytes.u16(b, fhOff + 2) & 0xfff8;
    }

    public static boolean moreFragments(byte[] b, int fhOff) {
        return (b[fhOff + 3] & 1) != 0;
    }

    public static int identification(byte[] b, int fhOff) {
        return Bytes.i32(b, fhOff + 4);
    }

    /** RFC 6946: offset 0 and M = 0 — an "atomic fragment", processed in isolation. */
    public static boolean isAtomic(byte[] b, int fhOff) {
        return (Bytes.u16(b, fhOff + 2) & 0xfff9) == 0;
    }

    public static void write(byte[] b, int fhOff, int nextHeader, int offsetBytes, boolean more, int identification) {
        if ((offsetBytes & 7) != 0 || offsetBytes < 0 || offsetBytes > 0xfff8)
            throw new IllegalArgumentException("fragment offset " + offsetBytes);
        b[fhOff] = (byte) nextHeader;
        b[fhOff + 1] = 0;
        Bytes.put16(b, fhOff + 2, offsetBytes | (more ? 1 : 0));
        Bytes.put32(b, fhOff + 4, identification);
    }
}
