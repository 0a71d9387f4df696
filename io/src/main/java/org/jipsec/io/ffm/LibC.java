package org.jipsec.io.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

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
 *
 * <p>The calls are grouped by area in this class's package-private supertypes, whose static members every caller
 * reaches as {@code LibC.x}: {@link NativeCalls} (linking, errno, scratch memory), {@link FileCalls} (file
 * descriptors, ioctl), {@link SocketCalls} (sockets); this class keeps poll, eventfd, namespaces and interfaces.
 */
@SuppressWarnings("restricted") // binding native code is this class's job; needs --enable-native-access
public final class LibC extends SocketCalls {

    // <poll.h>, <sys/eventfd.h>, <sched.h> values for Linux
    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int CLONE_NEWNET = 0x40000000;

    private static final MethodHandle POLL =
            bind("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle EVENTFD = bind("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETNS = bind("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = bind("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private LibC() {}

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
