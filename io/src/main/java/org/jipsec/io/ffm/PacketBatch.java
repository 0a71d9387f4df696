package org.jipsec.io.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;

/**
 * A reusable off-heap vector of datagrams for {@code sendmmsg(2)}/{@code recvmmsg(2)}: per slot a packet buffer,
 * a socket address, an optional control (cmsg) area, one {@code iovec} and one {@code struct mmsghdr}, all
 * allocated once. A batch belongs to one thread at a time; the hot path allocates nothing.
 *
 * <pre>
 * struct mmsghdr (64 bytes, LP64)         struct msghdr (56 bytes)
 *   0  struct msghdr msg_hdr                0 msg_name ptr     8 msg_namelen u32   16 msg_iov ptr
 *  56  unsigned msg_len                    24 msg_iovlen u64  32 msg_control ptr 40 msg_controllen u64
 *                                          48 msg_flags int
 * struct iovec (16): base ptr, len u64     struct cmsghdr (16 + data): len u64, level int, type int
 * </pre>
 */
public final class PacketBatch implements AutoCloseable {
    static final long MMSG = 64;
    private static final long NAME_STRIDE = 32;
    private static final long IOV = 16;
    private static final int CMSG_HDR = 16;

    private final Arena arena = Arena.ofShared();
    private final int slots;
    private final int bufferSize;
    private final int controlSize;
    private final MemorySegment msgs;
    private final MemorySegment iovs;
    private final MemorySegment names;
    private final MemorySegment controls;
    private final MemorySegment[] buffers;
    private final MemorySegment[] nameSlots;
    private final MemorySegment[] controlSlots;
    private final int[] nameLen;
    private final int[] segmentSizes;
    private final int[] trafficClasses;

    /**
     * A batch of {@code slots} packets of at most {@code bufferSize} bytes each, with {@code controlSize} bytes
     * of ancillary data per slot (0 when no cmsg is used; 32 suffices for UDP_SEGMENT/UDP_GRO).
     */
    public PacketBatch(int slots, int bufferSize, int controlSize) {
        if (slots < 1 || slots > 1024 || bufferSize < 1 || controlSize < 0) {
            throw new IllegalArgumentException("slots 1..1024, bufferSize > 0, controlSize >= 0");
        }
        this.slots = slots;
        this.bufferSize = bufferSize;
        this.controlSize = (controlSize + 7) & ~7;
        msgs = arena.allocate(MMSG * slots, 8);
        iovs = arena.allocate(IOV * slots, 8);
        names = arena.allocate(NAME_STRIDE * slots, 8);
        controls = this.controlSize == 0 ? MemorySegment.NULL : arena.allocate((long) this.controlSize * slots, 8);
        MemorySegment data = arena.allocate((long) bufferSize * slots, 64);
        buffers = new MemorySegment[slots];
        nameSlots = new MemorySegment[slots];
        controlSlots = new MemorySegment[slots];
        nameLen = new int[slots];
        segmentSizes = new int[slots];
        trafficClasses = new int[slots];
        java.util.Arrays.fill(trafficClasses, -1);
        for (int i = 0; i < slots; i++) {
            buffers[i] = data.asSlice((long) bufferSize * i, bufferSize);
            nameSlots[i] = names.asSlice(NAME_STRIDE * i, NAME_STRIDE);
            controlSlots[i] = this.controlSize == 0
                    ? MemorySegment.NULL
                    : controls.asSlice((long) this.controlSize * i, this.controlSize);
            iovs.set(ADDRESS, IOV * i, buffers[i]);
            iovs.set(JAVA_LONG, IOV * i + 8, bufferSize);
            long m = MMSG * i;
            msgs.set(ADDRESS, m + 16, iovs.asSlice(IOV * i, IOV));
            msgs.set(JAVA_LONG, m + 24, 1L);
        }
    }

    /** Number of slots. */
    public int slots() {
        return slots;
    }

    /** Bytes of ancillary data (cmsg) room per slot. */
    public int controlSize() {
        return controlSize;
    }

