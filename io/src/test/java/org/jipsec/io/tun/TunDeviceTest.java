package org.jipsec.io.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jipsec.io.TestPackets;
import org.jipsec.io.ffm.LibC;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.NetnsThread;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.Test;

/** A TUN device in a fresh network namespace: the kernel routes packets into it; packets written come out. */
@RequiresRoot
class TunDeviceTest {
    private static final InetAddress LOCAL = addr("10.77.0.1");
    private static final InetAddress PEER = addr("10.77.0.2");

    private static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TunDevice openIn(String ns, TunOptions options, int mtu) throws Exception {
        return NetnsThread.call(ns, () -> {
            TunDevice t = TunDevice.open(options);
            t.setMtu(mtu);
            t.setUp(true);
            assertEquals(mtu, InterfaceControl.mtu(t.name()));
            assertTrue(InterfaceControl.isUp(t.name()));
            return t;
        });
    }

    /** Reads packets until {@code match} accepts one (at most 50 packets / 10 s); returns it. */
    private static byte[] readUntil(
            TunQueue q, MemorySegment buf, java.util.function.BiPredicate<byte[], Integer> match) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; i < 50 && System.nanoTime() < deadline; i++) {
            byte[] p = new byte[(int) buf.byteSize()];
            int n = q.read(buf, p, 0, 1000);
            if (n > 0 && match.test(p, n)) {
                return java.util.Arrays.copyOf(p, n);
            }
        }
        return null;
    }

    @Test
    void udpDatagramIsRoutedIntoTunAndAnsweredThroughIt() throws Exception {
        try (NetnsLab lab = new NetnsLab();
                Arena arena = Arena.ofConfined()) {
            String ns = lab.namespace();
            try (TunDevice tun = openIn(ns, TunOptions.simple("jtun%d"), 1400)) {
                assertTrue(tun.name().startsWith("jtun"), tun.name());
                lab.address(ns, tun.name(), "10.77.0.1/24");
                try (DatagramChannel ch =
                        NetnsThread.call(ns, () -> DatagramChannel.open().bind(new InetSocketAddress(LOCAL, 0)))) {
                    int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
                    ch.send(ByteBuffer.wrap("to the peer".getBytes()), new InetSocketAddress(PEER, 9999));
                    MemorySegment buf = arena.allocate(2048);
                    byte[] out = readUntil(
                            tun.queue(0), buf, (p, n) -> n > 28 && p[9] == 17 && TestPackets.u16(p, 22) == 9999);
                    assertNotNull(out, "the datagram to 10.77.0.2 must be routed into the TUN");
                    assertArrayEquals(LOCAL.getAddress(), java.util.Arrays.copyOfRange(out, 12, 16));
                    assertEquals("to the peer", new String(out, 28, out.length - 28));

                    byte[] reply = TestPackets.udp4(PEER, LOCAL, 9999, port, "from the peer".getBytes());
                    tun.queue(0).writePacket(reply, 0, reply.length);
                    ch.configureBlocking(false);
                    ByteBuffer in = ByteBuffer.allocate(100);
                    InetSocketAddress from = null;
                    for (int i = 0; i < 100 && from == null; i++) {
                        from = (InetSocketAddress) ch.receive(in);
                        if (from == null) {
                            Thread.sleep(20);
                        }
                    }
                    assertEquals(new InetSocketAddress(PEER, 9999), from);
                    assertEquals("from the peer", new String(in.array(), 0, in.position()));
                }
            }
        }
    }

    @Test
    void pingThroughTunIsAnsweredByTheTest() throws Exception {
        // The JDK's isReachable sends ICMP echo requests as root; the test plays the peer behind the TUN.
        try (NetnsLab lab = new NetnsLab();
                Arena arena = Arena.ofConfined()) {
            String ns = lab.namespace();
            try (TunDevice tun = openIn(ns, TunOptions.simple("jtun0"), 1500)) {
                lab.address(ns, "jtun0", "10.77.0.1/24");
                lab.address(ns, "jtun0", "fd77::1/64");
                for (String peer : new String[] {"10.77.0.2", "fd77::2"}) {
                    InetAddress dst = InetAddress.getByName(peer);
                    CompletableFuture<Boolean> ping = CompletableFuture.supplyAsync(() -> {
                        try {
                            return NetnsThread.call(ns, () -> dst.isReachable(8000));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    MemorySegment buf = arena.allocate(2048);
                    boolean v6 = peer.contains(":");
                    byte[] req = readUntil(
                            tun.queue(0),
                            buf,
                            (p, n) -> v6 ? TestPackets.isIcmp6EchoRequest(p, n) : TestPackets.isIcmp4EchoRequest(p, n));
                    assertNotNull(req, "echo request to " + peer + " must be routed into the TUN");
                    byte[] reply = v6
                            ? TestPackets.icmp6EchoReply(req, req.length)
                            : TestPackets.icmp4EchoReply(req, req.length);
                    tun.queue(0).writePacket(reply, 0, reply.length);
                    assertTrue(ping.get(15, TimeUnit.SECONDS), "echo reply written to the TUN must reach " + peer);
                }
            }
        }
    }

    @Test
    void blockedReaderDoesNotBlockWriterAndCloseWakesIt() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace();
            TunDevice tun = openIn(ns, TunOptions.simple("jtun0"), 1500);
            try {
                lab.address(ns, "jtun0", "10.77.0.1/24");
                CompletableFuture<Throwable> reader = new CompletableFuture<>();
                MemorySegment rbuf = Arena.ofAuto().allocate(2048);
                Thread t = Thread.ofPlatform().start(() -> {
                    try {
                        int n;
                        do {
                            n = tun.queue(0).read(rbuf, -1); // only a close can end this
                        } while (n >= 0);
                        reader.complete(null);
                    } catch (Throwable e) {
                        reader.complete(e);
                    }
                });
                try (DatagramChannel ch =
                        NetnsThread.call(ns, () -> DatagramChannel.open().bind(new InetSocketAddress(LOCAL, 0)))) {
                    int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
                    byte[] pkt = TestPackets.udp4(PEER, LOCAL, 7, port, "while blocked".getBytes());
                    Thread.sleep(50);
                    tun.queue(0).writePacket(pkt, 0, pkt.length); // must not wait for the reader
                    ch.configureBlocking(true);
                    ByteBuffer in = ByteBuffer.allocate(100);
                    ch.socket().setSoTimeout(5000);
                    assertNotNull(ch.receive(in));
                    assertEquals("while blocked", new String(in.array(), 0, in.position()));
                }
                assertFalse(reader.isDone(), "reader still blocked");
                tun.close();
                t.join(5000);
                assertFalse(t.isAlive(), "close must wake the reader");
                assertInstanceOf(ClosedChannelException.class, reader.get());
            } finally {
                tun.close();
            }
        }
    }

    @Test
    void multiQueueDeviceOpensEveryQueue() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace();
            try (TunDevice tun = openIn(ns, new TunOptions("jmq0", 4, false), 1500)) {
                assertEquals(4, tun.queues().size());
                assertTrue(lab.ip(ns, "-d", "link", "show", "jmq0").contains("multi_queue"));
                // Every queue is readable without blocking. The kernel may already have routed its own IPv6
                // traffic (MLD reports, router solicitations) into the device once it is up, so a queue may
                // hold a packet: only "no data" or a whole IP packet are acceptable answers.
                for (int q = 0; q < 4; q++) {
                    int n = tun.queue(q).read(Arena.ofAuto().allocate(2048));
                    assertTrue(n == LibC.AGAIN || n >= 20, "queue " + q + " read returned " + n);
                }
            }
        }
    }
}
