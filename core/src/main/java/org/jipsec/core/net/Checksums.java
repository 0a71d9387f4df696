package org.jipsec.core.net;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of the data
 * taken as big-endian 16-bit words (an odd last byte is padded with a zero byte), and its incremental
 * update (RFC 1624).
 *
 * <p>Working values: a <em>partial sum</em> is a non-negative {@code long} that may exceed 16 bits; carries
 * are folded only in {@link #fold}. Partial sums of disjoint even-length pieces add (RFC 1071 §2(B)), which
 * is how pseudo-headers are combined with payloads. {@link #finish} folds and complements.
 *
 * <p>Transport checksums of both families live in {@link TransportChecksum}; the IPv4 header checksum in
 * {@link Ipv4Header#computeChecksum}.
 */
public final class Checksums {
    private Checksums() {}

    /**
     * Adds {@code b[off, off+len)} to the partial sum {@code acc}. {@code off}'s word alignment is
     * relative to {@code off} itself: the first byte is the high byte of a word. 32 bits are summed at a
     * time (RFC 1071 §2(C): the sum is independent of the word size once folded).
     */
    public static long add(long acc, byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        long sum = 0;
        long sum2 = 0;
        // 8 bytes per load, as two 32-bit halves into two accumulators (no overflow: < 2^33 per step,
        // and a packet is < 2^16 bytes).
        while (end - i >= 16) {
            long x = Bytes.i64(b, i);
            long y = Bytes.i64(b, i + 8);
            sum += (x >>> 32) + (x & 0xffffffffL);
            sum2 += (y >>> 32) + (y & 0xffffffffL);
            i += 16;
        }
        sum += sum2;
        while (end - i >= 4) {
            sum += Bytes.i32(b, i) & 0xffffffffL;
            i += 4;
        }
        if (end - i >= 2) {
            sum += Bytes.u16(b, i);
            i += 2;
        }
        if (i < end) sum += (b[i] & 0xff) << 8;
        return acc + sum;
    }

    /** The partial sum of {@code b[off, off+len)}. */
    public static long sum(byte[] b, int off, int len) {
        return add(0, b, off, len);
    }

    /** Folds carries into 16 bits (RFC 1071 §4.1: "while (sum>>16) sum = (sum & 0xffff) + (sum >> 16)"). */
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
        long s = (~oldChecksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        return ~fold(s) & 0xffff;
    }

    /** {@link #update16} for a 32-bit field (an IPv4 address, a sequence number): two words at once. */
    public static int update32(int oldChecksum, int oldValue, int newValue) {
        long s = (~oldChecksum & 0xffff)
                + (~(oldValue >>> 16) & 0xffff) + (~oldValue & 0xffff)
                + ((newValue >>> 16) & 0xffff) + (newValue & 0xffff);
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