    /** Capacity of each slot's buffer. */
    public int bufferSize() {
        return bufferSize;
    }

    /** The packet buffer of slot {@code i} (its full capacity; the packet is the first {@link #length} bytes). */
    public MemorySegment buffer(int i) {
        return buffers[i];
    }

    /** Length of the packet in slot {@code i}: after a receive, the received length; before a send, as set. */
    public int length(int i) {
        return msgs.get(JAVA_INT, MMSG * i + 56);
    }

    /** Sets the length of the packet to send from slot {@code i}. */
    public void setLength(int i, int len) {
        if (len < 0 || len > bufferSize) {
            throw new IllegalArgumentException("length " + len + " outside 0.." + bufferSize);
        }
        iovs.set(JAVA_LONG, IOV * i + 8, len);
        msgs.set(JAVA_INT, MMSG * i + 56, len);
    }

    /** Copies {@code len} bytes of {@code src} into slot {@code i} and sets its length. */
    public void put(int i, byte[] src, int off, int len) {
        MemorySegment.copy(src, off, buffers[i], JAVA_BYTE, 0, len);
        setLength(i, len);
    }

    /** Copies the packet of slot {@code i} into {@code dst} at {@code off}; returns its length. */
    public int get(int i, byte[] dst, int off) {
        int len = length(i);
        MemorySegment.copy(buffers[i], JAVA_BYTE, 0, dst, off, len);
        return len;
    }

    /** Sets the destination of slot {@code i} (4- or 16-byte address; port 0 for raw sockets). */
    public void setAddress(int i, byte[] addr, int port) {
        nameLen[i] = SockAddr.write(names, NAME_STRIDE * i, addr, port);
    }

    /** Sets the destination of slot {@code i}. */
    public void setAddress(int i, InetSocketAddress sa) {
        nameLen[i] = SockAddr.write(names, NAME_STRIDE * i, sa);
    }

    /** Sends slot {@code i} without an address (connected sockets). */
    public void clearAddress(int i) {
        nameLen[i] = 0;
    }

    /** The source address of the packet received into slot {@code i} (allocates; see {@link #copyAddress}). */
    public InetSocketAddress address(int i) {
        return SockAddr.read(names, NAME_STRIDE * i);
    }

    /** Copies the source address bytes of slot {@code i} into {@code out} (16 bytes); returns 4, 16 or 0. */
    public int copyAddress(int i, byte[] out) {
        return SockAddr.copyAddress(names, NAME_STRIDE * i, out);
    }

    /** The source port of the packet received into slot {@code i}. */
    public int port(int i) {
        return SockAddr.port(names, NAME_STRIDE * i);
    }

    /** The {@code msg_flags} the kernel returned for slot {@code i} (e.g. {@link LibC#MSG_TRUNC}). */
    public int messageFlags(int i) {
        return msgs.get(JAVA_INT, MMSG * i + 48);
    }

    /**
     * Asks the kernel to split slot {@code i} into datagrams of {@code segmentSize} payload bytes (UDP GSO,
     * {@code UDP_SEGMENT} cmsg, udp(7), Linux ≥ 4.18); 0 removes the request. Needs {@code controlSize} ≥ 24
     * (48 together with {@link #setTrafficClass}).
     */
    public void setUdpSegmentSize(int i, int segmentSize) {
        if (segmentSize < 0 || segmentSize > 0xffff) {
            throw new IllegalArgumentException("segment size " + segmentSize);
        }
        segmentSizes[i] = segmentSize;
        checkControlRoom(i);
    }

    /**
     * Sends slot {@code i} with this IPv4 TOS / IPv6 traffic class octet (DSCP + ECN, e.g. copied from the inner
     * header at a tunnel ingress, RFC 6040 §4.1) as an {@code IP_TOS}/{@code IPV6_TCLASS} cmsg; -1 removes it.
     * Not for IPv4 raw sockets with {@code IP_HDRINCL}: there the caller's header carries the TOS.
     */
    public void setTrafficClass(int i, int tos) {
        if (tos < -1 || tos > 0xff) {
            throw new IllegalArgumentException("traffic class " + tos);
        }
        trafficClasses[i] = tos;
        checkControlRoom(i);
    }

