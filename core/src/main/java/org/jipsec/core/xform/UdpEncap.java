package org.jipsec.core.xform;

import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.IpProtocols;
import org.jipsec.core.net.IpView;
import org.jipsec.core.net.Ipv4Header;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.net.TransportChecksum;
import org.jipsec.core.net.UdpEncapClassifier;

/**
 * UDP encapsulation of ESP packets (RFC 3948), kept apart from ESP itself so that other encapsulations
 * (TCP, RFC 9329) can be added beside it.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Source Port            |      Destination Port         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Length              |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      ESP header [RFC4303]                     |
 * </pre>
 * (RFC 3948 §2.1.) The SPI is never zero, so four zero bytes mark a non-ESP (IKE) packet (§2.2); a single
 * 0xFF byte is a NAT-keepalive (§2.3). The UDP checksum is zero over IPv4 (§2.1) and computed over IPv6
 * (RFC 8200 §8.1 forbids zero).
 */
final class UdpEncap {
    private UdpEncap() {}

    static final int HEADER = 8;

    /** Inserts the UDP header in front of the ESP header of the packet in {@code f}. */
    static DropReason encapsulate(PacketBuffer f, NatTraversal nat, IpView ip) {
        DropReason bad = DropReason.of(ip.parse(f.array(), f.start(), f.end(), false));
        if (bad != null) return bad;
        if (ip.proto != IpProtocols.ESP) return DropReason.INVALID;
        int nhRel = ip.nhOffset - f.start();
        int u = f.insert(ip.hdrEnd - f.start(), HEADER);
        byte[] b = f.array();
        int start = f.start();
        int udpLen = f.end() - u;
        if (udpLen > 0xffff) return DropReason.TOO_BIG;
        Bytes.put16(b, u, nat.sourcePort());
        Bytes.put16(b, u + 2, nat.destPort());
        Bytes.put16(b, u + 4, udpLen);
        b[u + 6] = 0;
        b[u + 7] = 0;
        b[start + nhRel] = (byte) IpProtocols.UDP;
        IpView.fixLength(b, start, f.end());
        if ((b[start] & 0xf0) == 0x60) TransportChecksum.rewrite(b, start, IpProtocols.UDP, u, f.end());
        return null;
    }

    /**
     * Classifies the UDP datagram at {@code ip.hdrEnd} and, if it carries ESP, removes the UDP header so that the
     * ESP header follows the IP header (protocol set to 50).
     *
     * @return null if ESP is now in place; {@link DropReason#NAT_KEEPALIVE}, {@link DropReason#NON_ESP} or a
     *         length error otherwise
     */
    static DropReason decapsulate(PacketBuffer f, IpView ip) {
        byte[] b = f.array();
        int u = ip.hdrEnd;
        if (u + HEADER > ip.ipEnd) return DropReason.SHORT;
        int udpLen = Bytes.u16(b, u + 4);
        if (udpLen < HEADER || u + udpLen > ip.ipEnd) return DropReason.BAD_HEADER;
        int payload = udpLen - HEADER;
        switch (UdpEncapClassifier.classify(b, u + HEADER, payload)) { // RFC 3948 §2
            case NAT_KEEPALIVE -> {
                return DropReason.NAT_KEEPALIVE;
            }
            case IKE -> {
                return DropReason.NON_ESP;
            }
            case MALFORMED -> {
                return DropReason.SHORT;
            }
            case ESP -> {}
        }
        if (u + udpLen < f.end()) f.trimBack(f.end() - (u + udpLen));
        int nhRel = ip.nhOffset - f.start();
        f.remove(u - f.start(), HEADER);
        f.array()[f.start() + nhRel] = (byte) IpProtocols.ESP;
        IpView.fixLength(f.array(), f.start(), f.end());
        return null;
    }

    /**
     * A NAT-keepalive for the SA's UDP encapsulation (RFC 3948 §2.3, §4): one 0xFF byte in a UDP datagram from the
     * SA's source to its destination on the NAT-T ports (IPv4: TTL {@code ttl}, checksum 0; IPv6: checksum set).
     */
    static byte[] keepalive(SaContext sa, int ttl) {
        NatTraversal nat = sa.parameters().natT();
        if (nat == null) throw new IllegalArgumentException("SA has no UDP encapsulation");
        byte[] src = sa.srcAddress(), dst = sa.dstAddress();
        boolean v6 = src.length == 16;
        int ipLen = v6 ? 40 : 20;
        byte[] p = new byte[ipLen + HEADER + 1];
        if (v6) {
            p[0] = 0x60;
            Bytes.put16(p, 4, HEADER + 1);
            p[6] = (byte) IpProtocols.UDP;
            p[7] = (byte) ttl;
            System.arraycopy(src, 0, p, 8, 16);
            System.arraycopy(dst, 0, p, 24, 16);
        } else {
            p[0] = 0x45;
            Bytes.put16(p, 2, p.length);
            p[8] = (byte) ttl;
            p[9] = (byte) IpProtocols.UDP;
            System.arraycopy(src, 0, p, 12, 4);
            System.arraycopy(dst, 0, p, 16, 4);
            Ipv4Header.updateChecksum(p, 0);
        }
        Bytes.put16(p, ipLen, nat.sourcePort());
        Bytes.put16(p, ipLen + 2, nat.destPort());
        Bytes.put16(p, ipLen + 4, HEADER + 1);
        p[ipLen + HEADER] = (byte) 0xff;
        if (v6) {
            p[ipLen + 6] = (byte) 0xff; // non-zero: upperChecksum computes it
            TransportChecksum.rewrite(p, 0, IpProtocols.UDP, ipLen, p.length);
        }
        return p;
    }
}
