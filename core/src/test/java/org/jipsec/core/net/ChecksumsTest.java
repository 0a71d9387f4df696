package org.jipsec.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChecksumsTest {

    @Test
    void rfc1071NumericalExample() {
        // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2 (folded); the checksum is its complement.
        byte[] b = Bytes.fromHex("0001f203f4f5f6f7");
        assertEquals(0xddf2, Checksums.fold(Checksums.sum(b, 0, b.length)));
        assertEquals(0x220d, Checksums.checksum(b, 0, b.length));
    }

    @Test
    void oddLengthPadsWithZero() {
        byte[] b = Bytes.fromHex("0001f203f4f5f6f7ab");
        byte[] padded = Bytes.fromHex("0001f203f4f5f6f7ab00");
        assertEquals(Checksums.checksum(padded, 0, 10), Checksums.checksum(b, 0, 9));
    }

    @Test
    void knownIpv4HeaderFromTshark() {
        // A header built by scapy (IP(src="10.1.0.1", dst="10.2.0.1")/UDP(...)), checksum 0x66c7.
        byte[] p = Bytes.fromHex("4500002100010000401166c70a0100010a02000104d20035000da2f668656c6c6f");
        assertTrue(Ipv4Header.verifyChecksum(p, 0));
        assertEquals(0x66c7, Ipv4Header.computeChecksum(p, 0));
        p[8] = 63; // TTL changed: the stored checksum no longer verifies
        assertFalse(Ipv4Header.verifyChecksum(p, 0));
    }

    @Test
    void rfc1624Example() {
        // RFC 1624 §4: HC = 0xdd2f, m = 0x5555 → m' = 0x3285 gives HC' = 0x0000 (eqn. 3), not 0xffff (eqn. 2).
        assertEquals(0x0000, Checksums.update16(0xdd2f, 0x5555, 0x3285));
    }

    @Test
    void incrementalUpdateEqualsRecomputation() {
        SplittableRandom r = new SplittableRandom(1624);
        for (int n = 0; n < 20000; n++) {
            int len = 2 * (3 + r.nextInt(40));
            byte[] b = new byte[len];
            for (int i = 0; i < len; i++) b[i] = (byte) r.nextInt(256);
            if (r.nextInt(8) == 0) java.util.Arrays.fill(b, (byte) 0);
            // Word 0 holds the checksum of the rest (as in a header); word 1 is never zero, as in every IP
            // header and pseudo-header: for all-zero data eqn. 3 yields 0x0000 where recomputation gives
            // 0xffff (both are one's-complement zero, RFC 1624 §3).
            b[2] = 0x45;
            Bytes.put16(b, 0, 0);
            Bytes.put16(b, 0, Checksums.checksum(b, 0, len));
            int at = 4 + 2 * r.nextInt(len / 2 - 2);
            boolean wide = at + 4 <= len && r.nextBoolean();
            if (wide) {
                int old = Bytes.i32(b, at);
                int neu = r.nextInt(4) == 0 ? 0 : r.nextInt();
                Checksums.adjust32(b, 0, old, neu);
                Bytes.put32(b, at, neu);
            } else {
                int old = Bytes.u16(b, at);
                int neu = r.nextInt(65536);
                Checksums.adjust16(b, 0, old, neu);
                Bytes.put16(b, at, neu);
            }
            // the incrementally updated checksum verifies (sum over everything folds to 0xffff)
            assertEquals(0xffff, Checksums.fold(Checksums.sum(b, 0, len)), "iteration " + n);
        }
    }

    @Test
    void decrementTtlKeepsChecksumValid() {
        byte[] p = Bytes.fromHex("4500002100010000401166c70a0100010a02000104d20035000da2f668656c6c6f");
        for (int i = 0; i < 64; i++) {
            Ipv4Header.decrementTtl(p, 0);
            assertTrue(Ipv4Header.verifyChecksum(p, 0));
        }
        assertEquals(0, Ipv4Header.ttl(p, 0));
    }

    @Test
    void wideSummingEqualsWordSumming() {
        SplittableRandom r = new SplittableRandom(5);
        for (int n = 0; n < 2000; n++) {
            byte[] b = new byte[r.nextInt(3000)];
            for (int i = 0; i < b.length; i++) b[i] = (byte) r.nextInt(256);
            long words = 0;
            for (int i = 0; i + 1 < b.length; i += 2) words += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
            if ((b.length & 1) != 0) words += (b[b.length - 1] & 0xff) << 8;
            assertEquals(Checksums.fold(words), Checksums.fold(Checksums.sum(b, 0, b.length)));
        }
    }

    @FuzzTest
    void transportChecksumNeverThrowsUnchecked(FuzzedDataProvider data) {
        byte[] b = data.consumeRemainingAsBytes();
        try {
            byte[] copy = b.clone();
            if (TransportChecksum.update(copy, 0, copy.length))
                assertTrue(TransportChecksum.verify(copy, 0, copy.length));
            TransportChecksum.verify(b, 0, b.length);
        } catch (MalformedPacketException expected) {
            // the only exception a decoder may throw
        }
    }
}
