package org.jipsec.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The one checksum implementation's fast paths (heap array read little-endian, memory segment) vs RFC 1071 literally. */
class ChecksumsSpeedPathTest {

    /** RFC 1071 §3, literally: ones' complement sum of 16-bit big-endian words, an odd byte padded with zero. */
    private static int reference(byte[] b, int off, int len) {
        long s = 0;
        int i = 0;
        for (; i + 1 < len; i += 2) s += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        if (i < len) s += (b[off + i] & 0xff) << 8;
        while ((s >>> 16) != 0) s = (s & 0xffff) + (s >>> 16);
        return (int) (~s & 0xffff);
    }

    @Test
    void rfc1071Example() {
        // RFC 1071 §3 numerical example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (checksum 220d)
        byte[] b = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        assertEquals(0x220d, Checksums.finish(Checksums.add(0, MemorySegment.ofArray(b), 0, b.length)));
    }

    @Test
    void matchesTheWordByWordSumForAnyLengthAndOffset() {
        SplittableRandom r = new SplittableRandom(1071);
        byte[] b = new byte[65536 + 16];
        MemorySegment seg = MemorySegment.ofArray(b);
        for (int n = 0; n < 2000; n++) {
            r.nextBytes(b);
            if (n % 7 == 0) java.util.Arrays.fill(b, (byte) 0xff); // the largest sums: carries everywhere
            int len = n < 100 ? n : r.nextInt(n % 10 == 0 ? 65536 : 1600);
            int off = r.nextInt(16);
            assertEquals(
                    reference(b, off, len),
                    Checksums.finish(Checksums.add(0, seg, off, len)),
                    "len " + len + " off " + off);
            assertEquals(
                    reference(b, off, len),
                    Checksums.finish(Checksums.add(0, b, off, len)),
                    "heap array: len " + len + " off " + off);
        }
    }

    @Test
    void heapArraySumMatchesTheWordByWordSum() {
        SplittableRandom r = new SplittableRandom(1072);
        byte[] b = new byte[65536 + 16];
        for (int n = 0; n < 2000; n++) {
            r.nextBytes(b);
            if (n % 7 == 0) java.util.Arrays.fill(b, (byte) 0xff);
            int len = n < 100 ? n : r.nextInt(n % 10 == 0 ? 65536 : 1600);
            int off = r.nextInt(16);
            long start = r.nextInt(0x10000);
            assertEquals(reference(b, off, len), Checksums.checksum(b, off, len), "len " + len + " off " + off);
            assertEquals(
                    Checksums.finish(Checksums.add(start, MemorySegment.ofArray(b), off, len)),
                    Checksums.finish(Checksums.add(start, b, off, len)),
                    "running sum, len " + len);
        }
    }

    @Test
    void aCoveredFieldSubtractedFromThePartialSumGivesTheSumWithoutIt() {
        // how IPv4 header and transport checksums are computed over a header whose checksum field is set: the
        // partial sum must stay above the word taken out, whatever the data (a folded partial sum would not)
        SplittableRandom r = new SplittableRandom(1073);
        for (int n = 0; n < 5000; n++) {
            byte[] b = new byte[16 + r.nextInt(80)];
            r.nextBytes(b);
            if (n % 5 == 0) java.util.Arrays.fill(b, 0, 8, (byte) 0);
            int field = 2 * r.nextInt(b.length / 2);
            int stored = Bytes.u16(b, field);
            byte[] zeroed = b.clone();
            zeroed[field] = 0;
            zeroed[field + 1] = 0;
            assertEquals(
                    reference(zeroed, 0, zeroed.length),
                    Checksums.finish(Checksums.sum(b, 0, b.length) - stored),
                    "len " + b.length + " field " + field);
        }
    }
}
