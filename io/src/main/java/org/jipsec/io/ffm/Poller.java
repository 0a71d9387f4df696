package org.jipsec.io.ffm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;

/**
 * Waits on several {@link NativeFd}s at once with one {@code poll(2)} — for an event loop that serves a TUN
 * queue, a raw ESP socket and the UDP 4500 socket from one thread. The set is fixed at construction; the
 * off-heap {@code pollfd} array is allocated once. {@link #wakeup()} (from any thread) ends a wait early.
 * A Poller belongs to one thread; it does not own the descriptors it watches.
 *
 * <pre>
 * try (Poller p = new Poller(new NativeFd[] {tun.queue(0).fd(), esp.fd(), udp.fd()}, LibC.POLLIN)) {
 *     while (running) {
 *         if (p.poll(1000) == 0) continue;
 *         if (p.isReady(0)) { ... read the TUN until LibC.AGAIN ... }
 *         if (p.isReady(1)) { ... receiveBatch(batch, 0) ... }
 *     }
 * }
 * </pre>
 */
public final class Poller implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final NativeFd[] fds;
    private final short events;
    private final MemorySegment pollfds;
    private final int wakeFd;

    /** Watches {@code fds} for {@code events} ({@link LibC#POLLIN} and/or {@link LibC#POLLOUT}). */
    public Poller(NativeFd[] fds, short events) throws NativeException {
        this.fds = fds.clone();
        this.events = events;
        this.pollfds = arena.allocate(8L * (fds.length + 1), 8);
        this.wakeFd = LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
    }

    /**
     * Waits at most {@code timeoutMillis} (-1: no limit) until a descriptor is ready; returns how many are
     * (0 on timeout or {@link #wakeup()}). Throws {@link ClosedChannelException} if one was closed.
     */
    public int poll(int timeoutMillis) throws IOException {
        int acquired = 0;
        try {
            for (; acquired < fds.length; acquired++) {
                LibC.setPollFd(pollfds, acquired, fds[acquired].acquire(), events);
            }
            LibC.setPollFd(pollfds, fds.length, wakeFd, LibC.POLLIN);
            int n = LibC.poll(pollfds, fds.length + 1, timeoutMillis);
            if (n > 0 && LibC.pollRevents(pollfds, fds.length) != 0) {
                MemorySegment drain = LibC.threadScratch().asSlice(32, 8);
                LibC.read(wakeFd, drain, 8);
                n--;
            }
            return n;
        } finally {
            for (int i = 0; i < acquired; i++) {
                fds[i].release();
            }
        }
    }

    /** After {@link #poll}: true if descriptor {@code i} is ready (or in error, so that its next call says so). */
    public boolean isReady(int i) {
        return LibC.pollRevents(pollfds, i) != 0;
    }

    /** After {@link #poll}: the {@code revents} of descriptor {@code i}. */
    public short revents(int i) {
        return LibC.pollRevents(pollfds, i);
    }

    /** Ends a {@link #poll} in progress (or the next one) early. Any thread. */
    public void wakeup() throws NativeException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(8);
            one.set(JAVA_LONG, 0, 1L);
            LibC.write(wakeFd, one, 8);
        }
    }

    @Override
    public void close() throws NativeException {
        try {
            LibC.close(wakeFd);
        } finally {
            arena.close();
        }
    }
}