    private void checkControlRoom(int i) {
        int need = (segmentSizes[i] > 0 ? 24 : 0) + (trafficClasses[i] >= 0 ? 24 : 0);
        if (need > controlSize) {
            segmentSizes[i] = 0;
            trafficClasses[i] = -1;
            throw new IllegalStateException("batch control area of " + controlSize + " bytes cannot hold " + need);
        }
    }

    /** Writes the send cmsgs of slot {@code i} for a socket of {@code family}; returns their total length. */
    private int buildSendControl(int i, int family) {
        long c = (long) controlSize * i;
        int len = 0;
        if (segmentSizes[i] > 0) {
            controls.set(JAVA_LONG, c, CMSG_HDR + 2); // CMSG_LEN(sizeof(uint16_t))
            controls.set(JAVA_INT, c + 8, LibC.SOL_UDP);
            controls.set(JAVA_INT, c + 12, LibC.UDP_SEGMENT);
            controls.set(JAVA_SHORT, c + 16, (short) segmentSizes[i]);
            controls.set(JAVA_SHORT, c + 18, (short) 0);
            controls.set(JAVA_INT, c + 20, 0);
            len += 24; // CMSG_SPACE(sizeof(uint16_t))
        }
        if (trafficClasses[i] >= 0) {
            boolean v6 = family == LibC.AF_INET6;
            controls.set(JAVA_LONG, c + len, CMSG_HDR + 4); // CMSG_LEN(sizeof(int))
            controls.set(JAVA_INT, c + len + 8, v6 ? LibC.IPPROTO_IPV6 : LibC.IPPROTO_IP);
            controls.set(JAVA_INT, c + len + 12, v6 ? LibC.IPV6_TCLASS : LibC.IP_TOS);
            controls.set(JAVA_INT, c + len + 16, trafficClasses[i]);
            controls.set(JAVA_INT, c + len + 20, 0);
            len += 24;
        }
        return len;
    }

    /**
     * After a receive on a socket with {@code UDP_GRO} on: the segment size of the coalesced datagrams in slot
     * {@code i} (the slot holds {@code ceil(length / size)} datagrams, all of that size but the last), or 0
     * when the slot holds one datagram.
     */
    public int udpGroSegmentSize(int i) {
        long d = findControl(i, LibC.SOL_UDP, LibC.UDP_GRO, 4);
        return d < 0 ? 0 : controls.get(JAVA_INT, d);
    }

    /**
     * After a receive on a socket with {@link NativeDatagramSocket#enableReceiveInfo()}: copies the destination
     * address of the packet in slot {@code i} (the address it was sent to: {@code IP_PKTINFO} /
     * {@code IPV6_PKTINFO}, RFC 3542 §6.1) into {@code out} (16 bytes) and returns 4 or 16; 0 if absent.
     */
    public int destinationAddress(int i, byte[] out) {
        long d = findControl(i, LibC.IPPROTO_IP, LibC.IP_PKTINFO, 12);
        if (d >= 0) {
            MemorySegment.copy(controls, JAVA_BYTE, d + 8, out, 0, 4); // in_pktinfo.ipi_addr: header dst
            return 4;
        }
        d = findControl(i, LibC.IPPROTO_IPV6, LibC.IPV6_PKTINFO, 20);
        if (d >= 0) {
            MemorySegment.copy(controls, JAVA_BYTE, d, out, 0, 16); // in6_pktinfo.ipi6_addr
            return 16;
        }
        return 0;
    }

