package org.jipsec.core.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PacketBufferTest {

    @Test
    void prependAndAppendUseRoomWithoutCopying() {
        PacketBuffer p = PacketBuffer.allocate(64, 256);
        int at = p.append(4);
        p.array()[at] = 1;
        byte[] before = p.array();
        int s = p.prepend(20);
        assertEquals(44, s);
        int t = p.append(16);
        assertEquals(64 + 4, t);
        assertSame(before, p.array());
        assertEquals(40, p.length());
        assertEquals(1, p.u8(20));
    }

    @Test
    void headroomShortageMovesInsideArrayWhenTotalRoomSuffices() {
        PacketBuffer p = PacketBuffer.copyOf(new byte[] {1, 2, 3}, 2, 30);
        byte[] before = p.array();
        p.prepend(8);
        assertSame(before, p.array());
        assertArrayEquals(new byte[] {1, 2, 3}, java.util.Arrays.copyOfRange(p.array(), p.start() + 8, p.end()));
    }

    @Test
    void growsWhenNoRoomLeft() {
        PacketBuffer p = PacketBuffer.wrap(new byte[] {1, 2, 3});
        p.prepend(2);
        p.put8(0, 9);
        p.put8(1, 8);
        int at = p.append(2);
        p.array()[at] = 7;
        p.array()[at + 1] = 6;
        assertArrayEquals(new byte[] {9, 8, 1, 2, 3, 7, 6}, p.toByteArray());
    }

    @Test
    void insertOpensGapAfterHeaderAndRemoveClosesIt() {
        byte[] data = {10, 11, 12, 13, 20, 21};
        PacketBuffer p = PacketBuffer.copyOf(data, 16, 0);
        int gap = p.insert(4, 3); // e.g. an AH header after a 4-byte "IP header"
        p.array()[gap] = 1;
        p.array()[gap + 1] = 2;
        p.array()[gap + 2] = 3;
        assertArrayEquals(new byte[] {10, 11, 12, 13, 1, 2, 3, 20, 21}, p.toByteArray());
        p.remove(4, 3);
        assertArrayEquals(data, p.toByteArray());
    }

    @Test
    void trimAndBounds() {
        PacketBuffer p = PacketBuffer.copyOf(new byte[] {1, 2, 3, 4, 5}, 0, 0);
        p.trimFront(1);
        p.trimBack(1);
        assertArrayEquals(new byte[] {2, 3, 4}, p.toByteArray());
        assertThrows(IllegalArgumentException.class, () -> p.trimFront(4));
        assertThrows(IndexOutOfBoundsException.class, () -> p.u16(2));
        p.setLength(5);
        assertEquals(5, p.length());
    }

    @Test
    void ensureTailroomMovesDataForward() {
        PacketBuffer p = PacketBuffer.copyOf(new byte[] {1, 2}, 10, 0);
        byte[] before = p.array();
        p.ensureTailroom(6);
        assertSame(before, p.array());
        assertEquals(6, p.tailroom());
        assertArrayEquals(new byte[] {1, 2}, p.toByteArray());
    }
}
