package org.jipsec.io.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The socket calls of {@link LibC}: socket, bind, connect, getsockname, setsockopt, getsockopt, sendto, recvfrom,
 * sendmsg, recvmsg, sendmmsg, recvmmsg, with the {@code <sys/socket.h>} and {@code <netinet/in.h>} values.
 */
@SuppressWarnings("restricted")
abstract sealed class SocketCalls extends FileCalls permits LibC {
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVBUFFORCE = 33;
    /** asm-generic/socket.h: a {@code u32} cmsg with the socket's cumulative drop count (socket(7)). */
    public static final int SO_RXQ_OVFL = 40;

    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPPROTO_ESP = 50;
    public static final int IPPROTO_AH = 51;
    public static final int IPPROTO_RAW = 255;
    public static final int IP_TOS = 1;
    public static final int IP_HDRINCL = 3;
    public static final int IP_PKTINFO = 8;
    public static final int IP_RECVTOS = 13;
    public static final int IPV6_UNICAST_HOPS = 16;
    public static final int IPV6_V6ONLY = 26;
    public static final int IPV6_HDRINCL = 36;
    public static final int IPV6_RECVPKTINFO = 49;
    public static final int IPV6_PKTINFO = 50;
    public static final int IPV6_RECVHOPLIMIT = 51;
    public static final int IPV6_HOPLIMIT = 52;
    public static final int IPV6_RECVTCLASS = 66;
    /** RFC 3542 §4 (linux/in6.h): receive the extension headers before the protocol as ancillary data. */
    public static final int IPV6_RECVHOPOPTS = 53;

    public static final int IPV6_HOPOPTS = 54;
    public static final int IPV6_RECVRTHDR = 56;
    public static final int IPV6_RTHDR = 57;
    public static final int IPV6_RECVDSTOPTS = 58;
    public static final int IPV6_DSTOPTS = 59;
    public static final int IPV6_TCLASS = 67;
    public static final int SOL_UDP = 17;
    public static final int UDP_SEGMENT = 103;
    public static final int UDP_GRO = 104;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_CTRUNC = 0x08;

