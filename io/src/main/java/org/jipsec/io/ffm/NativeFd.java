package org.jipsec.io.ffm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An owned, non-blocking file descriptor that several threads may use at once (one reading, others writing)
 * and that another thread may close.
 *
 * <p>Blocking is done with {@code poll(2)} on the descriptor and a private {@code eventfd(2)}; {@link #close()}
 * signals the eventfd so that a thread blocked in {@link #await} wakes at once, then waits until no call is in
 * flight before releasing the descriptor number — a descriptor number is never used after the kernel may have
 * handed it out again. Nothing here takes a lock, so a blocked reader never blocks a writer (unlike
 * {@code FileChannel}, whose position lock does).
 *
 * <p>Usage on the hot path: {@code int fd = nfd.acquire(); try { LibC.read(fd, …) } finally { nfd.release(); }}.
 */
public final class NativeFd implements AutoCloseable {
    private static final int CLOSED = Integer.MIN_VALUE / 2;
    private final int fd;
    private final int wakeFd;
    private final String what;
    /** Calls in flight; {@link #CLOSED} is added on close so that acquire fails from then on. */
    private final AtomicInteger users = new AtomicInteger();

    /**
     * Takes ownership of {@code fd} (which must be non-blocking); {@code what} names it in errors (e.g. "tun0").
     */
    public NativeFd(int fd, String what) throws NativeException {
        this.fd = fd;
        this.what = what;
        int w;
        try {
            w = LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
        } catch (NativeException e) {
            LibC.close(fd);
            throw e;
        }
        this.wakeFd = w;
    }

    /** What this descriptor is (for messages). */
    public String what() {
        return what;
    }

    /** Marks a call in flight and returns the descriptor number; pair with {@link #release()}. */
    public int acquire() throws ClosedChannelException {
        if (users.incrementAndGet() < 0) {
            users.decrementAndGet();
            throw new ClosedChannelException();
        }
        return fd;
    }

    /** Ends a call started with {@link #acquire()}. */
    public void release() {
        users.decrementAndGet();
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return users.get() < 0;
    }

    /**
     * Waits until the descriptor is ready for {@code events} ({@link LibC#POLLIN}/{@link LibC#POLLOUT}) or
     * {@code timeoutMillis} pass ({@code -1}: no limit). Returns true if ready (or in error, so that the next
     * call reports the error), false on timeout; throws {@link ClosedChannelException} if closed meanwhile.
     */
    public boolean await(short events, int timeoutMillis) throws IOException {
        int f = acquire();
        try {
            MemorySegment fds = LibC.threadScratch();
            LibC.setPollFd(fds, 0, f, events);
            LibC.setPollFd(fds, 1, wakeFd, LibC.POLLIN);
            int n = LibC.poll(fds, 2, timeoutMillis);
            if (isClosed()) {
                throw new ClosedChannelException();
            }
            return n > 0 && LibC.pollRevents(fds, 0) != 0;
        } finally {
            release();
        }
    }

    /**
     * Closes: wakes any thread in {@link #await}, waits (at most 2 s) for calls in flight to return, then
     * closes the descriptor. Idempotent.
     */
    @Override
    public void close() throws IOException {
        int u;
        do {
            u = users.get();
            if (u < 0) {
                return;
            }
        } while (!users.compareAndSet(u, u + CLOSED));
        MemorySegment one = LibC.threadScratch().asSlice(32, 8);
        one.set(JAVA_LONG, 0, 1L);
        LibC.write(wakeFd, one, 8);
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (users.get() != CLOSED && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000); // the last user is leaving a syscall
        }
        try {
            LibC.close(fd);
        } finally {
            LibC.close(wakeFd);
        }
    }

    @Override
    public String toString() {
        return "NativeFd[" + what + ", fd=" + fd + (isClosed() ? ", closed" : "") + "]";
    }
}
