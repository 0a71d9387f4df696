package org.jipsec.io.ffm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LibCTest {

    @Test
    void failedCallNamesTheCallAndErrno() {
        NativeException e = assertThrows(NativeException.class, () -> LibC.open("/nonexistent/jipsec", LibC.O_RDWR));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open(/nonexistent/jipsec): errno 2 (No such file or directory)", e.getMessage());
    }

    @Test
    void socketWithUnknownFamilyReportsEafnosupport() {
        NativeException e = assertThrows(NativeException.class, () -> LibC.socket(12345, LibC.SOCK_DGRAM, 0));
        assertEquals(Errno.EAFNOSUPPORT, e.errno());
        assertTrue(e.getMessage().startsWith("socket(12345, 2, 0): errno 97 ("), e.getMessage());
    }

    @Test
    void nonBlockingReadOnEmptyEventfdSaysAgainAndAwaitTimesOut() throws Exception {
        int fd = LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
        try (NativeFd nfd = new NativeFd(fd, "eventfd");
                Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(8);
            assertEquals(LibC.AGAIN, LibC.read(nfd.acquire(), buf, 8));
            nfd.release();
            assertFalse(nfd.await(LibC.POLLIN, 10));
            assertTrue(nfd.await(LibC.POLLOUT, 10));
        }
    }

    @Test
    void closeWakesABlockedWaiter() throws Exception {
        int fd = LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
        NativeFd nfd = new NativeFd(fd, "eventfd");
        var failure = new java.util.concurrent.CompletableFuture<Throwable>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                nfd.await(LibC.POLLIN, 30_000);
                failure.complete(null);
            } catch (Throwable e) {
                failure.complete(e);
            }
        });
        Thread.sleep(50);
        nfd.close();
        t.join(5_000);
        assertFalse(t.isAlive(), "the waiter must wake on close");
        assertTrue(failure.get() instanceof ClosedChannelException, String.valueOf(failure.get()));
        assertThrows(ClosedChannelException.class, nfd::acquire);
    }

    @Test
    void sockaddrRoundTrips() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(SockAddr.IN6_LEN);
            InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 4500);
            assertEquals(16, SockAddr.write(sa, 0, v4));
            assertEquals(LibC.AF_INET, SockAddr.family(sa, 0));
            assertArrayEquals(
                    new byte[] {2, 0, 0x11, (byte) 0x94, (byte) 192, 0, 2, 7},
                    sa.asSlice(0, 8).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            assertEquals(v4, SockAddr.read(sa, 0));
            InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 500);
            assertEquals(28, SockAddr.write(sa, 0, v6));
            assertEquals(v6, SockAddr.read(sa, 0));
        }
    }

    @Test
    void udpLoopbackSingleAndBatched() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (NativeDatagramSocket a = NativeDatagramSocket.open(LibC.AF_INET, LibC.SOCK_DGRAM, 0, "a");
                NativeDatagramSocket b = NativeDatagramSocket.open(LibC.AF_INET, LibC.SOCK_DGRAM, 0, "b");
                PacketBatch out = new PacketBatch(8, 256, 0);
                PacketBatch in = new PacketBatch(16, 256, 0)) {
            a.bind(any);
            b.bind(any);
            InetSocketAddress bAddr = b.localAddress();
            a.send("hello".getBytes(), 0, 5, bAddr);
            byte[] buf = new byte[64];
            Datagram d = b.receive(buf, 0, buf.length, 5_000);
            assertEquals(5, d.length());
            assertEquals(a.localAddress(), d.source());
            for (int i = 0; i < 8; i++) {
                out.put(i, new byte[] {(byte) i, 1, 2}, 0, 3);
                out.setAddress(i, bAddr);
            }
            assertEquals(8, a.sendBatch(out, 8));
            int got = 0;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (got < 8 && System.nanoTime() < deadline) {
                int n = b.receiveBatch(in, 1_000);
                for (int i = 0; i < n; i++) {
                    assertEquals(3, in.length(i));
                    assertEquals(got + i, in.buffer(i).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
                    assertEquals(a.localAddress(), in.address(i));
                }
                got += n;
            }
            assertEquals(8, got);
        }
    }

    @Test
    @Timeout(120)
    void pollerReportsTheReadySocketAndWakesUp() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (NativeDatagramSocket a = NativeDatagramSocket.open(LibC.AF_INET, LibC.SOCK_DGRAM, 0, "a");
                NativeDatagramSocket b = NativeDatagramSocket.open(LibC.AF_INET, LibC.SOCK_DGRAM, 0, "b")) {
            a.bind(any);
            b.bind(any);
            try (Poller p = new Poller(new NativeFd[] {a.fd(), b.fd()}, LibC.POLLIN)) {
                assertEquals(0, p.poll(10));
                a.send(new byte[] {1}, 0, 1, b.localAddress());
                assertEquals(1, p.poll(5_000));
                assertFalse(p.isReady(0));
                assertTrue(p.isReady(1));
                byte[] buf = new byte[8];
                assertEquals(1, b.receive(buf, 0, 8, 0).length());
                Thread.ofPlatform().start(() -> {
                    try {
                        Thread.sleep(50);
                        p.wakeup();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                // no time limit: only the wakeup can end this wait (the @Timeout guards a hang, it measures nothing)
                assertEquals(0, p.poll(-1), "woken, nothing ready");
                // a wakeup that comes before the wait is not lost either
                p.wakeup();
                assertEquals(0, p.poll(-1), "woken before the wait");
            }
        }
    }
}
