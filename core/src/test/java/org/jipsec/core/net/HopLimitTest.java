package org.jipsec.core.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HopLimitTest {

    /** scapy: IP(src="10.1.0.1", dst="10.2.0.1", ttl=64)/UDP(sport=1234, dport=53)/"hello", checksum 0x66c7. */
    static final String UDP4 = "4500002100010000401166c70a0100010a02000104d20035000da2f668656c6c6f";

    @Test
    void ipv4TtlDecrementedWithTheChecksumAsARecomputationGivesIt() {
        byte[] p = Bytes.fromHex(UDP4);
        assertEquals(63, HopLimit.decrement(p, 0, p.length));
        assertEquals(63, Ipv4Header.ttl(p, 0));
        // scapy: the same packet with ttl=63 has checksum 0x67c7
        assertEquals(0x67c7, Ipv4Header.checksum(p, 0));
        assertEquals(Ipv4Header.computeChecksum(p, 0), Ipv4Header.checksum(p, 0));
        assertTrue(Ipv4Header.verifyChecksum(p, 0));
    }

    @Test
    void ipv4DownToOneThenExpiredAndLeftUnchanged() {
        byte[] p = Bytes.fromHex(UDP4);
        for (int ttl = 63; ttl >= 1; ttl--) {
            assertEquals(ttl, HopLimit.decrement(p, 0, p.length));
            assertTrue(Ipv4Header.verifyChecksum(p, 0), "ttl " + ttl);
        }
        byte[] before = p.clone();
        assertEquals(HopLimit.EXPIRED, HopLimit.decrement(p, 0, p.length)); // arrived with 1: not forwarded
        assertArrayEquals(before, p);
        p[8] = 0;
        Ipv4Header.updateChecksum(p, 0);
        assertEquals(HopLimit.EXPIRED, HopLimit.decrement(p, 0, p.length)); // and with 0
    }

    @Test
    void ipv4RandomHeadersAndOptionsAtAnOffset() {
        SplittableRandom r = new SplittableRandom(791);
        for (int n = 0; n < 20000; n++) {
            int ihl = 5 + r.nextInt(11);
            int off = r.nextInt(16);
            byte[] p = new byte[off + ihl * 4 + 8];
            for (int i = off; i < p.length; i++) p[i] = (byte) r.nextInt(256);
            p[off] = (byte) (0x40 | ihl);
            int ttl = r.nextInt(256);
            p[off + 8] = (byte) ttl;
            Ipv4Header.updateChecksum(p, off);
            int got = HopLimit.decrement(p, off, p.length - off);
            if (ttl <= 1) {
                assertEquals(HopLimit.EXPIRED, got);
                continue;
            }
            assertEquals(ttl - 1, got);
            // incremental (RFC 1624 eqn. 3) equals a recomputation over the new header
            assertEquals(Ipv4Header.computeChecksum(p, off), Ipv4Header.checksum(p, off), "iteration " + n);
        }
    }

    @Test
    void ipv6HopLimit() {
        byte[] p = new byte[48];
        p[0] = 0x60;
        p[6] = 17;
        p[7] = 64;
        assertEquals(63, HopLimit.decrement(p, 0, p.length));
        assertEquals(63, p[7]);
        p[7] = (byte) 255;
        assertEquals(254, HopLimit.decrement(p, 0, p.length));
        p[7] = 1;
        assertEquals(HopLimit.EXPIRED, HopLimit.decrement(p, 0, p.length));
        assertEquals(1, p[7]);
        p[7] = 0;
        assertEquals(HopLimit.EXPIRED, HopLimit.decrement(p, 0, p.length));
    }

    @Test
    void notIp() {
        assertEquals(HopLimit.NOT_IP, HopLimit.decrement(new byte[0], 0, 0));
        assertEquals(HopLimit.NOT_IP, HopLimit.decrement(new byte[19], 0, 19));
        byte[] short6 = new byte[39];
        short6[0] = 0x60;
        assertEquals(HopLimit.NOT_IP, HopLimit.decrement(short6, 0, 39));
        byte[] v5 = new byte[40];
        v5[0] = 0x50;
        assertEquals(HopLimit.NOT_IP, HopLimit.decrement(v5, 0, 40));
    }
}
