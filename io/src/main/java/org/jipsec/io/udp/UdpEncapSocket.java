package org.jipsec.io.udp;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import org.jipsec.io.ffm.Datagram;
import org.jipsec.io.ffm.LibC;
import org.jipsec.io.ffm.NativeDatagramSocket;
import org.jipsec.io.ffm.NativeFd;
import org.jipsec.io.ffm.PacketBatch;

/**
 * The UDP encapsulation socket (RFC 3948; port 4500 by default), one per address family, bound through FFM so
 * that it can batch:
 * <ul>
 *   <li>{@link #sendBatch}/{@link #receiveBatch}: {@code sendmmsg}/{@code recvmmsg}, one system call per batch;</li>
 *   <li>UDP GSO: a {@link PacketBatch} slot holding several equal-sized ESP packets back to back with
 *       {@link PacketBatch#setUdpSegmentSize} is split by the kernel into datagrams ({@code UDP_SEGMENT},
 *       udp(7), Linux ≥ 4.18; at most 64 segments, total ≤ 64 KiB);</li>
 *   <li>UDP GRO: with {@link Options#gro()} the kernel may coalesce consecutive datagrams of one flow into one
 *       slot; {@link PacketBatch#udpGroSegmentSize} tells the segment size, {@link #segmentCount} the count.</li>
 * </ul>
 * Received payloads are classified with {@link org.jipsec.core.net.UdpEncapClassifier}. No kernel {@code UDP_ENCAP} is set: the
 * kernel must hand ESP to us, not to xfrm.
 */
public final class UdpEncapSocket implements AutoCloseable {
    private final NativeDatagramSocket socket;
    private final boolean gro;

    /**
     * Socket options.
     *
     * @param bufferBytes socket buffer sizes (forced when privileged); 0 = kernel default
     * @param gro         enable {@code UDP_GRO} on receive (batches then need a control area, e.g. 32 bytes)
     * @param reusePort   set {@code SO_REUSEPORT} before binding: several sockets (one per data-plane worker) share
     *                    the port, and the kernel spreads the datagrams over them (by its 4-tuple hash, or by the
     *                    group's {@code SO_ATTACH_REUSEPORT_CBPF} program)
     */
    public record Options(int bufferBytes, boolean gro, boolean reusePort) {
        public Options(int bufferBytes, boolean gro) {
            this(bufferBytes, gro, false);
        }

        /** 4 MiB buffers, no GRO. */
        public static Options defaults() {
            return new Options(4 << 20, false);
        }
    }

    /** {@code SO_REUSEPORT} (socket(7)). */
    public static final int SO_REUSEPORT = 15;

    private UdpEncapSocket(NativeDatagramSocket socket, boolean gro) {
        this.socket = socket;
        this.gro = gro;
    }

    /**
     * Opens a UDP socket bound to {@code local} in the calling thread's network namespace (an IPv6 socket is
     * {@code IPV6_V6ONLY}: open one per family).
     */
    public static UdpEncapSocket open(InetSocketAddress local, Options options) throws IOException {
        boolean v6 = local.getAddress() instanceof Inet6Address;
        NativeDatagramSocket s = NativeDatagramSocket.open(
                v6 ? LibC.AF_INET6 : LibC.AF_INET, LibC.SOCK_DGRAM, LibC.IPPROTO_UDP, "udp-encap " + local);
        try {
            if (v6) {
                s.setOption(LibC.IPPROTO_IPV6, LibC.IPV6_V6ONLY, 1, "IPV6_V6ONLY");
            }
            if (options.bufferBytes() > 0) {
                s.setBufferSizes(options.bufferBytes());
            }
            if (options.gro()) {
                s.setOption(LibC.SOL_UDP, LibC.UDP_GRO, 1, "UDP_GRO");
            }
            if (options.reusePort()) {
                s.setOption(LibC.SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
            }
            s.bind(local);
            return new UdpEncapSocket(s, options.gro());
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The bound address (with the port the kernel chose if 0 was asked). */
    public InetSocketAddress localAddress() throws IOException {
        return socket.localAddress();
    }

    /** The underlying socket. */
    public NativeDatagramSocket socket() {
        return socket;
    }

    /** The descriptor, for waiting on several sockets. */
    public NativeFd fd() {
        return socket.fd();
    }

    /** Sends one datagram ({@code len} bytes of {@code buf}) to {@code addr}/{@code port}. Allocation-free. */
    public void send(MemorySegment buf, int len, byte[] addr, int port) throws IOException {
        socket.send(buf, len, addr, port);
    }

    /** Sends one datagram from a heap array. */
    public void send(byte[] buf, int off, int len, InetSocketAddress dst) throws IOException {
        socket.send(buf, off, len, dst);
    }

    /** Receives one datagram into a heap array, waiting at most {@code timeoutMillis}; null on timeout. */
    public Datagram receive(byte[] buf, int off, int len, int timeoutMillis) throws IOException {
        return socket.receive(buf, off, len, timeoutMillis);
    }

    /** Sends slots {@code [0, count)} with {@code sendmmsg} (slots may carry UDP_SEGMENT); returns the count sent. */
    public int sendBatch(PacketBatch batch, int count) throws IOException {
        return socket.sendBatch(batch, count);
    }

    /**
     * Receives with {@code recvmmsg}; see {@link NativeDatagramSocket#receiveBatch}. With GRO on, the batch
     * needs a control area ({@code controlSize} ≥ 24) or the segment sizes would be lost.
     */
    public int receiveBatch(PacketBatch batch, int timeoutMillis) throws IOException {
        if (gro && batch.controlSize() < 24) {
            throw new IllegalArgumentException("UDP_GRO socket needs a batch with controlSize >= 24");
        }
        return socket.receiveBatch(batch, timeoutMillis);
    }

    /** How many datagrams a GRO slot of {@code length} bytes with segment size {@code segmentSize} holds. */
    public static int segmentCount(int length, int segmentSize) {
        if (segmentSize <= 0 || length <= 0) {
            return length > 0 ? 1 : 0;
        }
        return (length + segmentSize - 1) / segmentSize;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