    /**
     * The {@code SO_RXQ_OVFL} cmsg of slot {@code i} (socket(7)): how many packets the kernel had dropped on this
     * socket since it was created — a {@code u32} that wraps — when the packet was queued; -1 if absent (the kernel
     * attaches it only once the count is non-zero, net/core/sock.c {@code sock_recv_drops}).
     */
    public long receiveQueueDrops(int i) {
        long d = findControl(i, LibC.SOL_SOCKET, LibC.SO_RXQ_OVFL, 4);
        return d >= 0 ? Integer.toUnsignedLong(controls.get(JAVA_INT, d)) : -1;
    }

    /** The receiving interface index of slot {@code i} (from the pktinfo cmsg), or 0 if absent. */
    public int interfaceIndex(int i) {
        long d = findControl(i, LibC.IPPROTO_IP, LibC.IP_PKTINFO, 12);
        if (d >= 0) {
            return controls.get(JAVA_INT, d);
        }
        d = findControl(i, LibC.IPPROTO_IPV6, LibC.IPV6_PKTINFO, 20);
        return d >= 0 ? controls.get(JAVA_INT, d + 16) : 0;
    }

    /**
     * The IPv4 TOS / IPv6 traffic class octet of the packet in slot {@code i} (DSCP and the ECN bits a tunnel
     * egress needs, RFC 6040), or -1 if absent.
     */
    public int trafficClass(int i) {
        long d = findControl(i, LibC.IPPROTO_IP, LibC.IP_TOS, 1);
        if (d >= 0) {
            return controls.get(JAVA_BYTE, d) & 0xff;
        }
        d = findControl(i, LibC.IPPROTO_IPV6, LibC.IPV6_TCLASS, 4);
        return d >= 0 ? controls.get(JAVA_INT, d) & 0xff : -1;
    }

    /** The IPv6 hop limit of the packet in slot {@code i}, or -1 if absent. */
    public int hopLimit(int i) {
        long d = findControl(i, LibC.IPPROTO_IPV6, LibC.IPV6_HOPLIMIT, 4);
        return d >= 0 ? controls.get(JAVA_INT, d) : -1;
    }

    /**
     * After a receive on an IPv6 socket with {@link NativeDatagramSocket#enableReceiveExtensionHeaders()}: copies
     * the extension headers of slot {@code i} ({@code IPV6_HOPOPTS}, {@code IPV6_DSTOPTS}, {@code IPV6_RTHDR} cmsgs,
     * RFC 3542 §4, in the order the kernel wrote them — wire order on Linux) back to back into {@code ext}, their
     * protocol numbers (0, 60, 43) into {@code kinds} and their lengths into {@code lens}; returns how many (0 in
     * the common case, without copying), or -1 when they do not fit the arrays or the kernel truncated the control
     * data ({@code MSG_CTRUNC}: a header was lost). The bytes are untrusted: check them with
     * {@link org.jipsec.core.net.Ipv6HeaderRebuild}.
     */
    public int extensionHeaders(int i, byte[] ext, byte[] kinds, int[] lens) {
        if (controlSize == 0) {
            return 0;
        }
        long base = (long) controlSize * i;
        long total = Math.min(msgs.get(JAVA_LONG, MMSG * i + 40), controlSize);
        long off = 0;
        int count = 0, at = 0;
        while (off + CMSG_HDR <= total) {
            long len = controls.get(JAVA_LONG, base + off);
            if (len < CMSG_HDR || off + len > total) {
                return -1;
            }
            if (controls.get(JAVA_INT, base + off + 8) == LibC.IPPROTO_IPV6) {
                int type = controls.get(JAVA_INT, base + off + 12);
                int kind = type == LibC.IPV6_HOPOPTS
                        ? 0
                        : type == LibC.IPV6_DSTOPTS ? 60 : type == LibC.IPV6_RTHDR ? 43 : -1;
                if (kind >= 0) {
                    int n = (int) (len - CMSG_HDR);
                    if (count >= kinds.length || count >= lens.length || n > ext.length - at) {
                        return -1;
                    }
                    MemorySegment.copy(controls, JAVA_BYTE, base + off + CMSG_HDR, ext, at, n);
                    kinds[count] = (byte) kind;
                    lens[count++] = n;
                    at += n;
                }
            }
            off += (len + 7) & ~7L;
        }
        if ((messageFlags(i) & LibC.MSG_CTRUNC) != 0) {
            return -1;
        }
        return count;
    }

