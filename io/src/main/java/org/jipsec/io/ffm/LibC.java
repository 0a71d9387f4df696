package org.jipsec.io.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls of the io layer, bound through the Foreign Function and Memory API (JEP 454).
 *
 * <p>Every call captures {@code errno} ({@link Linker.Option#captureCallState}) into a per-thread segment, retries
 * on {@code EINTR}, and turns any other failure into a {@link NativeException} naming the call. Calls on
 * non-blocking descriptors return {@link #AGAIN} instead of throwing when the kernel says {@code EAGAIN}, so a
 * poll loop needs no exception on its hot path. Nothing here allocates on the Java heap per call except on the
 * error path; callers pass their own (reused) off-heap segments.
 *
 * <p>Only Linux on 64-bit platforms (LP64: {@code size_t} = {@code long}) is supported.
 */
@SuppressWarnings("restricted") // binding native code is this class's job; needs --enable-native-access
public final class LibC {
    /** Returned by calls on non-blocking descriptors when the kernel reports {@code EAGAIN}/{@code EWOULDBLOCK}. */
    public static final int AGAIN = -1;

    // <fcntl.h>, <sys/socket.h>, <netinet/in.h>, <poll.h> values for Linux (generic ABI, x86-64 and aarch64).
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
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
    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int CLONE_NEWNET = 0x40000000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final VarHandle ERRNO_VH =
            Linker.Option.captureStateLayout().varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final AddressLayout C_STRING =
            ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(1024, ValueLayout.JAVA_BYTE));

    private static final MethodHandle OPEN =
            bind("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ =
            bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE =
            bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle READV =
            bind("readv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle WRITEV =
            bind("writev", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle IOCTL_PTR = bind(
            "ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_LONG = bind(
            "ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(2));
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
    private static final MethodHandle POLL =
            bind("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle EVENTFD = bind("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETNS = bind("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = bind("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle STRERROR =
            LINKER.downcallHandle(LIBC.findOrThrow("strerror"), FunctionDescriptor.of(C_STRING, JAVA_INT));

    /** Per-thread scratch: the errno capture state and 64 bytes for option values, pollfds and lengths. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private LibC() {}

    private static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(LIBC.findOrThrow(name), fd, options);
    }

    /** Off-heap scratch memory owned by one thread. */
    static final class Scratch {
        final MemorySegment state;
        final MemorySegment small;

        Scratch() {
            Arena arena = Arena.ofAuto();
            state = arena.allocate(Linker.Option.captureStateLayout());
            small = arena.allocate(64, 8);
        }
    }

    static Scratch scratch() {
        return SCRATCH.get();
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO_VH.get(state, 0L);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }

    /** {@code strerror(3)} text of an errno value (only used to build exception messages). */
    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.equals(MemorySegment.NULL) ? "unknown error" : s.getString(0);
        } catch (Throwable t) {
            return "unknown error";
        }
    }

    /** {@code open(2)}; returns the file descriptor. */
    public static int open(String path, int flags) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocateFrom(path);
            MemorySegment state = scratch().state;
            while (true) {
                int r = (int) OPEN.invokeExact(state, p, flags);
                if (r >= 0) {
                    return r;
                }
                int e = errno(state);
                if (e != Errno.EINTR) {
                    throw new NativeException("open(" + path + ")", e);
                }
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code close(2)}; EINTR is not retried (Linux has released the descriptor already). */
    public static void close(int fd) throws NativeException {
        MemorySegment state = scratch().state;
        int r;
        try {
            r = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0 && errno(state) != Errno.EINTR) {
            throw new NativeException("close", errno(state));
        }
    }

    /** {@code read(2)} into {@code buf}: bytes read, 0 at end of file, or {@link #AGAIN}. */
    public static int read(int fd, MemorySegment buf, long len) throws NativeException {
        MemorySegment state = scratch().state;
        while (true) {
            long r;
            try {
                r = (long) READ.invokeExact(state, fd, buf, len);
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
                throw new NativeException("read", e);
            }
        }
    }

    /** {@code write(2)} from {@code buf}: bytes written or {@link #AGAIN}. */
    public static int write(int fd, MemorySegment buf, long len) throws NativeException {
        MemorySegment state = scratch().state;
        while (true) {
            long r;
            try {
                r = (long) WRITE.invokeExact(state, fd, buf, len);
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
                throw new NativeException("write", e);
            }
        }
    }

    /** {@code readv(2)} over {@code iovcnt} iovecs at {@code iov}: bytes read or {@link #AGAIN}. */
    public static int readv(int fd, MemorySegment iov, int iovcnt) throws NativeException {
        MemorySegment state = scratch().state;
        while (true) {
            long r;
            try {
                r = (long) READV.invokeExact(state, fd, iov, iovcnt);
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
                throw new NativeException("readv", e);
            }
        }
    }

    /** {@code writev(2)} over {@code iovcnt} iovecs at {@code iov}: bytes written or {@link #AGAIN}. */
    public static int writev(int fd, MemorySegment iov, int iovcnt) throws NativeException {
        MemorySegment state = scratch().state;
        while (true) {
            long r;
            try {
                r = (long) WRITEV.invokeExact(state, fd, iov, iovcnt);
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
                throw new NativeException("writev", e);
            }
        }
    }

    /** {@code ioctl(2)} with a pointer argument; {@code name} names the request in errors. */
    public static int ioctl(int fd, long request, MemorySegment arg, String name) throws NativeException {
        MemorySegment state = scratch().state;
        while (true) {
            int r;
            try {
                r = (int) IOCTL_PTR.invokeExact(state, fd, request, arg);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (r >= 0) {
                return r;
            }
            int e = errno(state);
            if (e != Errno.EINTR) {
                throw new NativeException("ioctl(" + name + ")", e);
            }
        }
    }

    /** {@code ioctl(2)} with an integer argument (e.g. {@code TUNSETOFFLOAD}). */
    public static int ioctl(int fd, long request, long arg, String name) throws NativeException {
        MemorySegment state = scratch().state;
        while (true) {
            int r;
            try {
                r = (int) IOCTL_LONG.invokeExact(state, fd, request, arg);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (r >= 0) {
                return r;
            }
            int e = errno(state);
            if (e != Errno.EINTR) {
                throw new NativeException("ioctl(" + name + ")", e);
            }
        }
    }

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

    /** {@code poll(2)} over {@code nfds} {@code struct pollfd} (8 bytes each); returns the ready count (0 = timeout). */
    public static int poll(MemorySegment fds, int nfds, int timeoutMillis) throws NativeException {
        MemorySegment state = scratch().state;
        int r;
        try {
            r = (int) POLL.invokeExact(state, fds, (long) nfds, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            int e = errno(state);
            if (e == Errno.EINTR) {
                return 0;
            }
            throw new NativeException("poll", e);
        }
        return r;
    }

    /** {@code eventfd(2)}. */
    public static int eventfd(int initval, int flags) throws NativeException {
        MemorySegment state = scratch().state;
        int r;
        try {
            r = (int) EVENTFD.invokeExact(state, initval, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new NativeException("eventfd", errno(state));
        }
        return r;
    }

    /** {@code setns(2)}: moves the <em>calling thread</em> into the namespace referred to by {@code fd}. */
    public static void setns(int fd, int nstype) throws NativeException {
        MemorySegment state = scratch().state;
        int r;
        try {
            r = (int) SETNS.invokeExact(state, fd, nstype);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new NativeException("setns", errno(state));
        }
    }

    /** {@code if_nametoindex(3)} in the calling thread's network namespace. */
    public static int ifNameToIndex(String name) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = scratch().state;
            int r = (int) IF_NAMETOINDEX.invokeExact(state, arena.allocateFrom(name));
            if (r == 0) {
                throw new NativeException("if_nametoindex(" + name + ")", errno(state));
            }
            return r;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Fills a {@code struct pollfd} at {@code index} of {@code fds}. */
    public static void setPollFd(MemorySegment fds, int index, int fd, short events) {
        long off = index * 8L;
        fds.set(JAVA_INT, off, fd);
        fds.set(JAVA_SHORT, off + 4, events);
        fds.set(JAVA_SHORT, off + 6, (short) 0);
    }

    /** The {@code revents} of the {@code struct pollfd} at {@code index}. */
    public static short pollRevents(MemorySegment fds, int index) {
        return fds.get(JAVA_SHORT, index * 8L + 6);
    }

    /** 64 bytes of per-thread scratch memory for short-lived arguments (pollfds, option values). */
    public static MemorySegment threadScratch() {
        return scratch().small;
    }
}
