package org.jipsec.io.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.HopLimit;
import org.jipsec.core.net.Ipv4Header;
import org.junit.jupiter.api.Test;

class LoopDetectorTest {

    /** IPv4 UDP 10.1.0.1:1234 → 10.2.0.1:53 "hello", TTL 64, identification 1. */
    static byte[] udp4() {
        return Bytes.fromHex("4500002100010000401166c70a0100010a02000104d20035000da2f668656c6c6f");
    }

    /** What the data plane does: returned? else decrement and record. True when re-emitted. */
    static boolean reemit(LoopDetector d, byte[] p) {
        if (d.returned(p, 0, p.length)) return false;
        if (HopLimit.decrement(p, 0, p.length) < 0) return false;
        d.emitted(p, 0, p.length);
        return true;
    }

    @Test
    void aReemittedPacketComingBackIsRecognisedAtItsFirstReturn() {
        LoopDetector d = new LoopDetector(42);
        byte[] p = udp4();
        assertTrue(reemit(d, p));
        // the kernel fills in a new identification (ours was 0 or not) and recomputes the checksum
        byte[] back = p.clone();
        Bytes.put16(back, 4, 0x7777);
        Ipv4Header.updateChecksum(back, 0);
        assertTrue(d.returned(back, 0, back.length));
        assertFalse(reemit(d, back));
    }

    @Test
    void theSenderRepeatingItsPacketIsNotALoop() {
        LoopDetector d = new LoopDetector(42);
        assertTrue(reemit(d, udp4()));
        assertTrue(reemit(d, udp4()), "the same packet again from its source: TTL 64, not the re-emitted 63");
        byte[] other = udp4();
        other[other.length - 1] = 'O';
        assertFalse(d.returned(other, 0, other.length));
    }

    @Test
    void ipv6ComesBackUnchanged() {
        LoopDetector d = new LoopDetector(7);
        byte[] p = new byte[48];
        p[0] = 0x60;
        p[5] = 8;
        p[6] = 17;
        p[7] = 64;
        p[8] = (byte) 0xfd;
        p[24] = (byte) 0xfd;
        p[39] = 5;
        assertTrue(reemit(d, p));
        assertFalse(reemit(d, p.clone()), "came back");
        byte[] fresh = p.clone();
        fresh[7] = 64;
        assertTrue(reemit(d, fresh));
    }

    @Test
    void manyPacketsOnTheirWayAreAllRecognised() {
        // 256 re-emissions before any comes back (a batch and more): every one is still known at its return
        LoopDetector d = new LoopDetector(42);
        byte[][] sent = new byte[256][];
        for (int i = 0; i < sent.length; i++) {
            byte[] p = udp4();
            Bytes.put16(p, p.length - 2, i);
            assertTrue(reemit(d, p));
            sent[i] = p;
        }
        for (byte[] p : sent) assertTrue(d.returned(p, 0, p.length));
        // a set replaces its oldest entry: 20000 more re-emissions push the first ones out (bounded memory)
        for (int i = 0; i < 20000; i++) {
            byte[] p = udp4();
            Bytes.put32(p, p.length - 4, 0x10000 + i);
            reemit(d, p);
        }
        int still = 0;
        for (byte[] p : sent) if (d.returned(p, 0, p.length)) still++;
        assertEquals(0, still, "entries still known");
    }

    @Test
    void theSeedKeysTheFingerprint() {
        byte[] p = udp4();
        assertNotEquals(
                new LoopDetector(1).fingerprint(p, 0, p.length), new LoopDetector(2).fingerprint(p, 0, p.length));
    }

    @Test
    void boundedLapsEvenWhenEveryReturnIsMissed() {
        // a detector that never sees its own packets again (its slot always overwritten): the TTL ends the loop
        byte[] p = udp4();
        int laps = 0;
        while (laps < 1000 && reemit(new LoopDetector(laps), p)) laps++;
        assertTrue(laps == 63, "laps " + laps);
    }
}
