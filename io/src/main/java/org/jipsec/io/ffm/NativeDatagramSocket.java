package org.jipsec.io.ffm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

/**
 * A non-blocking {@code SOCK_DGRAM} or {@code SOCK_RAW} socket driven through FFM: single sends and receives,
 * {@code sendmmsg}/{@code recvmmsg} batches ({@link PacketBatch}), socket options. The raw-IP and UDP
 * encapsulation sockets are built on it. Thread-safe in the sense of {@link NativeFd}: one thread may receive
 * while others send; a {@link PacketBatch} must not be shared between concurrent calls.
 */
public final class NativeDatagramSocket implements AutoCloseable {
    private static final int WAIT_SLICE_MILLIS = 1000;
    private final NativeFd fd;
    private final int family;
    private final LongAdder sendErrors = new LongAdder();
    /** The last cumulative SO_RXQ_OVFL count seen (u32) and the drops counted from it (receiving thread writes). */
    private long lastDropCount;

    private volatile long receiveQueueDrops;
    private volatile NativeException lastSendError;

    private NativeDatagramSocket(NativeFd fd, int family) {
        this.fd = fd;
        this.family = family;
    }

    /** {@code socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol)}; {@code what} names it in errors. */
    public static NativeDatagramSocket open(int family, int type, int protocol, String what) throws IOException {
        int s = LibC.socket(family, type | LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC, protocol);
        return new NativeDatagramSocket(new NativeFd(s, what), family);
    }

    /** {@link LibC#AF_INET} or {@link LibC#AF_INET6}. */
    public int family() {
        return family;
    }

    /** The descriptor wrapper (for {@link NativeFd#await} in a caller's own poll loop). */
    public NativeFd fd() {
        return fd;
    }

    /** Sets an {@code int} socket option. */
    public void setOption(int level, int option, int value, String name) throws IOException {
        int f = fd.acquire();
        try {
            LibC.setsockopt(f, level, option, value, name);
        } finally {
            fd.release();
        }
    }

    /** Sets a socket option whose value is a structure ({@code value}'s bytes, e.g. a {@code sock_fprog}). */
    public void setOption(int level, int option, MemorySegment value, String name) throws IOException {
        int f = fd.acquire();
        try {
            LibC.setsockopt(f, level, option, value, name);
        } finally {
            fd.release();
        }
    }

    /** Reads an {@code int} socket option. */
    public int getOption(int level, int option, String name) throws IOException {
        int f = fd.acquire();
        try {
            return LibC.getsockoptInt(f, level, option, name);
        } finally {
            fd.release();
        }
    }

    /**
     * Sets both socket buffers to {@code bytes}: {@code SO_RCVBUFFORCE}/{@code SO_SNDBUFFORCE} (need
     * CAP_NET_ADMIN, ignore {@code net.core.rmem_max}) and, if refused, the capped {@code SO_RCVBUF}/
     * {@code SO_SNDBUF}. Returns the receive buffer size the kernel reports (twice the request, see socket(7)).
     */
    public int setBufferSizes(int bytes) throws IOException {
        try {
            setOption(LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, bytes, "SO_RCVBUFFORCE");
            setOption(LibC.SOL_SOCKET, LibC.SO_SNDBUFFORCE, bytes, "SO_SNDBUFFORCE");
        } catch (NativeException e) {
            if (e.errno() != Errno.EPERM) {
                throw e;
            }
            setOption(LibC.SOL_SOCKET, LibC.SO_RCVBUF, bytes, "SO_RCVBUF");
            setOption(LibC.SOL_SOCKET, LibC.SO_SNDBUF, bytes, "SO_SNDBUF");
        }
        return getOption(LibC.SOL_SOCKET, LibC.SO_RCVBUF, "SO_RCVBUF");
    }

