package org.jipsec.io.gateway;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.jipsec.core.net.Ipv6HeaderRebuild;
import org.jipsec.core.xform.Xform;
import org.jipsec.io.ffm.PacketBatch;

/**
 * One worker's way from a raw ESP/AH/IPComp receive slot to the engine: each packet is copied once from its
 * {@code recvmmsg} slot into {@link #packet()} at {@link Xform#HEADROOM} and lent to the engine, which decides it in
 * place ({@link EnginePort#input}); an IPv6 one behind its rebuilt header ({@link #ipv6}).
 *
 * <p>The array is no larger than the engine's own input arrays (NatTInput's: {@code HEADROOM + 40 + 65536 +
 * TAILROOM}): for a larger one AES-GCM would not decrypt from it into them but fall back to the JDK's slower in-place
 * pass. It has room for the largest IPv6 packet (40 + 65535: the extension headers count in the payload length).
 *
 * <p>Threads: confined to its worker.
 */
final class RawReceive {

    /** Bytes of the lent array: headroom, then the largest IPv6 packet. */
    static final int CAPACITY = Xform.HEADROOM + 40 + 0xffff;

    private final byte[] packet = new byte[CAPACITY];
    /** Extension headers of one raw IPv6 packet, as delivered in cmsgs (reused). */
    private final byte[] extHeaders = new byte[4 * 2048];

    private final byte[] extKinds = new byte[Ipv6HeaderRebuild.MAX_HEADERS];
    private final int[] extLens = new int[Ipv6HeaderRebuild.MAX_HEADERS];
    private final byte[] src = new byte[16];
    private final byte[] dst = new byte[16];

    /** The lent array; the packet starts at {@link Xform#HEADROOM}. */
    byte[] packet() {
        return packet;
    }

    /**
     * The packet in slot {@code i} of {@code batch} into {@link #packet()}: its length, or -1 (a counted drop) when it
     * cannot be read.
     */
    int take(PacketBatch batch, int i, boolean v6, int protocol) {
        int len = batch.length(i);
        if (v6) return ipv6(batch, i, len, protocol);
        if (len < 0 || len > CAPACITY - Xform.HEADROOM) return -1;
        MemorySegment.copy(batch.buffer(i), ValueLayout.JAVA_BYTE, 0, packet, Xform.HEADROOM, len);
        return len;
    }

    /**
     * An IPv6 raw socket hides the fixed header and the extension headers before its protocol (RFC 3542 §3):
     * rebuild them from the source (socket address), the destination ({@code IPV6_PKTINFO}), the traffic class and
     * hop limit cmsgs and the Hop-by-Hop / Destination Options / Routing header cmsgs (RFC 3542 §4), in wire order
     * with the next headers chained (RFC 8200 §4.1; {@link Ipv6HeaderRebuild}), into {@link #packet()} at
     * {@link Xform#HEADROOM}, the payload right behind. AH needs them: its ICV covers them (RFC 4302 §3.3.3.1.2).
     * The packet's length, or -1 when the cmsgs are malformed or were truncated.
     */
    private int ipv6(PacketBatch batch, int i, int len, int protocol) {
        if (batch.copyAddress(i, src) != 16 || batch.destinationAddress(i, dst) != 16 || len < 0 || len > 65535)
            return -1;
        int n = batch.extensionHeaders(i, extHeaders, extKinds, extLens);
        if (n < 0) return -1;
        int at = Ipv6HeaderRebuild.write(
                packet,
                Xform.HEADROOM,
                batch.trafficClass(i),
                batch.hopLimit(i),
                src,
                dst,
                extHeaders,
                extKinds,
                extLens,
                n,
                protocol,
                len);
        if (at < 0) return -1;
        MemorySegment.copy(batch.buffer(i), ValueLayout.JAVA_BYTE, 0, packet, at, len);
        return at + len - Xform.HEADROOM;
    }
}
