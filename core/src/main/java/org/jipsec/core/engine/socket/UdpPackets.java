package org.jipsec.core.engine.socket;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.IpView;
import org.jipsec.core.net.Ipv4Header;
import org.jipsec.core.net.Ipv6Header;
import org.jipsec.core.net.MalformedPacketException;
import org.jipsec.core.net.TransportChecksum;

/**
 * IPv4/IPv6 + UDP packets of the datagram sockets: building (RFC 768 header, checksum over the pseudo-header — RFC
 * 768 for IPv4, RFC 8200 §8.1 for IPv6, where it is mandatory) and parsing a delivered packet back into a datagram
 * (lengths checked, checksum verified; a UDP header right after the IP header — IPv6 extension headers before UDP
 * are skipped as Hop-by-Hop, Routing and Destination Options).
 *
 * <pre>
 *  0      7 8     15 16    23 24    31
 * +--------+--------+--------+--------+
 * |   source port   |  dest. port     |
 * +--------+--------+--------+--------+
 * |     length      |    checksum     |
 * +--------+--------+--------+--------+
 * </pre>
 */
public final class UdpPackets {

    private UdpPackets() {}

    static final int UDP = 17;

    /** A parsed datagram. */
    public record Parsed(InetSocketAddress source, InetSocketAddress destination, byte[] data) {}

    public static byte[] build(InetSocketAddress src, InetSocketAddress dst, byte[] data, int ipId, int ttl) {
        boolean v6 = src.getAddress() instanceof Inet6Address;
        int hl = v6 ? 40 : 20;
        int udpLen = 8 + data.length;
        byte[] b = new byte[hl + udpLen];
        if (v6) {
            Ipv6Header.write(
                    b,
                    0,
                    0,
                    0,
                    udpLen,
                    UDP,
                    ttl,
                    src.getAddress().getAddress(),
                    dst.getAddress().getAddress());
        } else {
            Ipv4Header.write(
                    b,
                    0,
                    0,
                    hl + udpLen,
                    ipId & 0xffff,
                    0,
                    ttl,
                    UDP,
                    Ipv4Header.toInt(src.getAddress()),
                    Ipv4Header.toInt(dst.getAddress()));
        }
        Bytes.put16(b, hl, src.getPort());
        Bytes.put16(b, hl + 2, dst.getPort());
        Bytes.put16(b, hl + 4, udpLen);
        System.arraycopy(data, 0, b, hl + 8, data.length);
        Bytes.put16(
                b,
                hl + 6,
                TransportChecksum.compute(b, 0, v6 ? Ipv6Header.OFF_DST : Ipv4Header.OFF_DST, UDP, hl, udpLen));
        return b;
    }

    /** The datagram in an IP packet, or empty when it is not a whole, well-formed UDP datagram with a good checksum. */
    public static Optional<Parsed> parse(byte[] b) {
        // the one IP walker (core/net): headers, length fields, extension headers, fragments
        IpView ip = new IpView();
        if (ip.parse(b, 0, b.length, true) != null || ip.fragment || ip.proto != UDP) return Optional.empty();
        int pos = ip.hdrEnd;
        int end = ip.ipEnd;
        boolean v6 = ip.version == 6;
        int srcOff = v6 ? Ipv6Header.OFF_SRC : Ipv4Header.OFF_SRC;
        int alen = v6 ? 16 : 4;
        if (pos + 8 > end) return Optional.empty();
        int udpLen = Bytes.u16(b, pos + 4);
        if (udpLen < 8 || pos + udpLen > end) return Optional.empty();
        try {
            if (!TransportChecksum.verify(b, 0, end)) return Optional.empty();
        } catch (MalformedPacketException e) {
            return Optional.empty();
        }
        InetAddress s = addr(b, srcOff, alen);
        InetAddress d = addr(b, srcOff + alen, alen);
        return Optional.of(new Parsed(
                new InetSocketAddress(s, Bytes.u16(b, pos)),
                new InetSocketAddress(d, Bytes.u16(b, pos + 2)),
                Arrays.copyOfRange(b, pos + 8, pos + udpLen)));
    }

    private static InetAddress addr(byte[] b, int off, int len) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, off, off + len));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
