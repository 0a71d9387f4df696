package org.jipsec.io.ffm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * {@link PacketBatch#extensionHeaders}: the RFC 3542 §4 cmsgs a Linux IPv6 raw socket writes (laid out as the kernel
 * does: cmsghdr of 16 bytes, data, padding to 8) are read back in order, others skipped; truncation and overflow
 * are a -1 (drop), never an exception.
 */
class PacketBatchExtensionHeadersTest {

    static final byte[] HBH = HexFormat.of().parseHex("3c00050200000100");
    static final byte[] DST = HexFormat.of().parseHex("3301010c000000000000000000000000");
    static final byte[] RH = HexFormat.of().parseHex("3302020000000000fd770000000000000000000000000002");

    /** Appends one cmsg at {@code off}; returns the next offset (CMSG_SPACE). */
    static int cmsg(MemorySegment c, int off, int level, int type, byte[] data) {
        c.set(JAVA_LONG, off, 16 + data.length);
        c.set(JAVA_INT, off + 8, level);
        c.set(JAVA_INT, off + 12, type);
        MemorySegment.copy(data, 0, c, JAVA_BYTE, off + 16, data.length);
        return off + ((16 + data.length + 7) & ~7);
    }

    static byte[] intData(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    @Test
    void headersComeBackInOrderBetweenOtherCmsgs() {
        try (PacketBatch b = new PacketBatch(2, 2048, NativeDatagramSocket.EXTENSION_HEADERS_CONTROL)) {
            MemorySegment c = b.controlArea(1);
            int off = cmsg(c, 0, LibC.IPPROTO_IPV6, LibC.IPV6_PKTINFO, new byte[20]);
            off = cmsg(c, off, LibC.IPPROTO_IPV6, LibC.IPV6_HOPLIMIT, intData(63));
            off = cmsg(c, off, LibC.IPPROTO_IPV6, LibC.IPV6_HOPOPTS, HBH);
            off = cmsg(c, off, LibC.IPPROTO_IPV6, LibC.IPV6_DSTOPTS, DST);
            off = cmsg(c, off, LibC.IPPROTO_IPV6, LibC.IPV6_RTHDR, RH);
            off = cmsg(c, off, LibC.IPPROTO_IPV6, LibC.IPV6_DSTOPTS, HBH);
            b.setReceivedControl(1, off, 0);
            byte[] ext = new byte[8192];
            byte[] kinds = new byte[8];
            int[] lens = new int[8];
            assertEquals(4, b.extensionHeaders(1, ext, kinds, lens));
            assertArrayEquals(new byte[] {0, 60, 43, 60}, Arrays.copyOf(kinds, 4));
            assertArrayEquals(new int[] {8, 16, 24, 8}, Arrays.copyOf(lens, 4));
            byte[] all = new byte[56];
            System.arraycopy(HBH, 0, all, 0, 8);
            System.arraycopy(DST, 0, all, 8, 16);
            System.arraycopy(RH, 0, all, 24, 24);
            System.arraycopy(HBH, 0, all, 48, 8);
            assertArrayEquals(all, Arrays.copyOf(ext, 56));
            assertEquals(63, b.hopLimit(1));

            // too many for the arrays, too long for the byte array, truncated by the kernel: -1
            assertEquals(-1, b.extensionHeaders(1, ext, new byte[3], lens));
            assertEquals(-1, b.extensionHeaders(1, new byte[40], kinds, lens));
            b.setReceivedControl(1, off, LibC.MSG_CTRUNC);
            assertEquals(-1, b.extensionHeaders(1, ext, kinds, lens));
            // a cmsg length running past the control data: -1
            c.set(JAVA_LONG, 0, 4000);
            b.setReceivedControl(1, off, 0);
            assertEquals(-1, b.extensionHeaders(1, ext, kinds, lens));
        }
    }

    @Test
    void noExtensionHeadersIsZero() {
        try (PacketBatch b = new PacketBatch(1, 2048, NativeDatagramSocket.EXTENSION_HEADERS_CONTROL)) {
            MemorySegment c = b.controlArea(0);
            int off = cmsg(c, 0, LibC.IPPROTO_IPV6, LibC.IPV6_PKTINFO, new byte[20]);
            off = cmsg(c, off, LibC.IPPROTO_IPV6, LibC.IPV6_TCLASS, intData(0xb8));
            b.setReceivedControl(0, off, 0);
            assertEquals(0, b.extensionHeaders(0, new byte[8192], new byte[8], new int[8]));
            assertEquals(0xb8, b.trafficClass(0));
        }
    }
}
