package org.jipsec.io.tun;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.jipsec.core.net.Checksums;

/**
 * Collects IP packets bound for an offload TUN queue and writes them with as few {@code write(2)} calls as
 * possible: consecutive in-order TCP segments of one flow are coalesced into one TSO super-packet (a
 * {@link VirtioNetHdr} with {@code GSO_TCPV4}/{@code GSO_TCPV6} and {@code F_NEEDS_CSUM}) — receive-side
 * coalescing in userspace, as Linux GRO and wireguard-go's TUN writer do. Everything else is written as it came,
 * in order per flow.
 *
 * <p>A segment joins the flow's open super-packet only if (Linux {@code tcp_gro_receive} rules, simplified):
 * <ul>
 *   <li>its TCP checksum is valid (the kernel will not verify a partial-checksum super-packet, so a corrupt
 *       segment must never be folded in);</li>
 *   <li>IPv4 without options or fragmentation, same TOS, TTL and DF; IPv6 without extension headers, same
 *       traffic class, flow label and hop limit; same addresses and ports;</li>
 *   <li>flags ACK, or ACK|PSH (which closes the super-packet); same ACK number, window and TCP options;</li>
 *   <li>its sequence number continues the super-packet exactly; its payload is not larger than the first
 *       segment's (the {@code gso_size}); a shorter one closes the super-packet;</li>
 *   <li>the result stays within 65535 bytes of IP packet and {@link #MAX_SEGMENTS} segments.</li>
 * </ul>
 * One batch belongs to one thread; memory (frames of 64 KiB) is allocated once.
 */
public final class TunWriteBatch implements AutoCloseable {
    /** Most segments folded into one super-packet. */
    public static final int MAX_SEGMENTS = 64;

    private static final int MAX_IP = 65535;
    private static final int FRAME = VirtioNetHdr.SIZE + MAX_IP;
    private static final int H = VirtioNetHdr.SIZE;
    private static final ValueLayout.OfShort BE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment[] frames;
    private final int[] ipLen; // IP packet length in frame i
    private final int[] l4; // TCP header offset (0 = not a coalescing candidate)
    private final int[] tcpLen;
    private final int[] gsoSize;
    private final int[] segs;
    private final int[] nextSeq;
    private final boolean[] open;
    private int count;
    private long coalesced;
    /** While {@link #add(byte[], int, int)} runs: the array the packet segment views, and its offset there. */
    private byte[] heap;

    private int heapOff;

    /** A batch of at most {@code maxFrames} frames (each 64 KiB of off-heap memory). */
    public TunWriteBatch(int maxFrames) {
        if (maxFrames < 1 || maxFrames > 1024) {
            throw new IllegalArgumentException("maxFrames 1..1024");
        }
        MemorySegment all = arena.allocate((long) FRAME * maxFrames, 64);
        frames = new MemorySegment[maxFrames];
        for (int i = 0; i < maxFrames; i++) {
            frames[i] = all.asSlice((long) FRAME * i, FRAME);
        }
        ipLen = new int[maxFrames];
        l4 = new int[maxFrames];
        tcpLen = new int[maxFrames];
        gsoSize = new int[maxFrames];
        segs = new int[maxFrames];
        nextSeq = new int[maxFrames];
        open = new boolean[maxFrames];
    }

    /** True if no more packets can be added without {@link #flush}. */
    public boolean isFull() {
        return count == frames.length;
    }

    /** Frames waiting to be written. */
    public int frames() {
        return count;
    }

    /** Segments folded into an earlier segment's super-packet since this batch was created. */
    public long coalescedSegments() {
        return coalesced;
    }

    /**
     * Adds one IP packet ({@code len} bytes of {@code pkt}). Returns false, adding nothing, if the batch is full
     * and the packet could not join an open super-packet: flush and add again.
     */
    public boolean add(MemorySegment pkt, int len) {
        if (len <= 0 || len > MAX_IP || len > pkt.byteSize()) {
            throw new IllegalArgumentException("packet length " + len);
        }
        int t = tcpOffset(pkt, len);
        if (t > 0) {
            int f = latestFrameOfFlow(pkt, t);
            if (f >= 0 && open[f] && tryAppend(f, pkt, len, t)) {
                coalesced++;
                return true;
            }
            if (f >= 0) {
                open[f] = false; // keep per-flow order: nothing may join an earlier frame
            }
        } else if (!clearlyNotTcp(pkt, len)) {
            for (int i = 0; i < count; i++) {
                open[i] = false; // a TCP packet we cannot parse: its flow is unknown
            }
        }
        if (count == frames.length) {
            return false;
        }
        int f = count++;
        MemorySegment fr = frames[f];
        VirtioNetHdr.NONE.write(fr, 0);
        MemorySegment.copy(pkt, 0, fr, H, len);
        ipLen[f] = len;
        segs[f] = 1;
        l4[f] = 0;
        open[f] = false;
        if (t > 0) {
            int flags = pkt.get(JAVA_BYTE, t + 13) & 0xff;
            int tl = ((pkt.get(JAVA_BYTE, t + 12) & 0xff) >>> 4) * 4;
            int payload = len - t - tl;
            if ((flags == ACK || flags == (ACK | PSH)) && payload > 0 && checksumValid(pkt, len, t)) {
                l4[f] = t;
                tcpLen[f] = tl;
                gsoSize[f] = payload;
                nextSeq[f] = pkt.get(BE_INT, t + 4) + payload;
                open[f] = flags == ACK;
            }
        }
        return true;
    }

