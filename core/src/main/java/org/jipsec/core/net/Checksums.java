package org.jipsec.core.net;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of the data
 * taken as big-endian 16-bit words (an odd last byte is padded with a zero byte), and its incremental
 * update (RFC 1624).
 *
 * <p>Working values: a <em>partial sum</em> is a non-negative {@code long} that may exceed 16 bits; carries
 * are folded only in {@link #fold}. Partial sums of disjoint even-length pieces add (RFC 1071 §2(B)), which
 * is how pseudo-headers are combined with payloads. {@link #finish} folds and complements.
 *
 * <p>The one implementation in jipsec (the transforms, the engine and the io layer's TUN offload all use it), over
 * heap arrays and over memory segments. Transport checksums of both families live in {@link TransportChecksum};
 * the IPv4 header checksum in {@link Ipv4Header#computeChecksum}.
 */
public final class Checksums {
    private Checksums() {}

    private static final java.lang.invoke.VarHandle LONGS_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort BE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /**
     * Adds {@code b[off, off+len)} to the partial sum {@code acc}. {@code off}'s word alignment is relative to
     * {@code off} itself: the first byte is the high byte of a word. Read 32 bytes a step in the CPU's little-endian
     * order (no byte swaps) into four accumulators; the sum is byte-order independent up to a swap of the folded
     * result (RFC 1071 §2(B)), done once before the tail. Each 8-byte word is added as its two 32-bit halves (RFC 1071
     * §2(C)): a 64 KiB packet adds &lt; 2^46, no overflow.
     */
    public static long add(long acc, byte[] b, int off, int len) {
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
        long t = acc;
        if (le != 0) {
            int folded = fold(le);
            // back to network byte order; plus 0xffff * 2^16 (congruent to 0 in one's complement, and the sum is not
            // zero) so the partial sum stays above any 16-bit word a caller subtracts (a checksum field it covered)
            t += (((folded & 0xff) << 8) | (folded >>> 8)) + 0xffff0000L;
        }
        while (i + 2 <= end) {
            t += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
            i += 2;
        }
        if (i < end) t += (b[i] & 0xff) << 8;
        return t;
    }

    /**
     * {@link #add(long, byte[], int, int)} over memory outside the heap (the TUN and socket rings): 32 bytes a step
     * into four independent sums, each 8-byte big-endian word added as two 32-bit halves.
     */
    public static long add(long acc, MemorySegment seg, long off, int len) {
        long i = off;
        long end = off + len;
        long sum = acc;
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
        if (i < end) sum += (seg.get(ValueLayout.JAVA_BYTE, i) & 0xff) << 8;
        return sum;
    }

    /** The Internet checksum of {@code len} bytes of {@code seg} at {@code off} (RFC 1071). */
    public static int checksum(MemorySegment seg, long off, int len) {
        return finish(add(0, seg, off, len));
    }

    /** The partial sum of {@code b[off, off+len)}. */
    public static long sum(byte[] b, int off, int len) {
        return add(0, b, off, len);
    }

    /** Folds carries into 16 bits (RFC 1071 §4.1: "{@code while (sum>>16) sum = (sum & 0xffff) + (sum >> 16)}"). */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) sum;
    }

    /** The checksum to write into a header: the complement of the folded sum. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xffff;
    }

    /** The Internet checksum of {@code b[off, off+len)} (RFC 1071). */
    public static int checksum(byte[] b, int off, int len) {
        return finish(sum(b, off, len));
    }

    /**
     * RFC 1624 eqn. 3, {@code HC' = ~(~HC + ~m + m')}: the new checksum after one 16-bit word of the
     * covered data changed from {@code oldWord} to {@code newWord}. Unlike eqn. 2 this never yields the
     * "negative zero" 0xffff... from a non-0xffff checksum except where a full recomputation would.
     */
    public static int update16(int oldChecksum, int oldWord, int newWord) {
        long s = (long) (~oldChecksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        return ~fold(s) & 0xffff;
    }

    /** {@link #update16} for a 32-bit field (an IPv4 address, a sequence number): two words at once. */
    public static int update32(int oldChecksum, int oldValue, int newValue) {
        long s = (long) (~oldChecksum & 0xffff)
                + (~(oldValue >>> 16) & 0xffff)
                + (~oldValue & 0xffff)
                + ((newValue >>> 16) & 0xffff)
                + (newValue & 0xffff);
        return ~fold(s) & 0xffff;
    }

    /**
     * Updates in place the checksum stored at {@code b[checksumOff]} for a 16-bit word of covered data that
     * is about to change from {@code oldWord} to {@code newWord} (the caller writes the new word itself).
     */
    public static void adjust16(byte[] b, int checksumOff, int oldWord, int newWord) {
        Bytes.put16(b, checksumOff, update16(Bytes.u16(b, checksumOff), oldWord, newWord));
    }

    /** {@link #adjust16} for a 32-bit field of covered data. */
    public static void adjust32(byte[] b, int checksumOff, int oldValue, int newValue) {
        Bytes.put16(b, checksumOff, update32(Bytes.u16(b, checksumOff), oldValue, newValue));
    }
}
