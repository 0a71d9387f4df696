package org.jipsec.io.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

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
 * What every libc binding of the io layer shares (JEP 454): the linker, {@code errno} capture into per-thread
 * scratch memory, the failure mapping and {@code strerror(3)}. The calls themselves are grouped by area —
 * {@link FileCalls} (files, {@code ioctl}), {@link SocketCalls} (sockets) and {@link LibC} (poll, eventfd,
 * namespaces, interfaces) — each extending the one before, so that every call is still named {@code LibC.x}.
 */
@SuppressWarnings("restricted") // binding native code is this class's job; needs --enable-native-access
abstract sealed class NativeCalls permits FileCalls {
    /** Returned by calls on non-blocking descriptors when the kernel reports {@code EAGAIN}/{@code EWOULDBLOCK}. */
    public static final int AGAIN = -1;

    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final VarHandle ERRNO_VH =
            Linker.Option.captureStateLayout().varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final AddressLayout C_STRING =
            ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(1024, ValueLayout.JAVA_BYTE));
    private static final MethodHandle STRERROR =
            LINKER.downcallHandle(LIBC.findOrThrow("strerror"), FunctionDescriptor.of(C_STRING, JAVA_INT));

    /** Per-thread scratch: the errno capture state and 64 bytes for option values, pollfds and lengths. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    NativeCalls() {}

    static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... extra) {
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

    static int errno(MemorySegment state) {
        return (int) ERRNO_VH.get(state, 0L);
    }

    static RuntimeException rethrow(Throwable t) {
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
}
