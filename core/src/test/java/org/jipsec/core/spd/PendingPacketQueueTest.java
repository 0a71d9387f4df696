package org.jipsec.core.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PendingPacketQueueTest {

    private final AtomicLong millis = new AtomicLong();
    private final InstantSource clock = () -> Instant.ofEpochMilli(millis.get());

    @Test
    void holdsFirstPacketsPerKeyWithinBounds() {
        PendingPacketQueue<String, String> q = new PendingPacketQueue<>(2, 3, 1000, Duration.ofSeconds(1), clock);
        assertTrue(q.offer("a", "a1", 100));
        assertTrue(q.offer("a", "a2", 100));
        assertFalse(q.offer("a", "a3", 100)); // per-key bound: the first packets are kept
        assertTrue(q.offer("b", "b1", 700));
        assertFalse(q.offer("c", "c1", 1)); // total packet bound
        assertEquals(3, q.size());
        assertEquals(900, q.bytes());
        assertEquals(List.of("a1", "a2"), q.release("a"));
        assertFalse(q.offer("c", "c1", 301)); // byte bound
        assertTrue(q.offer("c", "c1", 300));
        assertEquals(List.of(), q.release("zzz"));
    }

    @Test
    void packetsTimeOutOnTheInjectedClock() {
        PendingPacketQueue<String, String> q = new PendingPacketQueue<>(10, 10, 10_000, Duration.ofMillis(500), clock);
        q.offer("a", "a1", 10);
        millis.set(300);
        q.offer("a", "a2", 10);
        millis.set(500);
        assertTrue(q.expire().isEmpty());
        millis.set(501);
        assertEquals(List.of("a1"), q.expire());
        assertEquals(1, q.size());
        millis.set(800); // a2 is 500 ms old: still held
        assertEquals(List.of("a2"), q.release("a"));
        assertEquals(0, q.size());
        assertEquals(0, q.bytes());
    }
}
