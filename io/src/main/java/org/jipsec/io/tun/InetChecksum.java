package org.jipsec.io.tun;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The Internet checksum (RFC 1071): ones' complement sum of 16-bit big-endian words, over memory segments. */
public final class InetChecksum {
    private static final ValueLayout.OfShort BE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong BE_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private InetChecksum() {
    }

    /** Adds {@code len} bytes at {@code off} to the running (unfolded) sum {@code sum}; an odd tail is padded. */
    public static long add(long sum, MemorySegment seg, long off, int len) {
        long i = off;
        long end = off + len;
        // 32 bytes a step into four independent sums (no single dependency chain), each 8-byte word added as two
        // 32-bit halves: the same sum as the 4-byte loop (a 64 KiB packet adds < 2^46 — no overflow)
        if (len >= 64) {
            long s1 = 0, s2 = 0, s3 = 0;
            while (i + 32 <= end) {
                long v0 = seg.get(BE_LONG, i);
                long v1 = seg.get(BE_LONG, i + 8);
                long v2 = seg.get(BE_LONG, i + 16);
                long v3 = seg.get(BE_LONG, i + 24);
                sum += (v0 >>> 32) + (v0 & 0xffffffffL);
                s1 += (v1 >>> 32) + (v1 & 0xffffffffL);
                s2 += (v2 >>> 32) + (v2 & 0xffffffffL);
                s3 += (v3 >>> 32) + (v3 & 0xffffffffL);
                i += 32;
            }
            sum += s1 + s2 + s3;
        }
        while (i + 8 <= end) {
            long v = seg.get(BE_LONG, i);
            sum += (v >>> 32) + (v & 0xffffffffL);
            i += 8;
        }
        while (i + 4 <= end) {
            sum += seg.get(BE_INT, i) & 0xffffffffL;
            i += 4;
        }
        if (i + 2 <= end) {
            sum += seg.get(BE_SHORT, i) & 0xffff;
            i += 2;
        }
        if (i < end) {
            sum += (seg.get(ValueLayout.JAVA_BYTE, i) & 0xff) << 8;
        }
        return sum;
    }

    private static final java.lang.invoke.VarHandle LONGS_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * Adds {@code len} bytes of {@code b} at {@code off} to the running (unfolded) sum; an odd tail is padded. The
     * same sum as {@link #add(long, MemorySegment, long, int)}, read from a heap array 32 bytes a step in the CPU's
     * little-endian order (no byte swaps) into four accumulators; the sum is byte-order independent up to a swap of
     * the folded result (RFC 1071 §2(B)), done once at the end. Each 8-byte word is added as its two 32-bit halves:
     * a 64 KiB packet adds < 2^46, no overflow.
     */
    public static long add(long sum, byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        int i = off;
        int end = off + len;
        long s0 = 0;
        long s1 = 0;
        long s2 = 0;
        long s3 = 0;
        while (i + 32 <= end) {
            long v0 = (long) LONGS_LE.get(b, i);
            long v1 = (long) LONGS_LE.get(b, i + 8);
            long v2 = (long) LONGS_LE.get(b, i + 16);
            long v3 = (long) LONGS_LE.get(b, i + 24);
            s0 += (v0 & 0xffffffffL) + (v1 & 0xffffffffL);
            s1 += (v0 >>> 32) + (v1 >>> 32);
            s2 += (v2 & 0xffffffffL) + (v3 & 0xffffffffL);
            s3 += (v2 >>> 32) + (v3 >>> 32);
            i += 32;
        }
        long le = s0 + s1 + s2 + s3;
        while (i + 8 <= end) {
            long v = (long) LONGS_LE.get(b, i);
            le += (v & 0xffffffffL) + (v >>> 32);
            i += 8;
        }
        int folded = fold(le);
        long t = sum + (((folded & 0xff) << 8) | (folded >>> 8));   // back to network byte order
        while (i + 2 <= end) {
            t += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
            i += 2;
        }
        if (i < end) {
            t += (b[i] & 0xff) << 8;
        }
        return t;
    }

    /** The checksum of {@code len} bytes of {@code b} at {@code off}. */
    public static int of(byte[] b, int off, int len) {
        return finish(add(0, b, off, len));
    }

    /** Folds a running sum to 16 bits and complements it: the value to store in a checksum field. */
    public static int finish(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** The folded but not complemented 16-bit sum. */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum of {@code len} bytes at {@code off} (for an IPv4 header with its checksum field zeroed). */
    public static int of(MemorySegment seg, long off, int len) {
        return finish(add(0, seg, off, len));
    }
}
