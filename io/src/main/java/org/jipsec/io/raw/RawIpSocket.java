package org.jipsec.io.raw;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.jipsec.io.ffm.Datagram;
import org.jipsec.io.ffm.LibC;
import org.jipsec.io.ffm.NativeDatagramSocket;
import org.jipsec.io.ffm.NativeFd;
import org.jipsec.io.ffm.PacketBatch;

/**
 * A raw IP socket for one IP protocol — ESP (50), AH (51), or {@code IPPROTO_RAW} (255, send only) — over IPv4
 * or IPv6 (raw(7), ipv6(7)).
 *
 * <p><b>What the bytes are.</b>
 * <ul>
 *   <li>IPv4 receive: the datagram <em>with</em> its IPv4 header (the payload starts at IHL×4). Linux hands a
 *       copy of every protocol-{@code p} datagram addressed to this host to every raw socket of protocol
 *       {@code p} (reassembled, after netfilter INPUT).</li>
 *   <li>IPv4 send with {@link Options#headerIncluded()} ({@code IP_HDRINCL}; implied by {@code IPPROTO_RAW}):
 *       jipsec writes the whole outer header. Linux always fills in the total length and the header
 *       checksum, and a source address or IP id left zero (raw(7)); the destination given to {@code send}
 *       selects the route. Without
 *       it, the kernel builds the header (TTL from {@code IP_TTL}, TOS from {@code IP_TOS}).</li>
 *   <li>IPv6 receive: the payload only — the first byte is the ESP SPI / AH next header; the source comes from
 *       the socket address. IPv6 raw sockets never see the fixed header (RFC 3542 §3).</li>
 *   <li>IPv6 send: the kernel builds the outer header: source = bound address or the route's preferred source,
 *       hop limit = {@code IPV6_UNICAST_HOPS}, traffic class = {@code IPV6_TCLASS}, flow label =
 *       {@code IPV6_FLOWINFO_SEND} + sin6_flowinfo (or the kernel's auto flow label), next header = the socket's
 *       protocol. With {@link Options#headerIncluded()} on IPv6 ({@code IPV6_HDRINCL}, Linux ≥ 4.5;
 *       {@code IPPROTO_RAW} sockets have it implied) jipsec writes the 40-byte header itself, including any
 *       extension headers; the payload length must then be right, Linux does not fix it.</li>
 * </ul>
 * Sending needs CAP_NET_RAW; receiving ESP/AH on a host without kernel IPsec works because no xfrm handler
 * consumes the packets first.
 */
public final class RawIpSocket implements AutoCloseable {
    private final NativeDatagramSocket socket;
    private final int protocol;

    /**
     * Socket options.
     *
     * @param headerIncluded {@code IP_HDRINCL}/{@code IPV6_HDRINCL}: the caller writes the IP header
     * @param bufferBytes    {@code SO_RCVBUF}/{@code SO_SNDBUF} request (forced when privileged); 0 = default
     */
    public record Options(boolean headerIncluded, int bufferBytes) {
        /** Kernel-built headers, default buffers. */
        public static Options defaults() {
            return new Options(false, 0);
        }
    }

    private RawIpSocket(NativeDatagramSocket socket, int protocol) {
        this.socket = socket;
        this.protocol = protocol;
    }

    /**
     * Opens a raw socket of {@code protocol} ({@link LibC#IPPROTO_ESP}, {@link LibC#IPPROTO_AH},
     * {@link LibC#IPPROTO_RAW}) for {@code ipv6 ? AF_INET6 : AF_INET} in the calling thread's network namespace.
     */
    public static RawIpSocket open(boolean ipv6, int protocol, Options options) throws IOException {
        int family = ipv6 ? LibC.AF_INET6 : LibC.AF_INET;
        NativeDatagramSocket s =
                NativeDatagramSocket.open(family, LibC.SOCK_RAW, protocol, "raw" + (ipv6 ? "6" : "4") + "/" + protocol);
        try {
            if (options.headerIncluded() && protocol != LibC.IPPROTO_RAW) {
                if (ipv6) {
                    s.setOption(LibC.IPPROTO_IPV6, LibC.IPV6_HDRINCL, 1, "IPV6_HDRINCL");
                } else {
                    s.setOption(LibC.IPPROTO_IP, LibC.IP_HDRINCL, 1, "IP_HDRINCL");
                }
            }
            if (options.bufferBytes() > 0) {
                s.setBufferSizes(options.bufferBytes());
            }
            return new RawIpSocket(s, protocol);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The IP protocol number. */
    public int protocol() {
        return protocol;
    }

    /** True for an {@code AF_INET6} socket. */
    public boolean isIpv6() {
        return socket.family() == LibC.AF_INET6;
    }

    /** Binds to a local address (receives only datagrams to it; fixes the IPv6 source). */
    public void bind(InetAddress local) throws IOException {
        socket.bind(new InetSocketAddress(local, 0));
    }

    /** The underlying socket (options, descriptor for a poll loop). */
    public NativeDatagramSocket socket() {
        return socket;
    }

    /** Sends one packet ({@code len} bytes of {@code pkt}) towards {@code dst} (4 or 16 bytes). Allocation-free. */
    public void send(MemorySegment pkt, int len, byte[] dst) throws IOException {
        socket.send(pkt, len, dst, 0);
    }

    /** Sends one packet from a heap array. */
    public void send(byte[] pkt, int off, int len, InetAddress dst) throws IOException {
        socket.send(pkt, off, len, new InetSocketAddress(dst, 0));
    }

    /**
     * Receives one packet without waiting: its length or {@link LibC#AGAIN}; the source sockaddr goes to
     * {@code from} (28 bytes; decode with {@link org.jipsec.io.ffm.SockAddr}).
     */
    public int receive(MemorySegment buf, MemorySegment from) throws IOException {
        return socket.receive(buf, from);
    }

    /** Receives one packet into a heap array, waiting at most {@code timeoutMillis}; null on timeout. */
    public Datagram receive(byte[] buf, int off, int len, int timeoutMillis) throws IOException {
        return socket.receive(buf, off, len, timeoutMillis);
    }

    /** Sends slots {@code [0, count)} of {@code batch} with {@code sendmmsg}; returns how many were sent. */
    public int sendBatch(PacketBatch batch, int count) throws IOException {
        return socket.sendBatch(batch, count);
    }

    /** Receives a batch with {@code recvmmsg}; see {@link NativeDatagramSocket#receiveBatch}. */
    public int receiveBatch(PacketBatch batch, int timeoutMillis) throws IOException {
        return socket.receiveBatch(batch, timeoutMillis);
    }

    /** The descriptor, for waiting on several sockets. */
    public NativeFd fd() {
        return socket.fd();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
