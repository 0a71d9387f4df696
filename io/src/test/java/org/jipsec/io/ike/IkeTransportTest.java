package org.jipsec.io.ike;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** iked's transport: through jipsecd's handoff when its socket exists, on its own NAT-T socket otherwise. */
class IkeTransportTest {

    @TempDir
    Path dir;

    static final InetAddress LO = InetAddress.getLoopbackAddress();

    @Test
    void ownSocketsWithoutJipsecd() throws Exception {
        try (IkeTransport t = IkeTransport.open(LO, 0, 0, Optional.of(dir.resolve("none.ike")));
                DatagramChannel peer = DatagramChannel.open().bind(new InetSocketAddress(LO, 0))) {
            assertFalse(t.viaJipsecd());
            InetSocketAddress natT = t.natTAddress().orElseThrow();
            peer.send(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 1, 2, 3}), natT);
            peer.send(ByteBuffer.wrap(new byte[] {(byte) 0xff}), natT); // keepalive: not IKE
            peer.send(ByteBuffer.wrap(new byte[] {9, 8, 7, 6, 5}), t.ikeAddress());
            IkeTransport.Datagram a = t.receive(5000).orElseThrow();
            IkeTransport.Datagram b = t.receive(5000).orElseThrow();
            IkeTransport.Datagram viaNatT = a.natT() ? a : b;
            IkeTransport.Datagram via500 = a.natT() ? b : a;
            assertArrayEquals(new byte[] {1, 2, 3}, viaNatT.message(), "marker removed");
            assertArrayEquals(new byte[] {9, 8, 7, 6, 5}, via500.message());
            t.send((InetSocketAddress) peer.getLocalAddress(), true, new byte[] {4, 5});
            ByteBuffer r = ByteBuffer.allocate(100);
            InetSocketAddress from = (InetSocketAddress) peer.receive(r);
            assertEquals(natT.getPort(), from.getPort(), "from the NAT-T port");
            assertEquals(6, r.position());
            for (int i = 0; i < 500 && t.droppedDatagrams() == 0; i++) Thread.sleep(10); // read after the IKE one
            assertEquals(1, t.droppedDatagrams(), "the keepalive");
        }
    }

    @Test
    void throughJipsecdsHandoff() throws Exception {
        record Sent(byte[] p, InetSocketAddress r) {}
        List<Sent> sent = new CopyOnWriteArrayList<>();
        IkeHandoffServer server = IkeHandoffServer.start(dir.resolve("ike"), (p, r) -> sent.add(new Sent(p, r)), 4500);
        try (IkeTransport t = IkeTransport.open(LO, 0, 4500, Optional.of(server.path()))) {
            assertTrue(t.viaJipsecd());
            assertTrue(t.natTAddress().isEmpty(), "4500 not bound by iked");
            for (int i = 0; i < 200 && !server.daemonAttached(); i++) Thread.sleep(10);
            server.offer(new IkeHandoffServer.Received(
                    InetAddress.getByName("192.0.2.1"), 4500, InetAddress.getByName("198.51.100.9"), 4501, new byte[] {
                        7, 7
                    }));
            IkeTransport.Datagram d = t.receive(5000).orElseThrow();
            assertTrue(d.natT());
            assertArrayEquals(new byte[] {7, 7}, d.message());
            assertEquals(new InetSocketAddress("198.51.100.9", 4501), d.remote());
            t.send(d.remote(), true, new byte[] {8});
            for (int i = 0; i < 200 && sent.isEmpty(); i++) Thread.sleep(10);
            assertArrayEquals(new byte[] {0, 0, 0, 0, 8}, sent.getFirst().p());
            assertEquals(d.remote(), sent.getFirst().r());
        } finally {
            server.close();
        }
    }
}
