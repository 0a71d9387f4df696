package org.jipsec.io.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jipsec.io.ffm.LibC;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.NetnsThread;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.Test;

/**
 * IFF_VNET_HDR + TSO end to end: two namespaces, each with an offload TUN device, joined by a forwarder in this
 * JVM that reads frames from one TUN, splits them with {@link GsoSplitter} and writes the MTU-sized packets to
 * the other. A TCP stream crosses it: the receiving kernel verifies every IP and TCP checksum we computed, and
 * the bytes must arrive intact. The forwarder must have seen TSO super-packets, or the test proves nothing.
 */
@RequiresRoot
class TunOffloadTest {
    private static final int MTU = 1500;

    /** Forwards frames from {@code from} to {@code to} until {@code stop}; counts GSO frames and packets. */
    private static Thread forwarder(
            TunQueue from,
            TunQueue to,
            boolean coalesce,
            AtomicBoolean stop,
            AtomicLong gsoFrames,
            AtomicLong packets,
            CompletableFuture<Throwable> failure) {
        return Thread.ofPlatform().daemon(true).start(() -> {
            try (Arena arena = Arena.ofConfined();
                    TunWriteBatch batch = new TunWriteBatch(64)) {
                MemorySegment frame = arena.allocate(65536 + VirtioNetHdr.SIZE);
                byte[][] outs = new byte[64][MTU];
                int[] lens = new int[outs.length];
                while (!stop.get()) {
                    int n = from.read(frame, 200);
                    if (n == LibC.AGAIN) {
                        continue;
                    }
                    if (VirtioNetHdr.parse(frame, 0, n).isGso()) {
                        gsoFrames.incrementAndGet();
                    }
                    int count = GsoSplitter.split(frame, n, outs, 0, lens);
                    for (int i = 0; i < count; i++) {
                        if (coalesce) {
                            if (!batch.add(outs[i], 0, lens[i])) {
                                batch.flush(to);
                                batch.add(outs[i], 0, lens[i]);
                            }
                        } else {
                            to.writePacket(outs[i], 0, lens[i]);
                        }
                    }
                    if (coalesce) {
                        batch.flush(to);
                        packets.addAndGet(batch.coalescedSegments() - packets.get());
                    } else {
                        packets.addAndGet(count);
                    }
                }
                failure.complete(null);
            } catch (java.nio.channels.ClosedChannelException e) {
                failure.complete(null);
            } catch (Throwable e) {
                failure.complete(e);
            }
        });
    }

    @Test
    void tcpStreamThroughSplitTsoSuperPacketsArrivesIntact() throws Exception {
        for (boolean v6 : new boolean[] {false, true}) {
            runTransfer(v6, false);
        }
    }

    @Test
    void tcpStreamThroughSuperPacketsWeCoalescedArrivesIntact() throws Exception {
        // The writer side folds the split segments back into TSO frames (TunWriteBatch): the kernel must accept
        // our virtio_net_hdr GSO frames with partial checksums and deliver the same stream.
        for (boolean v6 : new boolean[] {false, true}) {
            runTransfer(v6, true);
        }
    }

    private void runTransfer(boolean v6, boolean coalesce) throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            String a = lab.namespace();
            String b = lab.namespace();
            TunOptions opts = new TunOptions("jgso0", 1, true);
            try (TunDevice ta = NetnsThread.call(a, () -> TunDevice.open(opts));
                    TunDevice tb = NetnsThread.call(b, () -> TunDevice.open(opts))) {
                assertTrue(ta.offload());
                String aAddr = v6 ? "fd79::1" : "10.79.0.1";
                String bAddr = v6 ? "fd79::2" : "10.79.0.2";
                lab.address(a, "jgso0", aAddr + (v6 ? "/64" : "/24"));
                lab.address(b, "jgso0", bAddr + (v6 ? "/64" : "/24"));
                lab.up(a, "jgso0");
                lab.up(b, "jgso0");
                String features = lab.exec(a, java.time.Duration.ofSeconds(5), "cat", "/sys/class/net/jgso0/features")
                        .stdout();
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong gso = new AtomicLong();
                AtomicLong pkts = new AtomicLong();
                CompletableFuture<Throwable> f1 = new CompletableFuture<>();
                CompletableFuture<Throwable> f2 = new CompletableFuture<>();
                Thread t1 = forwarder(ta.queue(0), tb.queue(0), coalesce, stop, gso, pkts, f1);
                Thread t2 = forwarder(tb.queue(0), ta.queue(0), coalesce, stop, new AtomicLong(), new AtomicLong(), f2);
                try {
                    byte[] data = new byte[8 << 20];
                    new SplittableRandom(7).nextBytes(data);
                    InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(bAddr), 5001);
                    try (ServerSocketChannel ss = NetnsThread.call(
                                    b, () -> ServerSocketChannel.open().bind(server));
                            SocketChannel c = NetnsThread.call(a, SocketChannel::open)) {
                        CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                            try (SocketChannel s = ss.accept()) {
                                MessageDigest md = MessageDigest.getInstance("SHA-256");
                                ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                                long total = 0;
                                while (total < data.length) {
                                    buf.clear();
                                    int n = s.read(buf);
                                    if (n < 0) {
                                        break;
                                    }
                                    md.update(buf.array(), 0, n);
                                    total += n;
                                }
                                return md.digest();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
                        c.socket().connect(server, 5000);
                        ByteBuffer src = ByteBuffer.wrap(data);
                        while (src.hasRemaining()) {
                            c.write(src);
                        }
                        c.shutdownOutput();
                        byte[] got = received.get(60, TimeUnit.SECONDS);
                        assertArrayEquals(
                                MessageDigest.getInstance("SHA-256").digest(data),
                                got,
                                "the stream must arrive intact through our segmentation");
                    }
                } finally {
                    stop.set(true);
                    t1.join(5000);
                    t2.join(5000);
                }
                System.out.printf(
                        "v6=%s coalesce=%s: %d TSO frames read, %d %s%n",
                        v6,
                        coalesce,
                        gso.get(),
                        pkts.get(),
                        coalesce ? "segments coalesced on write" : "packets written");
                assertEquals(null, f1.getNow(null));
                assertEquals(null, f2.getNow(null));
                if (coalesce) {
                    assertTrue(pkts.get() > 0, "the writer never coalesced a segment");
                }
                assertTrue(
                        gso.get() > 0,
                        "no TSO super-packet reached the forwarder (features " + features.strip() + ", packets "
                                + pkts.get() + ")");
            }
        }
    }
}