    private static final MethodHandle SOCKET =
            bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CONNECT =
            bind("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME =
            bind("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SETSOCKOPT =
            bind("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT =
            bind("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SENDTO =
            bind("sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVFROM = bind(
            "recvfrom", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SENDMSG =
            bind("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMSG =
            bind("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDMMSG =
            bind("sendmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle RECVMMSG =
            bind("recvmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));

    SocketCalls() {}

    /** {@code socket(2)}; returns the descriptor. */
    public static int socket(int domain, int type, int protocol) throws NativeException {
        MemorySegment state = scratch().state;
        int r;
        try {
            r = (int) SOCKET.invokeExact(state, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new NativeException("socket(" + domain + ", " + type + ", " + protocol + ")", errno(state));
        }
        return r;
    }

    /** {@code bind(2)} to the socket address in {@code addr} ({@code len} bytes). */
    public static void bind(int fd, MemorySegment addr, int len) throws NativeException {
        MemorySegment state = scratch().state;
        int r;
        try {
            r = (int) BIND.invokeExact(state, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new NativeException("bind", errno(state));
        }
    }

    /** {@code connect(2)} (datagram sockets: sets the default destination and filters the source). */
    public static void connect(int fd, MemorySegment addr, int len) throws NativeException {
        MemorySegment state = scratch().state;
        int r;
        try {
            r = (int) CONNECT.invokeExact(state, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new NativeException("connect", errno(state));
        }
    }

    /** {@code getsockname(2)} into {@code addr} (capacity {@code addr.byteSize()}); returns the length. */
    public static int getsockname(int fd, MemorySegment addr) throws NativeException {
        Scratch s = scratch();
        s.small.set(JAVA_INT, 0, (int) addr.byteSize());
        int r;
        try {
            r = (int) GETSOCKNAME.invokeExact(s.state, fd, addr, s.small);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new NativeException("getsockname", errno(s.state));
        }
        return s.small.get(JAVA_INT, 0);
    }

    /** {@code setsockopt(2)} with an {@code int} value; {@code name} names the option in errors. */
    public static void setsockopt(int fd, int level, int option, int value, String name) throws NativeException {
        Scratch s = scratch();
        s.small.set(JAVA_INT, 0, value);
        setsockopt(fd, level, option, s.small.asSlice(0, 4), name);
    }

    /** {@code setsockopt(2)} with an arbitrary value segment. */
    public static void setsockopt(int fd, int level, int option, MemorySegment value, String name)
            throws NativeException {
        MemorySegment state = scratch().state;
        int r;
        try {
            r = (int) SETSOCKOPT.invokeExact(state, fd, level, option, value, (int) value.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new NativeException("setsockopt(" + name + ")", errno(state));
        }
    }

    /** {@code getsockopt(2)} of an {@code int} option. */
    public static int getsockoptInt(int fd, int level, int option, String name) throws NativeException {
        Scratch s = scratch();
        MemorySegment value = s.small.asSlice(0, 4);
        MemorySegment len = s.small.asSlice(8, 4);
        len.set(JAVA_INT, 0, 4);
        int r;
        try {
            r = (int) GETSOCKOPT.invokeExact(s.state, fd, level, option, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new NativeException("getsockopt(" + name + ")", errno(s.state));
        }
        return value.get(JAVA_INT, 0);
    }

    /** {@code sendto(2)}: bytes sent or {@link #AGAIN}. {@code addr} may be {@link MemorySegment#NULL}. */
    public static int sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen)
            throws NativeException {
        MemorySegment state = scratch().state;
        while (true) {
            long r;
            try {
                r = (long) SENDTO.invokeExact(state, fd, buf, len, flags, addr, addrLen);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (r >= 0) {
                return (int) r;
            }
            int e = errno(state);
            if (e == Errno.EAGAIN) {
                return AGAIN;
            }
            if (e != Errno.EINTR) {
                throw new NativeException("sendto", e);
            }
        }
    }

    /**
     * {@code recvfrom(2)}: bytes received or {@link #AGAIN}. The source address goes to {@code addr}
     * (capacity {@code addr.byteSize()}); {@code addrLen} (a 4-byte segment) receives its length.
     */
    public static int recvfrom(
            int fd, MemorySegment buf, long len, int flags, MemorySegment addr, MemorySegment addrLen)
            throws NativeException {
        MemorySegment state = scratch().state;
        while (true) {
            addrLen.set(JAVA_INT, 0, (int) addr.byteSize());
            long r;
            try {
                r = (long) RECVFROM.invokeExact(state, fd, buf, len, flags, addr, addrLen);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (r >= 0) {
                return (int) r;
            }
            int e = errno(state);
            if (e == Errno.EAGAIN) {
                return AGAIN;
            }
            if (e != Errno.EINTR) {
                throw new NativeException("recvfrom", e);
            }
        }
    }

    /** {@code sendmsg(2)} of the {@code struct msghdr} at {@code msg}: bytes sent or {@link #AGAIN}. */
    public static int sendmsg(int fd, MemorySegment msg, int flags) throws NativeException {
        MemorySegment state = scratch().state;
        while (true) {
            long r;
            try {
                r = (long) SENDMSG.invokeExact(state, fd, msg, flags);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (r >= 0) {
                return (int) r;
            }
            int e = errno(state);
            if (e == Errno.EAGAIN) {
                return AGAIN;
            }
            if (e != Errno.EINTR) {
                throw new NativeException("sendmsg", e);
            }
        }
    }

    /** {@code recvmsg(2)} into the {@code struct msghdr} at {@code msg}: bytes or {@link #AGAIN}. */
    public static int recvmsg(int fd, MemorySegment msg, int flags) throws NativeException {
        MemorySegment state = scratch().state;
        while (true) {
            long r;
            try {
                r = (long) RECVMSG.invokeExact(state, fd, msg, flags);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (r >= 0) {
                return (int) r;
            }
            int e = errno(state);
            if (e == Errno.EAGAIN) {
                return AGAIN;
            }
            if (e != Errno.EINTR) {
                throw new NativeException("recvmsg", e);
            }
        }
    }

    /** {@code sendmmsg(2)}: number of messages sent (may be fewer than {@code vlen}) or {@link #AGAIN}. */
    public static int sendmmsg(int fd, MemorySegment msgvec, int vlen, int flags) throws NativeException {
        MemorySegment state = scratch().state;
        while (true) {
            int r;
            try {
                r = (int) SENDMMSG.invokeExact(state, fd, msgvec, vlen, flags);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (r >= 0) {
                return r;
            }
            int e = errno(state);
            if (e == Errno.EAGAIN) {
                return AGAIN;
            }
            if (e != Errno.EINTR) {
                throw new NativeException("sendmmsg", e);
            }
        }
    }

    /** {@code recvmmsg(2)} without timeout: number of messages received or {@link #AGAIN}. */
    public static int recvmmsg(int fd, MemorySegment msgvec, int vlen, int flags) throws NativeException {
        MemorySegment state = scratch().state;
        while (true) {
            int r;
            try {
                r = (int) RECVMMSG.invokeExact(state, fd, msgvec, vlen, flags, MemorySegment.NULL);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (r >= 0) {
                return r;
            }
            int e = errno(state);
            if (e == Errno.EAGAIN) {
                return AGAIN;
            }
            if (e != Errno.EINTR) {
                throw new NativeException("recvmmsg", e);
            }
        }
    }
}
