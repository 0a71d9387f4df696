package org.jipsec.io.tun;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.jipsec.core.net.Checksums;
import org.jipsec.core.net.IpView;

/**
 * Turns one frame read from a TUN descriptor with offloads ({@link VirtioNetHdr} + IP packet) into the
 * ordinary IP packets it stands for, the way a NIC would on transmit:
 * <ul>
 *   <li>{@code GSO_NONE}: the packet itself; with {@code F_NEEDS_CSUM} its L4 checksum is completed.</li>
 *   <li>{@code GSO_TCPV4}/{@code GSO_TCPV6} (TSO): the TCP payload is cut into {@code gso_size} pieces; each
 *       segment gets a copy of the IP and TCP headers with, in order:
 *       IPv4 total length (RFC 791), IPv4 identification + segment index, IPv4 header checksum recomputed;
 *       IPv6 payload length (RFC 8200 §3); TCP sequence number + bytes before the segment (RFC 9293 §3.4);
 *       FIN and PSH kept only on the last segment, CWR only on the first (RFC 3168 §6.1.2, as Linux's
 *       {@code tcp_gso_segment} does); TCP checksum over the RFC 9293 §3.1 pseudo-header recomputed.</li>
 * </ul>
 * Every length and offset is checked before use; anything inconsistent throws {@link TunPacketException}
 * (and nothing else). wireguard-go's {@code tun/offload_linux.go} does the same job.
 *
 * <pre>
 * frame: | virtio_net_hdr (10) | IP header | TCP header | payload (n × gso_size, last may be short) |
 *                              ^ 0          ^ csum_start ^ csum_start + TCP data offset × 4
 * </pre>
 */
public final class GsoSplitter {
    private static final ValueLayout.OfShort BE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int IPV6_HEADER = 40;
    private static final int TCP_MIN_HEADER = 20;
    private static final int PROTO_TCP = 6;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_PSH = 0x08;
    private static final int TCP_CWR = 0x80;

    private GsoSplitter() {}

    /**
     * Splits {@code frameLen} bytes of {@code frame} into heap arrays: packet {@code i} is written to {@code outs[i]}
     * at offset {@code outOff} (so the caller can leave headroom for encapsulation in front, and tailroom behind),
     * its length to {@code outLens[i]}; returns the number of packets. Each array must hold a segment after
     * {@code outOff}; the checksums are summed from the heap copy.
     */
    public static int split(MemorySegment frame, int frameLen, byte[][] outs, int outOff, int[] outLens)
            throws TunPacketException {
        if (frameLen < 0 || frameLen > frame.byteSize()) {
            throw new TunPacketException("frame length " + frameLen + " outside the buffer");
        }
        if (outs.length == 0 || outLens.length < outs.length || outOff < 0) {
            throw new TunPacketException("no output buffers");
        }
        VirtioNetHdr h = VirtioNetHdr.parse(frame, 0, frameLen);
        MemorySegment pkt = frame.asSlice(VirtioNetHdr.SIZE, frameLen - VirtioNetHdr.SIZE);
        int pktLen = frameLen - VirtioNetHdr.SIZE;
        if (pktLen < 1) {
            throw new TunPacketException("empty packet after virtio_net_hdr");
        }
        if (!h.isGso()) {
            byte[] out = outs[0];
            if (pktLen > out.length - outOff) {
                throw new TunPacketException("packet of " + pktLen + " bytes exceeds the output buffer");
            }
            MemorySegment.copy(pkt, JAVA_BYTE, 0, out, outOff, pktLen);
            if ((h.flags() & VirtioNetHdr.F_NEEDS_CSUM) != 0) {
                completeChecksum(out, outOff, pktLen, h.csumStart(), h.csumOffset());
            }
            outLens[0] = pktLen;
            return 1;
        }
        Tso t = tso(h, pkt, pktLen, outs.length);
        int l4 = t.l4;
        int hdrLen = t.hdrLen;
        int mss = t.mss;
        int n = t.segments;
        int seq = pkt.get(BE_INT, l4 + 4);
        int flags = pkt.get(JAVA_BYTE, l4 + 13) & 0xff;
        int id = t.v4 ? pkt.get(BE_SHORT, 4) & 0xffff : 0;
        for (int i = 0; i < n; i++) {
            int off = i * mss;
            int chunk = Math.min(mss, t.payload - off);
            int len = hdrLen + chunk;
            byte[] out = outs[i];
            if (out.length - outOff < len) {
                throw new TunPacketException("segment of " + len + " bytes exceeds output buffer " + i);
            }
            int o = outOff;
            MemorySegment.copy(pkt, JAVA_BYTE, 0, out, o, hdrLen);
            MemorySegment.copy(pkt, JAVA_BYTE, hdrLen + (long) off, out, o + hdrLen, chunk);
            long pseudo;
            if (t.v4) {
                put16(out, o + 2, len); // RFC 791 total length
                put16(out, o + 4, id + i); // identification, one per segment
                put16(out, o + 10, 0);
                put16(out, o + 10, Checksums.checksum(out, o, l4));
                pseudo = Checksums.add(0, out, o + 12, 8); // RFC 9293 §3.1: src, dst
            } else {
                put16(out, o + 4, len - IPV6_HEADER); // RFC 8200 §3 payload length
                pseudo = Checksums.add(0, out, o + 8, 32); // RFC 8200 §8.1: src, dst
            }
            pseudo += PROTO_TCP + (t.tcpLen + chunk);
            int s = seq + off; // RFC 9293 §3.4 sequence number
            out[o + l4 + 4] = (byte) (s >>> 24);
            out[o + l4 + 5] = (byte) (s >>> 16);
            out[o + l4 + 6] = (byte) (s >>> 8);
            out[o + l4 + 7] = (byte) s;
            int f = flags;
            if (i > 0) {
                f &= ~TCP_CWR; // RFC 3168 §6.1.2: CWR on the first only
            }
            if (i < n - 1) {
                f &= ~(TCP_FIN | TCP_PSH); // FIN/PSH belong to the last byte
            }
            out[o + l4 + 13] = (byte) f;
            put16(out, o + l4 + 16, 0);
            put16(out, o + l4 + 16, Checksums.finish(Checksums.add(pseudo, out, o + l4, t.tcpLen + chunk)));
            outLens[i] = len;
        }
        return n;
    }

