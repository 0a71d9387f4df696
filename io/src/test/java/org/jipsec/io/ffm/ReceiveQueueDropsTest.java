package org.jipsec.io.ffm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import org.junit.jupiter.api.Test;

/**
 * Issue #12 item 7: packets the kernel drops on a full receive queue reach the counters through the
 * {@code SO_RXQ_OVFL} cmsg (socket(7)). The cmsg walk on hand-made control data (with other cmsgs around it, absent,
 * truncated), then a real UDP socket on loopback that is flooded while nobody reads it.
 */
class ReceiveQueueDropsTest {

    /** Writes one cmsg at {@code off}; returns the offset of the next (CMSG_ALIGN to 8). */
    private static int cmsg(MemorySegment c, int off, int level, int type, int... ints) {
        int len = 16 + 4 * ints.length;
        c.set(JAVA_LONG, off, len);
        c.set(JAVA_INT, off + 8, level);
        c.set(JAVA_INT, off + 12, type);
        for (int k = 0; k < ints.length; k++) c.set(JAVA_INT, off + 16 + 4 * k, ints[k]);
        return off + ((len + 7) & ~7);
    }

    @Test
    void theDropCountIsReadFromItsCmsgAmongOthers() {
        try (PacketBatch b = new PacketBatch(3, 2048, NativeDatagramSocket.RECEIVE_INFO_CONTROL)) {
            MemorySegment c = b.controlArea(0);
            int off = cmsg(c, 0, LibC.IPPROTO_IP, LibC.IP_PKTINFO, 7, 0x0100007f, 0x0100007f);
            off = cmsg(c, off, LibC.SOL_SOCKET, LibC.SO_RXQ_OVFL, 0xfffffffe); // a u32 near its wrap
            b.setReceivedControl(0, off, 0);
            assertEquals(0xfffffffeL, b.receiveQueueDrops(0));
            assertEquals(7, b.interfaceIndex(0));
            MemorySegment c1 = b.controlArea(1);
            b.setReceivedControl(1, cmsg(c1, 0, LibC.IPPROTO_IP, LibC.IP_TOS, 0), 0);
            assertEquals(-1, b.receiveQueueDrops(1), "absent until the kernel has dropped something");
            MemorySegment c2 = b.controlArea(2);
            cmsg(c2, 0, LibC.SOL_SOCKET, LibC.SO_RXQ_OVFL, 5);
            b.setReceivedControl(2, 18, 0); // truncated: the data is cut
            assertEquals(-1, b.receiveQueueDrops(2));
        }
    }

    @Test
    void aFloodedSocketCountsWhatTheKernelDropped() throws Exception {
        try (NativeDatagramSocket s =
                        NativeDatagramSocket.open(LibC.AF_INET, LibC.SOCK_DGRAM, LibC.IPPROTO_UDP, "udp");
                PacketBatch batch = new PacketBatch(64, 2048, NativeDatagramSocket.RECEIVE_INFO_CONTROL);
                DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET)) {
            s.setOption(LibC.SOL_SOCKET, LibC.SO_RCVBUF, 4096, "SO_RCVBUF"); // a few packets fill it
            s.enableReceiveQueueDrops();
            int port = 0;
            for (int p = 42000; p < 42100 && port == 0; p++) {
                try {
                    s.bind(new InetSocketAddress("127.0.0.1", p));
                    port = p;
                } catch (java.io.IOException busy) {
                    // next port
                }
            }
            assertTrue(port != 0, "no free port");
            int sent = 2000;
            ByteBuffer payload = ByteBuffer.allocate(1000);
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
            for (int i = 0; i < sent; i++) { // nobody reads meanwhile
                payload.clear();
                sender.send(payload, to);
            }
            int received = 0;
            for (int n; (n = s.receiveBatch(batch, 0)) > 0; ) received += n;
            assertTrue(received > 0 && received < sent, "received " + received);
            // the count rides on packets queued after the drops (sock_skb_set_dropcount): one more, now there is room
            sender.send(ByteBuffer.allocate(10), to);
            for (int k = 0; k < 100 && s.receiveBatch(batch, 100) == 0; k++) {
                /* bounded wait */
            }
            long drops = s.receiveQueueDrops();
            assertTrue(drops > 0 && drops <= sent - received, "drops " + drops + ", received " + received);
            assertEquals(sent - received, drops, "every packet sent on loopback was received or counted");
        }
    }
}
