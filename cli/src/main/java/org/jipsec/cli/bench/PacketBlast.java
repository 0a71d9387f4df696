package org.jipsec.cli.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;

/**
 * The bench's small-packet sender: IPv4 UDP datagrams as fast as one thread can hand them to the kernel, for a given
 * time, either all of one size or the simple IMIX (7:4:1 of 64, 576 and 1500-byte IP packets, interleaved). Sizes
 * are IP packet lengths (20-byte IPv4 header + 8-byte UDP header + payload). The far end need not listen: the bench
 * counts arrivals in the receiving namespace's UDP {@code NoPorts} counter. Prints {@code sent}, {@code seconds},
 * {@code ip-bytes} and {@code errors} lines ({@link PacketRate#parse}).
 *
 * <p>Usage: {@code java -cp jipsec.jar org.jipsec.cli.bench.PacketBlast FROM TO PORT SECONDS 64|imix}
 */
public final class PacketBlast {
    private static final int HEADERS = 28;

    private PacketBlast() {}

    /** One period of the mix: IP packet lengths in send order. */
    static int[] sizes(String mix) {
        if (mix.equals("imix")) return new int[] {64, 576, 64, 64, 576, 64, 1500, 64, 576, 64, 64, 576};
        int n;
        try {
            n = Integer.parseInt(mix);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("mix: 'imix' or an IP packet length, not '" + mix + "'");
        }
        if (n < HEADERS || n > 1500) throw new IllegalArgumentException("IP packet length " + n + " not in 28..1500");
        return new int[] {n};
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = System.out;
        if (args.length != 5) {
            System.err.println("usage: PacketBlast FROM TO PORT SECONDS 64|imix");
            System.exit(2);
        }
        int[] sizes;
        double seconds;
        int port;
        try {
            sizes = sizes(args[4]);
            seconds = Double.parseDouble(args[3]);
            port = Integer.parseInt(args[2]);
        } catch (IllegalArgumentException e) {
            System.err.println("PacketBlast: " + e.getMessage());
            System.exit(2);
            return;
        }
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(args[1]), port);
        ByteBuffer[] bufs = new ByteBuffer[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            byte[] payload = new byte[sizes[i] - HEADERS];
            Arrays.fill(payload, (byte) 0x5a);
            bufs[i] = ByteBuffer.allocateDirect(payload.length).put(payload).flip();
        }
        long sent = 0, bytes = 0, errors = 0;
        long start, end;
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)) {
            ch.bind(new InetSocketAddress(InetAddress.getByName(args[0]), 0));
            long budget = (long) (seconds * 1e9);
            start = System.nanoTime();
            end = start;
            int k = 0;
            outer:
            while (true) {
                for (int burst = 0; burst < 256; burst++) {
                    ByteBuffer b = bufs[k];
                    b.rewind();
                    try {
                        if (ch.send(b, to) > 0) {
                            sent++;
                            bytes += sizes[k];
                        }
                    } catch (IOException e) {
                        errors++; // e.g. ENOBUFS from a full device queue: not sent
                    }
                    if (++k == bufs.length) k = 0;
                }
                end = System.nanoTime();
                if (end - start >= budget) break outer;
            }
        }
        out.printf(
                java.util.Locale.ROOT,
                "sent %d%nseconds %.6f%nip-bytes %d%nerrors %d%n",
                sent,
                (end - start) / 1e9,
                bytes,
                errors);
    }
}
