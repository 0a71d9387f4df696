package org.jipsec.io.ike;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.jipsec.core.ikekernel.HandoffFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jipsecd side of the UDP 4500 split, with a recording sender in place of the 4500 socket. */
class IkeHandoffServerTest {

    @TempDir
    Path dir;

    record Sent(byte[] payload, InetSocketAddress remote) {}

    final List<Sent> sent = new CopyOnWriteArrayList<>();
    IkeHandoffServer server;

    @BeforeEach
    void start() throws IOException {
        server = IkeHandoffServer.start(
                IkeHandoffServer.besidePfkey(dir.resolve("gw1.pfkey")), (p, r) -> sent.add(new Sent(p, r)), 4500);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static void await(BooleanSupplier c, String what) throws InterruptedException {
        for (int i = 0; i < 500 && !c.getAsBoolean(); i++) Thread.sleep(10);
        assertTrue(c.getAsBoolean(), what);
    }

    static IkeHandoffServer.Received ike(String remote, int port, byte... msg) throws IOException {
        return new IkeHandoffServer.Received(
                InetAddress.getByName("192.0.2.1"), 4500, InetAddress.getByName(remote), port, msg);
    }

    @Test
    void socketNameBesidePfkey() {
        assertEquals(dir.resolve("gw1.ike"), server.path());
        assertEquals(Path.of("/run/jipsec/ike"), IkeHandoffServer.besidePfkey(Path.of("/run/jipsec/pfkey")));
        assertEquals(Path.of("/x/gw-ike"), IkeHandoffServer.besidePfkey(Path.of("/x/gw-pfkey")));
        assertEquals(Path.of("/x/gw.ike"), IkeHandoffServer.besidePfkey(Path.of("/x/gw")));
    }

    @Test
    void noDaemonCountsDrops() throws Exception {
        server.offer(ike("198.51.100.7", 4500, (byte) 0x21));
        assertEquals(1, server.droppedNoDaemon());
    }

    @Test
    void bothDirections() throws Exception {
        try (IkeHandoffClient c = IkeHandoffClient.connect(server.path())) {
            await(server::daemonAttached, "attached");
            server.offer(ike("198.51.100.7", 40001, (byte) 0x21, (byte) 0x22));
            HandoffFrame f = c.receive();
            assertEquals(InetAddress.getByName("192.0.2.1"), f.localAddress());
            assertEquals(4500, f.localPort());
            assertEquals(InetAddress.getByName("198.51.100.7"), f.remoteAddress());
            assertEquals(40001, f.remotePort());
            assertArrayEquals(new byte[] {0, 0, 0, 0, 0x21, 0x22}, f.payload(), "marker restored");
            c.send(new HandoffFrame(f.localAddress(), 4500, f.remoteAddress(), 40001, new byte[] {0, 0, 0, 0, 0x33}));
            c.send(new HandoffFrame(f.localAddress(), 4500, f.remoteAddress(), 40001, new byte[] {(byte) 0xff}));
            await(() -> sent.size() == 2, "sent");
            assertArrayEquals(new byte[] {0, 0, 0, 0, 0x33}, sent.get(0).payload());
            assertEquals(
                    new InetSocketAddress("198.51.100.7", 40001), sent.get(0).remote());
            await(() -> server.handedOver() == 1, "counted as handed over");
            // a second daemon is refused while one is attached
            try (SocketChannel second = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                second.connect(UnixDomainSocketAddress.of(server.path()));
                await(() -> server.refusedClients() == 1, "second refused");
                assertEquals(-1, second.read(ByteBuffer.allocate(1)));
            }
        }
    }

    @Test
    void hostileClientCannotSendEspOrGarbageOrStallTheDataPlane() throws Exception {
        // a frame that could pass for ESP (non-zero SPI) is not sent; a frame naming another local port neither
        try (IkeHandoffClient c = IkeHandoffClient.connect(server.path());
                SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            await(server::daemonAttached, "attached");
            InetAddress l = InetAddress.getByName("192.0.2.1");
            InetAddress r = InetAddress.getByName("198.51.100.7");
            assertThrows(
                    IllegalArgumentException.class,
                    () -> c.send(new HandoffFrame(l, 4500, r, 4500, new byte[] {1, 2, 3, 4, 5, 6, 7, 8})));
        }
        try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            await(() -> !server.daemonAttached(), "detached");
            raw.connect(UnixDomainSocketAddress.of(server.path()));
            await(server::daemonAttached, "attached");
            InetAddress l = InetAddress.getByName("192.0.2.1");
            InetAddress r = InetAddress.getByName("198.51.100.7");
            raw.write(
                    ByteBuffer.wrap(new HandoffFrame(l, 4500, r, 4500, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}).encode()));
            raw.write(ByteBuffer.wrap(new HandoffFrame(l, 500, r, 4500, new byte[] {0, 0, 0, 0, 9}).encode()));
            await(() -> server.droppedOutbound() == 2, "ESP-looking and wrong-port frames refused");
            assertTrue(sent.isEmpty());
            // a header announcing an oversized payload ends the connection
            byte[] bad = new HandoffFrame(l, 4500, r, 4500, new byte[] {0, 0, 0, 0, 9}).encode();
            bad[4] = (byte) 0xff;
            bad[5] = (byte) 0xff;
            raw.write(ByteBuffer.wrap(bad));
            await(() -> server.badFrames() == 1, "bad frame counted");
            await(() -> !server.daemonAttached(), "hostile client dropped");
        }
        // garbage from a fresh client: counted, the slot frees, a good client attaches again
        try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            raw.connect(UnixDomainSocketAddress.of(server.path()));
            await(server::daemonAttached, "attached");
            raw.write(ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes()));
            await(() -> server.badFrames() == 2, "garbage counted");
        }
        // a client that never reads: offers never block, the overflow is counted
        try (SocketChannel stalled = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            await(() -> !server.daemonAttached(), "detached");
            stalled.connect(UnixDomainSocketAddress.of(server.path()));
            await(server::daemonAttached, "attached");
            byte[] big = new byte[60000];
            for (int i = 0; i < 2000; i++) server.offer(ike("198.51.100.7", 4500, big)); // returns: never blocks
            assertTrue(server.droppedQueueFull() > 0, "overflow counted");
        }
        assertFalse(sent.stream().anyMatch(s -> s.payload()[0] != 0 && s.payload().length != 1));
    }
}
