package org.jipsec.io.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The GRO slot arithmetic of {@link UdpEncapSocket} (no socket needed). */
class UdpEncapSocketSegmentsTest {

    @Test
    void segmentCountOfGroSlots() {
        assertEquals(1, UdpEncapSocket.segmentCount(100, 0));
        assertEquals(0, UdpEncapSocket.segmentCount(0, 0));
        assertEquals(3, UdpEncapSocket.segmentCount(250, 100));
        assertEquals(2, UdpEncapSocket.segmentCount(200, 100));
    }
}