    private static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    /** A checked TSO frame: where its TCP header starts and ends, the payload, the MSS and the segment count. */
    private record Tso(boolean v4, int l4, int tcpLen, int hdrLen, int payload, int mss, int segments) {}

    /** The checks of a TSO frame (every length and offset before use); {@code maxSegments} output buffers. */
    private static Tso tso(VirtioNetHdr h, MemorySegment pkt, int pktLen, int maxSegments) throws TunPacketException {
        int version = IpView.version(pkt);
        int type = h.gsoType() & ~VirtioNetHdr.GSO_ECN;
        boolean v4;
        if (type == VirtioNetHdr.GSO_TCPV4 && version == 4) {
            v4 = true;
        } else if (type == VirtioNetHdr.GSO_TCPV6 && version == 6) {
            v4 = false;
        } else {
            throw new TunPacketException("unsupported gso_type " + h.gsoType() + " for IP version " + version);
        }
        int l4 = h.csumStart();
        if (v4) {
            if (pktLen < 20) {
                throw new TunPacketException("IPv4 packet shorter than its header");
            }
            int ihl = IpView.ipv4HeaderLength(pkt);
            if (ihl < 20 || ihl != l4) {
                throw new TunPacketException("IPv4 header length " + ihl + " != csum_start " + l4);
            }
            if ((pkt.get(JAVA_BYTE, 9) & 0xff) != PROTO_TCP) {
                throw new TunPacketException("TSO packet is not TCP");
            }
            if ((pkt.get(BE_SHORT, 2) & 0xffff) != pktLen) {
                throw new TunPacketException("IPv4 total length " + (pkt.get(BE_SHORT, 2) & 0xffff) + " != " + pktLen
                        + " bytes read (truncated by a short buffer?)");
            }
        } else if (l4 < IPV6_HEADER || pktLen < IPV6_HEADER) {
            throw new TunPacketException("csum_start " + l4 + " inside the IPv6 header");
        } else if ((pkt.get(BE_SHORT, 4) & 0xffff) != pktLen - IPV6_HEADER) {
            throw new TunPacketException("IPv6 payload length " + (pkt.get(BE_SHORT, 4) & 0xffff) + " != "
                    + (pktLen - IPV6_HEADER) + " bytes read (truncated by a short buffer?)");
        }
        if (l4 + TCP_MIN_HEADER > pktLen) {
            throw new TunPacketException("TCP header beyond the packet");
        }
        int tcpLen = ((pkt.get(JAVA_BYTE, l4 + 12) & 0xff) >>> 4) * 4;
        if (tcpLen < TCP_MIN_HEADER || l4 + tcpLen > pktLen) {
            throw new TunPacketException("bad TCP data offset " + tcpLen);
        }
        int hdrLen = l4 + tcpLen;
        int payload = pktLen - hdrLen;
        int mss = h.gsoSize();
        if (mss == 0 || payload == 0) {
            throw new TunPacketException("TSO frame with gso_size " + mss + " and " + payload + " payload bytes");
        }
        int n = (payload + mss - 1) / mss;
        if (n > maxSegments) {
            throw new TunPacketException(n + " segments but only " + maxSegments + " output buffers");
        }
        return new Tso(v4, l4, tcpLen, hdrLen, payload, mss, n);
    }

    /**
     * Completes a partial checksum ({@code F_NEEDS_CSUM}) of the packet at {@code off}: the field at
     * {@code start + offset} holds the pseudo-header sum; the sum from {@code start} to the end, complemented,
     * replaces it.
     */
    static void completeChecksum(byte[] b, int off, int len, int start, int offset) throws TunPacketException {
        if (start >= len || offset > len - start - 2) {
            throw new TunPacketException("csum_start " + start + " + csum_offset " + offset + " beyond " + len);
        }
        int c = Checksums.finish(Checksums.add(0, b, off + start, len - start));
        if (c == 0 && offset == 6) {
            c = 0xffff; // RFC 768: a computed 0 is sent as all ones
        }
        put16(b, off + start + offset, c);
    }
}
