package org.jipsec.io.tun;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.jipsec.io.ffm.LibC;
import org.jipsec.io.ffm.NativeFd;

/**
 * One queue (descriptor) of a TUN device. Each {@code read} returns exactly one packet (or, with offloads, one
 * {@link VirtioNetHdr}-prefixed frame); each {@code write} injects one. The descriptor is non-blocking;
 * the {@code timeoutMillis} variants wait with {@code poll(2)}, so a thread blocked reading never blocks a
 * writer on the same queue, and {@link #close()} wakes it.
 */
public final class TunQueue implements AutoCloseable {
    private static final int WAIT_SLICE_MILLIS = 1000;
    /** A zero {@code virtio_net_hdr} (GSO_NONE, no flags), prepended to plain packets on offload queues. */
    private static final MemorySegment ZERO_VNET_HDR = Arena.global().allocate(VirtioNetHdr.SIZE, 8);

    private final NativeFd fd;
    private final boolean vnetHdr;

    TunQueue(NativeFd fd, boolean vnetHdr) {
        this.fd = fd;
        this.vnetHdr = vnetHdr;
    }

    /** True if every read and write carries a {@link VirtioNetHdr} (the device was opened with offload). */
    public boolean hasVnetHdr() {
        return vnetHdr;
    }

    /** The descriptor (for a caller's own poll loop). */
    public NativeFd fd() {
        return fd;
    }

    /** Reads one packet/frame without waiting: its length, or {@link LibC#AGAIN} if none is queued. */
    public int read(MemorySegment buf) throws IOException {
        int f = fd.acquire();
        try {
            return LibC.read(f, buf, buf.byteSize());
        } finally {
            fd.release();
        }
    }

    /**
     * Reads one packet/frame, waiting at most {@code timeoutMillis} (-1: until one arrives or the queue is
     * closed): its length, or {@link LibC#AGAIN} on timeout.
     */
    public int read(MemorySegment buf, int timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + Math.max(0, timeoutMillis) * 1_000_000L;
        while (true) {
            int n = read(buf);
            if (n != LibC.AGAIN || timeoutMillis == 0) {
                return n;
            }
            int wait = WAIT_SLICE_MILLIS;
            if (timeoutMillis > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return LibC.AGAIN;
                }
                wait = (int) Math.min(left, WAIT_SLICE_MILLIS);
            }
            fd.await(LibC.POLLIN, wait);
        }
    }

    /**
     * Reads one packet into {@code dst} through the caller's off-heap {@code scratch} buffer (≥ the largest
     * frame), waiting at most {@code timeoutMillis}: the length copied, or {@link LibC#AGAIN} on timeout.
     */
    public int read(MemorySegment scratch, byte[] dst, int off, int timeoutMillis) throws IOException {
        int n = read(scratch, timeoutMillis);
        if (n > 0) {
            n = Math.min(n, dst.length - off);
            MemorySegment.copy(scratch, JAVA_BYTE, 0, dst, off, n);
        }
        return n;
    }

    /**
     * Writes one frame exactly as given ({@code len} bytes; with offload it must start with a
     * {@link VirtioNetHdr}), waiting while the queue is full (TUN rarely is).
     */
    public void write(MemorySegment buf, int len) throws IOException {
        int f = fd.acquire();
        try {
            while (LibC.write(f, buf, len) == LibC.AGAIN) {
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
     * Writes one plain IP packet: on an offload queue a zero {@link VirtioNetHdr} is prepended with
     * {@code writev(2)} (no copy); otherwise the same as {@link #write}. Allocation-free.
     */
    public void writePacket(MemorySegment pkt, int len) throws IOException {
        if (!vnetHdr) {
            write(pkt, len);
            return;
        }
        MemorySegment iov = LibC.threadScratch().asSlice(32, 32);
        iov.set(ADDRESS, 0, ZERO_VNET_HDR);
        iov.set(JAVA_LONG, 8, VirtioNetHdr.SIZE);
        iov.set(ADDRESS, 16, pkt);
        iov.set(JAVA_LONG, 24, len);
        int f = fd.acquire();
        try {
            while (LibC.writev(f, iov, 2) == LibC.AGAIN) {
                fd.release();
                try {
                    fd.await(LibC.POLLOUT, WAIT_SLICE_MILLIS);
                } finally {
                    f = fd.acquire();
                }
                iov.set(ADDRESS, 0, ZERO_VNET_HDR);
                iov.set(JAVA_LONG, 8, VirtioNetHdr.SIZE);
                iov.set(ADDRESS, 16, pkt);
                iov.set(JAVA_LONG, 24, len);
            }
        } finally {
            fd.release();
        }
    }

    /** Writes one plain IP packet from a heap array (allocates a temporary segment: not for the hot path). */
    public void writePacket(byte[] pkt, int off, int len) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(Math.max(1, len));
            MemorySegment.copy(pkt, off, seg, JAVA_BYTE, 0, len);
            writePacket(seg, len);
        }
    }

    @Override
    public void close() throws IOException {
        fd.close();
    }
}
