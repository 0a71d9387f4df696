package org.jipsec.io.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** The file-descriptor calls of {@link LibC}: open, close, read, write, readv, writev, ioctl. */
@SuppressWarnings("restricted")
abstract sealed class FileCalls extends NativeCalls permits SocketCalls {
    // <fcntl.h>, <sys/socket.h>, <netinet/in.h>, <poll.h> values for Linux (generic ABI, x86-64 and aarch64).
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;

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

    FileCalls() {}

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
}
