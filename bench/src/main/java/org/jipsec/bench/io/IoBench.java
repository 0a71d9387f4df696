package org.jipsec.bench.io;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jipsec.io.ffm.LibC;
import org.jipsec.io.ffm.NativeDatagramSocket;
import org.jipsec.io.ffm.PacketBatch;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.NetnsThread;
import org.jipsec.io.netns.VethPair;
import org.jipsec.io.raw.RawIpSocket;
import org.jipsec.io.tun.GsoSplitter;
import org.jipsec.io.tun.TunDevice;
import org.jipsec.io.tun.TunOptions;
import org.jipsec.io.tun.TunQueue;
import org.jipsec.io.tun.TunWriteBatch;
import org.jipsec.io.tun.VirtioNetHdr;
import org.jipsec.io.udp.UdpEncapSocket;

/**
 * Packets per second through the io layer, measured in throw-away network namespaces (needs root):
 * TUN write and read, raw ESP send/receive single vs. batched ({@code sendmmsg}/{@code recvmmsg}), UDP 4500
 * with UDP GSO, and a TCP stream forwarded between two TUN devices by a Java loop with and without
 * IFF_VNET_HDR/TSO (the ceiling of a no-crypto data plane). Not JMH: each figure is one timed run of
 * {@code -Djipsec.bench.seconds} (default 3) seconds; run
 * {@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar org.jipsec.bench.io.IoBench}.
 */
public final class IoBench {
    private static final int SECONDS = Integer.getInteger("jipsec.bench.seconds", 3);
    private static final int PKT = 1400;
    private static final int BATCH = 32;

    private IoBench() {}

    public static void main(String[] args) throws Exception {
        if (!NetnsLab.available()) {
            System.err.println("IoBench needs root and ip netns");
            System.exit(2);
        }
        System.out.printf("io benchmarks, %d s each, %d-byte packets, batches of %d%n", SECONDS, PKT, BATCH);
        try (NetnsLab lab = new NetnsLab()) {
            String a = lab.namespace();
            String b = lab.namespace();
            VethPair v = lab.veth(a, b);
            lab.address(a, v.a(), "10.90.0.1/24");
            lab.address(b, v.b(), "10.90.0.2/24");
            InetAddress b4 = InetAddress.getByName("10.90.0.2");
            for (boolean batched : new boolean[] {false, true}) {
                for (boolean rxBatched : new boolean[] {false, true}) {
                    rawEsp(a, b, b4, batched, rxBatched);
                }
            }
            udpGso(a, b, b4);
            tunWrite(lab, a);
            tunRead(lab, a);
            tunForwardTcp(lab, false, false);
            tunForwardTcp(lab, true, false);
            tunForwardTcp(lab, true, true);
        }
    }

    private static void report(String what, long sent, long received, long nanos) {
        double s = nanos / 1e9;
        System.out.printf(
                "%-44s sent %,12.0f pkt/s   received %,12.0f pkt/s  (%.2f Gbit/s at %d B)%n",
                what, sent / s, received / s, received * PKT * 8 / s / 1e9, PKT);
    }

    /** A receiver loop on its own thread: counts packets with recvmmsg or with recvfrom. */
    private static Thread receiver(NativeDatagramSocket rx, boolean batched, AtomicBoolean stop, AtomicLong count) {
        return Thread.ofPlatform().daemon(true).start(() -> {
            try (PacketBatch in = new PacketBatch(BATCH, 2048, 0);
                    Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(2048);
                MemorySegment from = arena.allocate(32);
                while (!stop.get()) {
                    if (batched) {
                        count.addAndGet(rx.receiveBatch(in, 100));
                    } else {
                        int n = rx.receive(buf, from);
                        if (n == LibC.AGAIN) {
                            rx.fd().await(LibC.POLLIN, 100);
                        } else {
                            count.incrementAndGet();
                        }
                    }
                }
            } catch (IOException e) {
                if (!stop.get()) {
                    e.printStackTrace();
                }
            }
        });
    }