    /**
     * Asks the kernel to attach, to every received packet, its destination address and interface
     * ({@code IP_PKTINFO}/{@code IPV6_RECVPKTINFO}), its TOS/traffic class ({@code IP_RECVTOS}/
     * {@code IPV6_RECVTCLASS}) and, on IPv6, its hop limit — what an IPv6 raw or a UDP socket otherwise hides.
     * Read them from a {@link PacketBatch} with a control area of at least {@link #RECEIVE_INFO_CONTROL} bytes.
     */
    public void enableReceiveInfo() throws IOException {
        if (family == LibC.AF_INET6) {
            setOption(LibC.IPPROTO_IPV6, LibC.IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
            setOption(LibC.IPPROTO_IPV6, LibC.IPV6_RECVTCLASS, 1, "IPV6_RECVTCLASS");
            setOption(LibC.IPPROTO_IPV6, LibC.IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
        } else {
            setOption(LibC.IPPROTO_IP, LibC.IP_PKTINFO, 1, "IP_PKTINFO");
            setOption(LibC.IPPROTO_IP, LibC.IP_RECVTOS, 1, "IP_RECVTOS");
        }
    }

    /**
     * Asks the kernel to attach its drop count to received packets ({@code SO_RXQ_OVFL}, socket(7)): packets it
     * dropped because this socket's receive queue was full, which the daemon would otherwise never see.
     * {@link #receiveBatch} folds it into {@link #receiveQueueDrops()}. The cmsg takes 24 bytes of the control area.
     */
    public void enableReceiveQueueDrops() throws IOException {
        setOption(LibC.SOL_SOCKET, LibC.SO_RXQ_OVFL, 1, "SO_RXQ_OVFL");
    }

    /** Packets the kernel dropped on this socket's full receive queue, as reported so far by SO_RXQ_OVFL. */
    public long receiveQueueDrops() {
        return receiveQueueDrops;
    }

    /**
     * Folds the SO_RXQ_OVFL counts of a received batch in: the kernel's count is cumulative and wraps at 2^32, so
     * the drops are the difference to the last count seen (slots in arrival order, counts never decrease).
     */
    private void countReceiveQueueDrops(PacketBatch batch, int n) {
        if (batch.controlSize() == 0) return;
        for (int i = 0; i < n; i++) {
            long c = batch.receiveQueueDrops(i);
            if (c < 0) continue;
            long delta = (c - lastDropCount) & 0xffffffffL;
            if (delta != 0 && delta < 0x80000000L) { // a later count (an earlier one is never re-reported)
                receiveQueueDrops += delta;
                lastDropCount = c;
            }
        }
    }

    /**
     * Control bytes per slot that hold everything {@link #enableReceiveInfo()}, UDP GRO and SO_RXQ_OVFL attach
     * (IPv6: pktinfo 40 + tclass 24 + hop limit 24 + GRO 24 + drop count 24 = 136).
     */
    public static final int RECEIVE_INFO_CONTROL = 160;

    /**
     * IPv6 only: also deliver the Hop-by-Hop, Routing and Destination Options headers that came before the
     * socket's protocol, one cmsg each with the whole header ({@code IPV6_HOPOPTS}, {@code IPV6_RTHDR},
     * {@code IPV6_DSTOPTS}; RFC 3542 §4). Linux reports them in wire order, a Destination Options header before a
     * Routing header as {@code IPV6_DSTOPTS} too (there is no {@code IPV6_RECVRTHDRDSTOPTS}, linux/in6.h).
     * Read them with {@link PacketBatch#extensionHeaders}; the batch needs {@link #EXTENSION_HEADERS_CONTROL}.
     */
    public void enableReceiveExtensionHeaders() throws IOException {
        if (family != LibC.AF_INET6) throw new IllegalStateException("extension headers are IPv6 only");
        setOption(LibC.IPPROTO_IPV6, LibC.IPV6_RECVHOPOPTS, 1, "IPV6_RECVHOPOPTS");
        setOption(LibC.IPPROTO_IPV6, LibC.IPV6_RECVRTHDR, 1, "IPV6_RECVRTHDR");
        setOption(LibC.IPPROTO_IPV6, LibC.IPV6_RECVDSTOPTS, 1, "IPV6_RECVDSTOPTS");
    }

    /**
     * Control bytes per slot for {@link #enableReceiveInfo()} plus extension headers: room for a Hop-by-Hop, a
     * Routing and two Destination Options headers of the largest size (2,048 bytes, a length octet of 255); more
     * sets {@code MSG_CTRUNC}: a drop.
     */
    public static final int EXTENSION_HEADERS_CONTROL = RECEIVE_INFO_CONTROL + 4 * (16 + 2048);

    /** {@code bind(2)}; for raw sockets the port is ignored (binding fixes the local address). */
    public void bind(InetSocketAddress local) throws IOException {
        int f = fd.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(SockAddr.IN6_LEN, 8);
            LibC.bind(f, sa, SockAddr.write(sa, 0, local));
        } finally {
            fd.release();
        }
    }

    /** {@code getsockname(2)}. */
    public InetSocketAddress localAddress() throws IOException {
        int f = fd.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(SockAddr.IN6_LEN, 8);
            LibC.getsockname(f, sa);
            return SockAddr.read(sa, 0);
        } finally {
            fd.release();
        }
    }

    /**
     * Sends {@code len} bytes of {@code buf} to {@code addr} (4 or 16 bytes) / {@code port}, waiting while the
     * socket buffer is full. Allocation-free.
     */
    public void send(MemorySegment buf, int len, byte[] addr, int port) throws IOException {
        int f = fd.acquire();
        try {
            MemorySegment sa = LibC.threadScratch().asSlice(32, 32);
            int saLen = SockAddr.write(sa, 0, addr, port);
            while (LibC.sendto(f, buf, len, 0, sa, saLen) == LibC.AGAIN) {
                fd.release();
                try {
                    fd.await(LibC.POLLOUT, WAIT_SLICE_MILLIS);
                } finally {
                    f = fd.acquire();
                }
                saLen = SockAddr.write(sa, 0, addr, port);
            }
        } finally {
            fd.release();
        }
    }