    /** Tests: the control area of slot {@code i}; its used length is set with {@link #setReceivedControl}. */
    MemorySegment controlArea(int i) {
        return controlSlots[i];
    }

    /** Tests: records {@code len} bytes of received control data and {@code flags} for slot {@code i}. */
    void setReceivedControl(int i, int len, int flags) {
        msgs.set(JAVA_LONG, MMSG * i + 40, len);
        msgs.set(JAVA_INT, MMSG * i + 48, flags);
    }

    /**
     * Offset in {@code controls} of the data of the first cmsg of slot {@code i} with this level and type whose
     * data has at least {@code minData} bytes, or -1. Walks the kernel's cmsg list with CMSG_NXTHDR rules.
     */
    private long findControl(int i, int level, int type, int minData) {
        if (controlSize == 0) {
            return -1;
        }
        long base = (long) controlSize * i;
        long total = Math.min(msgs.get(JAVA_LONG, MMSG * i + 40), controlSize);
        long off = 0;
        while (off + CMSG_HDR <= total) {
            long len = controls.get(JAVA_LONG, base + off);
            if (len < CMSG_HDR || off + len > total) {
                return -1;
            }
            if (controls.get(JAVA_INT, base + off + 8) == level
                    && controls.get(JAVA_INT, base + off + 12) == type
                    && len >= CMSG_HDR + minData) {
                return base + off + CMSG_HDR;
            }
            off += (len + 7) & ~7L;
        }
        return -1;
    }

    /** Resets slots {@code [0, count)} to receive: full buffers, room for any address and the control area. */
    void prepareReceive(int count) {
        for (int i = 0; i < count; i++) {
            long m = MMSG * i;
            msgs.set(ADDRESS, m, nameSlots[i]);
            msgs.set(JAVA_INT, m + 8, SockAddr.IN6_LEN);
            iovs.set(JAVA_LONG, IOV * i + 8, bufferSize);
            msgs.set(ADDRESS, m + 32, controlSlots[i]);
            msgs.set(JAVA_LONG, m + 40, controlSize);
            msgs.set(JAVA_INT, m + 48, 0);
            msgs.set(JAVA_INT, m + 56, 0);
        }
    }

    /** Prepares slots {@code [0, count)} to send on a socket of {@code family}: lengths, addresses, cmsgs. */
    void prepareSend(int count, int family) {
        for (int i = 0; i < count; i++) {
            long m = MMSG * i;
            if (nameLen[i] == 0) {
                msgs.set(ADDRESS, m, MemorySegment.NULL);
            } else {
                msgs.set(ADDRESS, m, nameSlots[i]);
            }
            msgs.set(JAVA_INT, m + 8, nameLen[i]);
            iovs.set(JAVA_LONG, IOV * i + 8, msgs.get(JAVA_INT, m + 56));
            int controlLen = controlSize == 0 ? 0 : buildSendControl(i, family);
            msgs.set(ADDRESS, m + 32, controlLen > 0 ? controlSlots[i] : MemorySegment.NULL);
            msgs.set(JAVA_LONG, m + 40, controlLen);
            msgs.set(JAVA_INT, m + 48, 0);
        }
    }

    /** The {@code struct mmsghdr} vector starting at slot {@code from}. */
    MemorySegment vector(int from) {
        return msgs.asSlice(MMSG * from);
    }

    /** The single {@code struct msghdr} of slot {@code i} (for {@code sendmsg}/{@code recvmsg}). */
    MemorySegment message(int i) {
        return msgs.asSlice(MMSG * i, 56);
    }

    /** Records the byte count of a single {@code recvmsg} into slot {@code i}. */
    void setReceived(int i, int len) {
        msgs.set(JAVA_INT, MMSG * i + 56, len);
    }

    @Override
    public void close() {
        arena.close();
    }
}