    private static void rawEsp(String a, String b, InetAddress dst, boolean batched, boolean rxBatched)
            throws Exception {
        RawIpSocket.Options o = new RawIpSocket.Options(false, 16 << 20);
        try (RawIpSocket tx = NetnsThread.call(a, () -> RawIpSocket.open(false, LibC.IPPROTO_ESP, o));
                RawIpSocket rx = NetnsThread.call(b, () -> RawIpSocket.open(false, LibC.IPPROTO_ESP, o));
                PacketBatch out = new PacketBatch(BATCH, 2048, 0);
                Arena arena = Arena.ofConfined()) {
            byte[] d = dst.getAddress();
            MemorySegment one = arena.allocate(PKT);
            one.set(JAVA_BYTE, 3, (byte) 1);
            for (int i = 0; i < BATCH; i++) {
                out.buffer(i).set(JAVA_BYTE, 3, (byte) 1);
                out.setLength(i, PKT);
                out.setAddress(i, d, 0);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong received = new AtomicLong();
            Thread r = receiver(rx.socket(), rxBatched, stop, received);
            long sent = 0;
            long t0 = System.nanoTime();
            long end = t0 + SECONDS * 1_000_000_000L;
            while (System.nanoTime() < end) {
                if (batched) {
                    sent += tx.sendBatch(out, BATCH);
                } else {
                    for (int i = 0; i < BATCH; i++) {
                        tx.send(one, PKT, d);
                    }
                    sent += BATCH;
                }
            }
            long el = System.nanoTime() - t0;
            Thread.sleep(200);
            stop.set(true);
            r.join(2000);
            report(
                    "raw ESP v4 send " + (batched ? "sendmmsg" : "sendto  ") + " / recv "
                            + (rxBatched ? "recvmmsg" : "recvfrom"),
                    sent,
                    received.get(),
                    el);
        }
    }

    private static void udpGso(String a, String b, InetAddress dst) throws Exception {
        UdpEncapSocket.Options o = new UdpEncapSocket.Options(16 << 20, true);
        try (UdpEncapSocket tx = NetnsThread.call(
                        a,
                        () -> UdpEncapSocket.open(new InetSocketAddress(InetAddress.getByName("10.90.0.1"), 4500), o));
                UdpEncapSocket rx =
                        NetnsThread.call(b, () -> UdpEncapSocket.open(new InetSocketAddress(dst, 4500), o));
                PacketBatch out = new PacketBatch(4, 65536, 32);
                PacketBatch in = new PacketBatch(BATCH, 65536, 32)) {
            int segs = 40; // 40 × 1400 = 56000 bytes per send
            for (int s = 0; s < 4; s++) {
                for (int k = 0; k < segs; k++) {
                    out.buffer(s).set(JAVA_BYTE, (long) k * PKT + 3, (byte) 1);
                }
                out.setLength(s, segs * PKT);
                out.setUdpSegmentSize(s, PKT);
                out.setAddress(s, dst.getAddress(), 4500);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong received = new AtomicLong();
            Thread r = Thread.ofPlatform().daemon(true).start(() -> {
                try {
                    while (!stop.get()) {
                        int n = rx.receiveBatch(in, 100);
                        for (int i = 0; i < n; i++) {
                            received.addAndGet(UdpEncapSocket.segmentCount(in.length(i), in.udpGroSegmentSize(i)));
                        }
                    }
                } catch (IOException e) {
                    if (!stop.get()) {
                        e.printStackTrace();
                    }
                }
            });
            long sent = 0;
            long t0 = System.nanoTime();
            long end = t0 + SECONDS * 1_000_000_000L;
            while (System.nanoTime() < end) {
                sent += (long) tx.sendBatch(out, 4) * segs;
            }
            long el = System.nanoTime() - t0;
            Thread.sleep(200);
            stop.set(true);
            r.join(2000);
            report("UDP 4500 GSO send (40 seg) / GRO recvmmsg", sent, received.get(), el);
        }
    }

    /** A UDP/IPv4 datagram 10.91.0.2:1234 → 10.91.0.1:9000 of {@link #PKT} bytes, with checksums. */
    private static void udpPacket(MemorySegment p) {
        byte[] b = new byte[PKT];
        b[0] = 0x45;
        b[2] = (byte) (PKT >>> 8);
        b[3] = (byte) PKT;
        b[8] = 64;
        b[9] = 17;
        byte[] src = {10, 91, 0, 2};
        byte[] dst = {10, 91, 0, 1};
        System.arraycopy(src, 0, b, 12, 4);
        System.arraycopy(dst, 0, b, 16, 4);
        int c = csum(0, b, 0, 20);
        b[10] = (byte) (c >>> 8);
        b[11] = (byte) c;
        int ulen = PKT - 20;
        b[20] = 1234 >>> 8;
        b[21] = (byte) 1234;
        b[22] = (byte) (9000 >>> 8);
        b[23] = (byte) 9000;
        b[24] = (byte) (ulen >>> 8);
        b[25] = (byte) ulen;
        long pseudo = 0x0a5bL + 0x0002 + 0x0a5b + 0x0001 + 17 + ulen;
        int uc = csum(pseudo, b, 20, ulen);
        b[26] = (byte) (uc >>> 8);
        b[27] = (byte) uc;
        MemorySegment.copy(b, 0, p, JAVA_BYTE, 0, PKT);
    }

    private static int csum(long sum, byte[] b, int off, int len) {
        return org.jipsec.core.net.Checksums.finish(org.jipsec.core.net.Checksums.add(sum, b, off, len));
    }

    private static void tunWrite(NetnsLab lab, String ns) throws Exception {
        try (TunDevice tun = NetnsThread.call(ns, () -> TunDevice.open(TunOptions.simple("jbw0")));
                NativeDatagramSocket sink = NetnsThread.call(
                        ns, () -> NativeDatagramSocket.open(LibC.AF_INET, LibC.SOCK_DGRAM, 0, "sink"));
                Arena arena = Arena.ofConfined()) {
            lab.address(ns, "jbw0", "10.91.0.1/24");
            lab.up(ns, "jbw0");
            sink.setBufferSizes(16 << 20);
            sink.bind(new InetSocketAddress(InetAddress.getByName("10.91.0.1"), 9000));
            MemorySegment p = arena.allocate(PKT);
            udpPacket(p);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong received = new AtomicLong();
            Thread r = receiver(sink, true, stop, received);
            TunQueue q = tun.queue(0);
            long sent = 0;
            long t0 = System.nanoTime();
            long end = t0 + SECONDS * 1_000_000_000L;
            while (System.nanoTime() < end) {
                for (int i = 0; i < BATCH; i++) {
                    q.write(p, PKT);
                }
                sent += BATCH;
            }
            long el = System.nanoTime() - t0;
            Thread.sleep(200);
            stop.set(true);
            r.join(2000);
            report("TUN write (one write(2) per packet) → UDP sock", sent, received.get(), el);
        }
    }

    private static void tunRead(NetnsLab lab, String ns) throws Exception {
        try (TunDevice tun = NetnsThread.call(ns, () -> TunDevice.open(TunOptions.simple("jbr0")));
                NativeDatagramSocket gen =
                        NetnsThread.call(ns, () -> NativeDatagramSocket.open(LibC.AF_INET, LibC.SOCK_DGRAM, 0, "gen"));
                PacketBatch out = new PacketBatch(BATCH, 2048, 0);
                Arena arena = Arena.ofConfined()) {
            lab.address(ns, "jbr0", "10.92.0.1/24");
            lab.up(ns, "jbr0");
            lab.ip(ns, "link", "set", "jbr0", "txqueuelen", "10000");
            byte[] dst = {10, 92, 0, 2};
            for (int i = 0; i < BATCH; i++) {
                out.setLength(i, PKT - 28);
                out.setAddress(i, dst, 9);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong sent = new AtomicLong();
            Thread g = Thread.ofPlatform().daemon(true).start(() -> {
                try {
                    while (!stop.get()) {
                        sent.addAndGet(gen.sendBatch(out, BATCH));
                    }
                } catch (IOException e) {
                    if (!stop.get()) {
                        e.printStackTrace();
                    }
                }
            });
            MemorySegment buf = arena.allocate(2048);
            TunQueue q = tun.queue(0);
            long read = 0;
            long t0 = System.nanoTime();
            long end = t0 + SECONDS * 1_000_000_000L;
            while (System.nanoTime() < end) {
                if (q.read(buf, 100) > 0) {
                    read++;
                }
            }
            long el = System.nanoTime() - t0;
            stop.set(true);
            g.join(2000);
            report("TUN read (one read(2) per packet) ← sendmmsg", sent.get(), read, el);
        }
    }

    /** A TCP stream between two namespaces through two TUNs joined by Java forwarding loops. */
    private static void tunForwardTcp(NetnsLab lab, boolean offload, boolean coalesce) throws Exception {
        String a = lab.namespace();
        String b = lab.namespace();
        TunOptions opts = new TunOptions("jfw0", 1, offload);
        try (TunDevice ta = NetnsThread.call(a, () -> TunDevice.open(opts));
                TunDevice tb = NetnsThread.call(b, () -> TunDevice.open(opts))) {
            lab.address(a, "jfw0", "10.93.0.1/24");
            lab.address(b, "jfw0", "10.93.0.2/24");
            lab.up(a, "jfw0");
            lab.up(b, "jfw0");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong frames = new AtomicLong();
            AtomicLong packets = new AtomicLong();
            Thread f1 = forward(ta.queue(0), tb.queue(0), coalesce, stop, frames, packets);
            Thread f2 = forward(tb.queue(0), ta.queue(0), coalesce, stop, new AtomicLong(), new AtomicLong());
            InetSocketAddress server = new InetSocketAddress(InetAddress.getByName("10.93.0.2"), 5001);
            AtomicLong bytes = new AtomicLong();
            try (ServerSocketChannel ss =
                            NetnsThread.call(b, () -> ServerSocketChannel.open().bind(server));
                    SocketChannel c = NetnsThread.call(a, SocketChannel::open)) {
                Thread sinkThread = Thread.ofPlatform().daemon(true).start(() -> {
                    try (SocketChannel s = ss.accept()) {
                        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 18);
                        int n;
                        while ((n = s.read(buf)) >= 0) {
                            bytes.addAndGet(n);
                            buf.clear();
                        }
                    } catch (IOException e) {
                        // closed at the end
                    }
                });
                c.socket().connect(server, 5000);
                ByteBuffer src = ByteBuffer.allocateDirect(1 << 18);
                long t0 = System.nanoTime();
                long end = t0 + SECONDS * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    src.clear();
                    c.write(src);
                }
                long el = System.nanoTime() - t0;
                long got = bytes.get();
                c.shutdownOutput();
                sinkThread.join(2000);
                System.out.printf(
                        "%-44s %,8.2f Gbit/s TCP goodput; %,d frames read from TUN A carried %,d packets%n",
                        "TCP via 2 TUNs + Java loop, "
                                + (offload ? coalesce ? "TSO split+coalesce" : "TSO split" : "no offload"),
                        got * 8 / (el / 1e9) / 1e9,
                        frames.get(),
                        packets.get());
            } finally {
                stop.set(true);
                f1.join(2000);
                f2.join(2000);
            }
        }
    }

    private static Thread forward(
            TunQueue from, TunQueue to, boolean coalesce, AtomicBoolean stop, AtomicLong frames, AtomicLong packets) {
        return Thread.ofPlatform().daemon(true).start(() -> {
            try (Arena arena = Arena.ofConfined();
                    TunWriteBatch batch = new TunWriteBatch(64)) {
                MemorySegment frame = arena.allocate(65536 + VirtioNetHdr.SIZE);
                byte[][] outs = new byte[64][2048];
                int[] lens = new int[outs.length];
                while (!stop.get()) {
                    int n = from.read(frame, 100);
                    if (n <= 0) {
                        continue;
                    }
                    frames.incrementAndGet();
                    if (from.hasVnetHdr()) {
                        int count = GsoSplitter.split(frame, n, outs, 0, lens);
                        for (int i = 0; i < count; i++) {
                            if (!coalesce) {
                                to.writePacket(outs[i], 0, lens[i]);
                            } else if (!batch.add(outs[i], 0, lens[i])) {
                                batch.flush(to);
                                batch.add(outs[i], 0, lens[i]);
                            }
                        }
                        if (coalesce) {
                            batch.flush(to);
                        }
                        packets.addAndGet(count);
                    } else {
                        to.write(frame, n);
                        packets.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                if (!stop.get()) {
                    e.printStackTrace();
                }
            }
        });
    }
}