    /**
     * {@link #add(MemorySegment, int)} for a packet in a heap array ({@code pkt[off, off+len)}): the same, with the
     * TCP checksum verified over the array directly.
     */
    public boolean add(byte[] pkt, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, pkt.length);
        heap = pkt;
        heapOff = off;
        try {
            return add(MemorySegment.ofArray(pkt).asSlice(off, len), len);
        } finally {
            heap = null;
        }
    }

    /** Writes every frame to {@code queue} (which must have offload on) and empties the batch. */
    public void flush(TunQueue queue) throws IOException {
        if (!queue.hasVnetHdr()) {
            throw new IllegalArgumentException("TunWriteBatch needs a queue opened with offload");
        }
        try {
            for (int f = 0; f < count; f++) {
                if (segs[f] > 1) {
                    finishSuperPacket(f);
                }
                queue.write(frames[f], H + ipLen[f]);
            }
        } finally {
            count = 0;
        }
    }

    /** The frame {@code i} as it will be written after {@link #finish()} (for tests and custom writers). */
    MemorySegment frame(int i) {
        return frames[i].asSlice(0, H + ipLen[i]);
    }

    /** Completes every super-packet's headers without writing (for tests and custom writers). */
    void finish() {
        for (int f = 0; f < count; f++) {
            open[f] = false;
            if (segs[f] > 1) {
                finishSuperPacket(f);
            }
        }
    }

    /** Offset of the TCP header if {@code pkt} is a coalescable IPv4/IPv6 TCP packet, else 0. */
    private static int tcpOffset(MemorySegment p, int len) {
        if (len < 40) {
            return 0;
        }
        int v = (p.get(JAVA_BYTE, 0) & 0xff) >>> 4;
        int t;
        if (v == 4) {
            if ((p.get(JAVA_BYTE, 0) & 0x0f) != 5
                    || p.get(JAVA_BYTE, 9) != 6
                    || (p.get(BE_SHORT, 2) & 0xffff) != len
                    || (p.get(BE_SHORT, 6) & 0x3fff) != 0) {
                return 0; // options, not TCP, bad length, fragment
            }
            t = 20;
        } else if (v == 6) {
            if (p.get(JAVA_BYTE, 6) != 6 || (p.get(BE_SHORT, 4) & 0xffff) != len - 40) {
                return 0;
            }
            t = 40;
        } else {
            return 0;
        }
        if (t + 20 > len) {
            return 0;
        }
        int tl = ((p.get(JAVA_BYTE, t + 12) & 0xff) >>> 4) * 4;
        return tl >= 20 && t + tl <= len ? t : 0;
    }

    /** True for IPv4/IPv6 packets that are certainly not TCP (UDP, ICMP, ESP...): they never end coalescing. */
    private static boolean clearlyNotTcp(MemorySegment p, int len) {
        int v = (p.get(JAVA_BYTE, 0) & 0xff) >>> 4;
        if (v == 4 && len >= 20) {
            return p.get(JAVA_BYTE, 9) != 6;
        }
        if (v == 6 && len >= 40) {
            int nh = p.get(JAVA_BYTE, 6) & 0xff;
            return nh == 17 || nh == 58 || nh == 50 || nh == 51; // UDP, ICMPv6, ESP, AH
        }
        return false;
    }

    /** The newest frame holding the same TCP flow (addresses and ports), or -1. */
    private int latestFrameOfFlow(MemorySegment p, int t) {
        boolean v4 = t == 20;
        long addrOff = v4 ? 12 : 8;
        long addrLen = v4 ? 8 : 32;
        for (int f = count - 1; f >= 0; f--) {
            if (l4[f] != t) {
                continue;
            }
            MemorySegment fr = frames[f];
            if (MemorySegment.mismatch(p, addrOff, addrOff + addrLen, fr, H + addrOff, H + addrOff + addrLen) == -1
                    && MemorySegment.mismatch(p, t, t + 4, fr, H + t, H + t + 4) == -1) {
                return f;
            }
        }
        return -1;
    }

    private boolean tryAppend(int f, MemorySegment p, int len, int t) {
        MemorySegment fr = frames[f];
        int tl = ((p.get(JAVA_BYTE, t + 12) & 0xff) >>> 4) * 4;
        int payload = len - t - tl;
        int flags = p.get(JAVA_BYTE, t + 13) & 0xff;
        if (tl != tcpLen[f]
                || payload <= 0
                || payload > gsoSize[f]
                || segs[f] >= MAX_SEGMENTS
                || ipLen[f] + payload > MAX_IP
                || (flags != ACK && flags != (ACK | PSH))
                || p.get(BE_INT, t + 4) != nextSeq[f]) {
            return false;
        }
        if (t == 20) {
            // TOS (1), DF and fragment field (6-7), TTL (8) must match
            if (p.get(JAVA_BYTE, 1) != fr.get(JAVA_BYTE, H + 1)
                    || p.get(BE_SHORT, 6) != fr.get(BE_SHORT, H + 6)
                    || p.get(JAVA_BYTE, 8) != fr.get(JAVA_BYTE, H + 8)) {
                return false;
            }
        } else if (p.get(BE_INT, 0) != fr.get(BE_INT, H) || p.get(JAVA_BYTE, 7) != fr.get(JAVA_BYTE, H + 7)) {
            return false; // traffic class, flow label, hop limit
        }
        // ACK number (8-11), window (14-15), options (20..tl) must match
        if (p.get(BE_INT, t + 8) != fr.get(BE_INT, H + t + 8)
                || p.get(BE_SHORT, t + 14) != fr.get(BE_SHORT, H + t + 14)
                || MemorySegment.mismatch(p, t + 20, t + tl, fr, H + t + 20, H + t + tl) != -1) {
            return false;
        }
        if (!checksumValid(p, len, t)) {
            return false;
        }
        MemorySegment.copy(p, t + tl, fr, H + ipLen[f], payload);
        ipLen[f] += payload;
        segs[f]++;
        nextSeq[f] += payload;
        if ((flags & PSH) != 0) {
            fr.set(JAVA_BYTE, H + t + 13, (byte) (ACK | PSH));
            open[f] = false;
        }
        if (payload < gsoSize[f]) {
            open[f] = false;
        }
        return true;
    }

    /** Verifies the TCP checksum over the RFC 9293 §3.1 / RFC 8200 §8.1 pseudo-header. */
    private boolean checksumValid(MemorySegment p, int len, int t) {
        byte[] h = heap;
        if (h != null) {
            int o = heapOff;
            long sum = t == 20 ? Checksums.add(0, h, o + 12, 8) : Checksums.add(0, h, o + 8, 32);
            sum += 6 + (len - t);
            return Checksums.fold(Checksums.add(sum, h, o + t, len - t)) == 0xffff;
        }
        long sum = t == 20 ? Checksums.add(0, p, 12, 8) : Checksums.add(0, p, 8, 32);
        sum += 6 + (len - t);
        return Checksums.fold(Checksums.add(sum, p, t, len - t)) == 0xffff;
    }

    /** IP length and checksum, the partial TCP checksum and the virtio_net_hdr of a super-packet. */
    private void finishSuperPacket(int f) {
        MemorySegment fr = frames[f];
        int t = l4[f];
        int len = ipLen[f];
        long pseudo;
        if (t == 20) {
            fr.set(BE_SHORT, H + 2, (short) len);
            fr.set(BE_SHORT, H + 10, (short) 0);
            fr.set(BE_SHORT, H + 10, (short) Checksums.checksum(fr, H, 20));
            pseudo = Checksums.add(0, fr, H + 12, 8);
        } else {
            fr.set(BE_SHORT, H + 4, (short) (len - 40));
            pseudo = Checksums.add(0, fr, H + 8, 32);
        }
        pseudo += 6 + (len - t);
        // F_NEEDS_CSUM: the field holds the folded pseudo-header sum; the kernel (or NIC) completes it
        fr.set(BE_SHORT, H + t + 16, (short) Checksums.fold(pseudo));
        new VirtioNetHdr(
                        VirtioNetHdr.F_NEEDS_CSUM,
                        t == 20 ? VirtioNetHdr.GSO_TCPV4 : VirtioNetHdr.GSO_TCPV6,
                        t + tcpLen[f],
                        gsoSize[f],
                        t,
                        16)
                .write(fr, 0);
        segs[f] = 1; // finished: a second finish() is a no-op
    }

    @Override
    public void close() {
        arena.close();
    }
}