    /** Sends {@code len} bytes of {@code buf} to {@code dst}. */
    public void send(byte[] buf, int off, int len, InetSocketAddress dst) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(Math.max(1, len));
            MemorySegment.copy(buf, off, seg, JAVA_BYTE, 0, len);
            send(seg, len, dst.getAddress().getAddress(), dst.getPort());
        }
    }

    /**
     * Receives one datagram into {@code buf} without waiting: its length (truncated to the buffer) or
     * {@link LibC#AGAIN}; the source sockaddr goes to {@code from} (≥ 28 bytes; decode with {@link SockAddr}).
     */
    public int receive(MemorySegment buf, MemorySegment from) throws IOException {
        int f = fd.acquire();
        try {
            return LibC.recvfrom(
                    f, buf, buf.byteSize(), 0, from, LibC.threadScratch().asSlice(24, 4));
        } finally {
            fd.release();
        }
    }

    /**
     * Receives one datagram into {@code buf} ({@code off}..{@code off+len}), waiting at most
     * {@code timeoutMillis} (-1: forever); null on timeout.
     */
    public Datagram receive(byte[] buf, int off, int len, int timeoutMillis) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(Math.max(1, len));
            MemorySegment from = arena.allocate(SockAddr.IN6_LEN, 8);
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                int n = receive(seg, from);
                if (n >= 0) {
                    MemorySegment.copy(seg, JAVA_BYTE, 0, buf, off, Math.min(n, len));
                    return new Datagram(Math.min(n, len), SockAddr.read(from, 0));
                }
                int wait = timeoutMillis < 0
                        ? WAIT_SLICE_MILLIS
                        : (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
                if (timeoutMillis >= 0 && wait == 0) {
                    return null;
                }
                fd.await(LibC.POLLIN, Math.min(wait, WAIT_SLICE_MILLIS));
            }
        }
    }

    /**
     * Sends slots {@code [0, count)} of {@code batch} with {@code sendmmsg(2)} (as few calls as the kernel
     * allows), waiting while the socket buffer is full. A packet the kernel refuses (e.g. {@code EMSGSIZE},
     * no route) is skipped and counted in {@link #sendErrors()}; returns the number of packets sent.
     */
    public int sendBatch(PacketBatch batch, int count) throws IOException {
        batch.prepareSend(count, family);
        int sent = 0;
        int next = 0;
        int f = fd.acquire();
        try {
            while (next < count) {
                int n;
                try {
                    n = LibC.sendmmsg(f, batch.vector(next), count - next, 0);
                } catch (NativeException e) {
                    // sendmmsg reports an error only for the first message of the call: skip that one.
                    sendErrors.increment();
                    lastSendError = e;
                    next++;
                    continue;
                }
                if (n == LibC.AGAIN) {
                    fd.release();
                    try {
                        fd.await(LibC.POLLOUT, WAIT_SLICE_MILLIS);
                    } finally {
                        f = fd.acquire();
                    }
                    continue;
                }
                sent += n;
                next += n;
            }
            return sent;
        } finally {
            fd.release();
        }
    }

    /**
     * Sends slot {@code i} of {@code batch} with one {@code sendmsg(2)} (e.g. a UDP GSO super-datagram with a
     * {@code UDP_SEGMENT} cmsg), waiting while the socket buffer is full.
     */
    public void sendMessage(PacketBatch batch, int i) throws IOException {
        batch.prepareSend(i + 1, family);
        int f = fd.acquire();
        try {
            while (LibC.sendmsg(f, batch.message(i), 0) == LibC.AGAIN) {
                fd.release();
                try {
                    fd.await(LibC.POLLOUT, WAIT_SLICE_MILLIS);
                } finally {
                    f = fd.acquire();
                }
            }
        } finally {
            fd.release();
        }
    }

    /**
     * Receives up to {@code batch.slots()} datagrams with one {@code recvmmsg(2)}, waiting at most
     * {@code timeoutMillis} for the first (0: don't wait; -1: forever). Returns how many slots were filled
     * (0 on timeout); lengths, sources and flags are in the batch.
     */
    public int receiveBatch(PacketBatch batch, int timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + Math.max(0, timeoutMillis) * 1_000_000L;
        while (true) {
            batch.prepareReceive(batch.slots());
            int f = fd.acquire();
            int n;
            try {
                n = LibC.recvmmsg(f, batch.vector(0), batch.slots(), LibC.MSG_DONTWAIT);
            } finally {
                fd.release();
            }
            if (n != LibC.AGAIN) {
                if (n > 0) countReceiveQueueDrops(batch, n);
                return n;
            }
            if (timeoutMillis == 0) {
                return 0;
            }
            int wait = WAIT_SLICE_MILLIS;
            if (timeoutMillis > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return 0;
                }
                wait = (int) Math.min(left, WAIT_SLICE_MILLIS);
            }
            fd.await(LibC.POLLIN, wait);
        }
    }

    /** Packets skipped by {@link #sendBatch} because the kernel refused them. */
    public long sendErrors() {
        return sendErrors.sum();
    }

    /** The last error behind {@link #sendErrors()}, or null. */
    public NativeException lastSendError() {
        return lastSendError;
    }

    @Override
    public void close() throws IOException {
        fd.close();
    }
}
