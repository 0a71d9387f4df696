package org.jipsec.core.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.IpProtocols;
import org.jipsec.core.net.IpView;
import org.jipsec.core.net.Ipv4Header;
import org.jipsec.core.net.Ipv6Header;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.net.UdpEncapClassifier;
import org.jipsec.core.xform.DropReason;
import org.jipsec.core.xform.InputBuffers;
import org.jipsec.core.xform.Xform;
import org.jipsec.core.xform.XformStats;

/**
 * The inbound path's NAT-T step (RFC 3948 §2): tells NAT-keepalives and IKE messages on a NAT-T port from ESP
 * through the one classifier ({@link UdpEncapClassifier}), and gives a datagram's ESP payload the IP header the
 * transforms read.
 *
 * <p>Threads: confined to the holder of the engine lock (its buffers and caches are plain fields).
 */
final class NatTInput {

    private final int[] ports;
    private final XformStats xformStats;
    /** The arrays for ESP-in-UDP input ({@link #espInUdp}): the rebuilt packet and the decryption target. */
    final InputBuffers buffers = new InputBuffers(Xform.HEADROOM + 40 + 0x10000 + Xform.TAILROOM);

    private final IpView view = new IpView();
    private Encapsulation.UdpDatagram lastDatagram;
    private byte[] lastSource;
    private byte[] lastDestination;

    NatTInput(int[] ports, XformStats xformStats) {
        this.ports = ports;
        this.xformStats = xformStats;
    }

    boolean isNatTPort(int port) {
        for (int p : ports) if (p == port) return true;
        return false;
    }

    /** NAT-T keepalive / IKE on a whole IP packet addressed to a NAT-T port; null when it is neither. */
    InputDecision special(PacketBuffer f) {
        IpView ip = view;
        byte[] b = f.array();
        if (ip.parse(b, f.start(), f.end(), true) != null || ip.proto != IpProtocols.UDP || ip.fragment) return null;
        int u = ip.hdrEnd; // a fragment is not ours to read
        if (u + 8 > ip.ipEnd) return null;
        int dport = Bytes.u16(b, u + 2);
        if (!isNatTPort(dport)) return null;
        boolean v4 = ip.version == 4;
        int alen = v4 ? 4 : 16;
        int srcOff = f.start() + (v4 ? Ipv4Header.OFF_SRC : Ipv6Header.OFF_SRC);
        Endpoint src = new Endpoint(address(b, srcOff, alen), Bytes.u16(b, u));
        Endpoint dst = new Endpoint(address(b, srcOff + alen, alen), dport);
        return special(b, u + 8, ip.ipEnd - u - 8, src, dst);
    }

    /**
     * RFC 3948 §2 through the one classifier: a NAT-keepalive (§2.3), IKE behind the non-ESP marker (§2.2), else
     * null — ESP, or malformed, which the transforms drop and count.
     */
    InputDecision special(byte[] b, int off, int len, Endpoint src, Endpoint dst) {
        return switch (UdpEncapClassifier.classify(b, off, len)) {
            case NAT_KEEPALIVE -> {
                xformStats.drop(IpsecProtocol.ESP, DropReason.NAT_KEEPALIVE);
                yield new InputDecision.Keepalive(src, dst);
            }
            case IKE ->
                new InputDecision.Ike(
                        src, dst, Arrays.copyOfRange(b, off + UdpEncapClassifier.NON_ESP_MARKER_LENGTH, off + len));
            case ESP, MALFORMED -> null;
        };
    }

    /**
     * The ESP-in-UDP payload of a datagram from the NAT-T socket (RFC 3948 §2.2) as the transforms see it once the
     * UDP header is removed: behind an IP header from the datagram's source to its destination with protocol ESP —
     * no UDP header built just to be stripped again, no header checksum (transport mode recomputes it when ESP is
     * removed; tunnel mode drops the header). Built in the caller's headroom when there is room (the payload is then
     * decrypted into {@link #buffers}' first array), else in {@link #buffers}' first array (decrypted into the
     * second). Null when the datagram must take the general path ({@link #withIpUdp}): not on a NAT-T port, shorter
     * than an ESP header, or too long for the rebuilt IP packet.
     */
    @SuppressWarnings("ReferenceEquality") // u != lastDatagram: the same datagram object (GRO batch), on purpose
    PacketBuffer espInUdp(PacketBuffer packet, Encapsulation.UdpDatagram u) {
        byte[] payload = packet.array();
        int off = packet.start();
        int len = packet.length();
        boolean v6 = u.source().isIpv6();
        int hl = v6 ? 40 : 20;
        if (len < 8
                || hl + 8 + len > 0xffff
                || !isNatTPort(u.destination().port())
                || Xform.HEADROOM + hl + len > buffers.capacity()) return null;
        if (u != lastDatagram) { // one Encapsulation per GRO batch
            lastSource = u.source().address().getAddress();
            lastDestination = u.destination().address().getAddress();
            lastDatagram = u;
        }
        byte[] src = lastSource, dst = lastDestination;
        if (src.length != (v6 ? 16 : 4) || dst.length != src.length) return null;
        boolean inPlace = off >= hl; // the header goes into the headroom
        byte[] b = inPlace ? payload : buffers.first();
        int s = inPlace ? off - hl : Xform.HEADROOM;
        if (v6) Ipv6Header.write(b, s, 0, 0, len, IpProtocols.ESP, 64, src, dst);
        else
            Ipv4Header.writeUnchecked(
                    b, s, 0, hl + len, 0, 0, 64, IpProtocols.ESP, Bytes.i32(src, 0), Bytes.i32(dst, 0));
        if (!inPlace) System.arraycopy(payload, off, b, s + hl, len);
        return PacketBuffer.wrap(b, s, hl + len);
    }

    /** The IP + UDP headers a datagram from the NAT-T socket had on the wire (UDP checksum 0, RFC 3948 §2.1). */
    static PacketBuffer withIpUdp(byte[] payload, int off, int len, Endpoint src, Endpoint dst) {
        boolean v6 = src.isIpv6();
        int hl = v6 ? 40 : 20;
        int udpLen = 8 + len;
        PacketBuffer f = PacketBuffer.allocate(Xform.HEADROOM, Xform.HEADROOM + hl + udpLen);
        f.setLength(hl + udpLen);
        byte[] b = f.array();
        int s = f.start();
        byte[] sa = src.address().getAddress();
        byte[] da = dst.address().getAddress();
        if (v6) Ipv6Header.write(b, s, 0, 0, udpLen, IpProtocols.UDP, 64, sa, da);
        else
            Ipv4Header.write(
                    b,
                    s,
                    0,
                    Math.min(0xffff, hl + udpLen),
                    0,
                    0,
                    64,
                    IpProtocols.UDP,
                    Ipv4Header.toInt(src.address()),
                    Ipv4Header.toInt(dst.address()));
        Bytes.put16(b, s + hl, src.port());
        Bytes.put16(b, s + hl + 2, dst.port());
        Bytes.put16(b, s + hl + 4, Math.min(0xffff, udpLen));
        Bytes.put16(b, s + hl + 6, 0);
        System.arraycopy(payload, off, b, s + hl + 8, len);
        return f;
    }

    static InetAddress address(byte[] b, int off, int len) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, off, off + len));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes: cannot happen
        }
    }
}
