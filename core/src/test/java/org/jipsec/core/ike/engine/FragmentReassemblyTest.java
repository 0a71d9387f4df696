package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.jipsec.core.ike.codec.IkeHeader;
import org.jipsec.core.ike.crypto.SkCipher;
import org.junit.jupiter.api.Test;

/** RFC 7383 §2.6: reassembly bounds, duplicates, out of order, and a changed Total Fragments. */
class FragmentReassemblyTest {

    static SkCipher.Fragment f(int n, int total, byte... content) {
        return new SkCipher.Fragment(new IkeHeader(1, 2, 0, 35, 0, 1), n, total, n == 1 ? 41 : 0, content);
    }

    @Test
    void outOfOrderAndDuplicatedFragmentsMakeOneMessage() {
        FragmentReassembly r = new FragmentReassembly();
        byte[] first = {9};
        assertNull(r.add(1, false, f(3, 3, (byte) 5), new byte[0], 0));
        assertNull(r.add(1, false, f(1, 3, (byte) 1, (byte) 2), first, 1));
        assertNull(r.add(1, false, f(3, 3, (byte) 5), new byte[0], 2)); // duplicate
        FragmentReassembly.Complete c = r.add(1, false, f(2, 3, (byte) 3, (byte) 4), new byte[0], 3);
        assertNotNull(c);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, c.content());
        assertEquals(41, c.firstInnerPayload());
        assertArrayEquals(first, c.firstDatagram());
    }

    @Test
    void aLargerTotalStartsOverASmallerOneIsDropped() {
        FragmentReassembly r = new FragmentReassembly();
        assertNull(r.add(1, false, f(1, 2, (byte) 1), new byte[0], 0));
        assertNull(r.add(1, false, f(2, 3, (byte) 2), new byte[0], 0)); // §2.6.2: larger, start over
        assertNull(r.add(1, false, f(2, 2, (byte) 2), new byte[0], 0)); // smaller than 3: dropped
        assertNull(r.add(1, false, f(1, 3, (byte) 1), new byte[0], 0));
        assertNotNull(r.add(1, false, f(3, 3, (byte) 3), new byte[0], 0));
        assertEquals(2, r.dropped());
    }

    @Test
    void boundsOnCountSizeAndAge() {
        FragmentReassembly r = new FragmentReassembly();
        assertNull(r.add(1, false, f(1, FragmentReassembly.MAX_FRAGMENTS + 1, (byte) 1), new byte[0], 0));
        assertEquals(1, r.dropped());
        byte[] big = new byte[FragmentReassembly.MAX_BYTES / 2 + 1];
        assertNull(r.add(2, false, f(1, 3, big), new byte[0], 0));
        assertNull(r.add(2, false, f(2, 3, big), new byte[0], 0)); // over MAX_BYTES: all dropped
        assertNull(r.add(2, false, f(3, 3, (byte) 1), new byte[0], 0)); // a fresh, incomplete collection
        assertNull(r.add(3, false, f(1, 2, (byte) 1), new byte[0], 0));
        // too old: the late second fragment starts a new collection instead of completing the old one
        assertNull(r.add(3, false, f(2, 2, (byte) 2), new byte[0], FragmentReassembly.MAX_AGE_MILLIS + 1));
    }

    @Test
    void anotherMessageIdOrDirectionReplacesTheCollection() {
        FragmentReassembly r = new FragmentReassembly();
        assertNull(r.add(1, false, f(1, 2, (byte) 1), new byte[0], 0));
        assertNull(r.add(2, false, f(2, 2, (byte) 2), new byte[0], 0));
        assertNull(r.add(2, true, f(1, 2, (byte) 1), new byte[0], 0));
        assertNotNull(r.add(2, true, f(2, 2, (byte) 2), new byte[0], 0));
    }
}
