package org.jipsec.core.ikekernel;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One UDP datagram on the IKE handoff socket between jipsecd and iked (docs/ike-udp-split.md): jipsecd owns UDP
 * 4500 and passes iked every datagram that starts with the non-ESP marker (RFC 3948 §2.2); iked passes back the
 * datagrams jipsecd is to send from its 4500 socket — what Linux's {@code UDP_ENCAP_ESPINUDP} socket option does
 * for charon within one kernel. Frames travel on a Unix stream socket, network byte order:
 * <pre>
 *  0 version (1) | 1 kind (1 = datagram) | 2 family (4 | 6) | 3 reserved (0)
 *  4 payload length u16 | 6 local port u16 | 8 remote port u16 | 10 reserved u16 (0)
 * 12 local address (4 | 16 bytes) | remote address (4 | 16 bytes) | payload
 * </pre>
 * The payload is the UDP payload exactly as on the wire: the 4-byte zero marker and the IKE message, or the single
 * 0xFF of a NAT keepalive (RFC 3948 §2.3). "Local" is jipsecd's side (the address the datagram was sent to, or is
 * to be sent from), "remote" the peer. Pure; the decoder never reads outside its input and throws only
 * {@link FrameException}.
 */
public record HandoffFrame(
        InetAddress localAddress, int localPort, InetAddress remoteAddress, int remotePort, byte[] payload) {

    public static final int VERSION = 1;
    public static final int KIND_DATAGRAM = 1;
    /** The fixed part before the addresses. */
    public static final int PREFIX_BYTES = 12;
    /** The largest UDP payload over IPv4 (65535 − 20 − 8); larger frames are refused. */
    public static final int MAX_PAYLOAD = 65507;
    /** The largest frame. */
    public static final int MAX_FRAME = PREFIX_BYTES + 32 + MAX_PAYLOAD;

    /** A frame that breaks the format; the message says which rule. */
    public static final class FrameException extends Exception {
        public FrameException(String message) {
            super(message);
        }
    }

    public HandoffFrame {
        Objects.requireNonNull(localAddress);
        Objects.requireNonNull(remoteAddress);
        Objects.requireNonNull(payload);
        if (localAddress.getClass() != remoteAddress.getClass())
            throw new IllegalArgumentException("address families differ");
        if (localPort < 1 || localPort > 0xffff || remotePort < 1 || remotePort > 0xffff) {
            throw new IllegalArgumentException("ports must be 1..65535");
        }
        if (payload.length == 0 || payload.length > MAX_PAYLOAD)
            throw new IllegalArgumentException("payload 1..65507 bytes");
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    public int payloadLength() {
        return payload.length;
    }

    /** True for what iked may have jipsecd send: a non-ESP-marker datagram (RFC 3948 §2.2) or a NAT keepalive (§2.3). */
    public boolean isIkeOrKeepalive() {
        if (payload.length == 1) return payload[0] == (byte) 0xff;
        return payload.length > 4 && payload[0] == 0 && payload[1] == 0 && payload[2] == 0 && payload[3] == 0;
    }

    public byte[] encode() {
        byte[] l = localAddress.getAddress();
        byte[] r = remoteAddress.getAddress();
        byte[] out = new byte[PREFIX_BYTES + l.length + r.length + payload.length];
        out[0] = VERSION;
        out[1] = KIND_DATAGRAM;
        out[2] = (byte) (l.length == 4 ? 4 : 6);
        put16(out, 4, payload.length);
        put16(out, 6, localPort);
        put16(out, 8, remotePort);
        System.arraycopy(l, 0, out, PREFIX_BYTES, l.length);
        System.arraycopy(r, 0, out, PREFIX_BYTES + l.length, r.length);
        System.arraycopy(payload, 0, out, PREFIX_BYTES + 2 * l.length, payload.length);
        return out;
    }

    /**
     * The whole frame's length from its first {@link #PREFIX_BYTES} bytes at {@code off}, so that a stream reader
     * knows how much to read before {@link #decode}; checks version, kind, family, reserved and payload length.
     */
    public static int frameLength(byte[] b, int off) throws FrameException {
        if (off < 0 || b.length - off < PREFIX_BYTES) throw new FrameException("short frame header");
        if (b[off] != VERSION) throw new FrameException("unknown version " + (b[off] & 0xff));
        if (b[off + 1] != KIND_DATAGRAM) throw new FrameException("unknown kind " + (b[off + 1] & 0xff));
        int fam = b[off + 2];
        if (fam != 4 && fam != 6) throw new FrameException("unknown address family " + (fam & 0xff));
        if (b[off + 3] != 0 || get16(b, off + 10) != 0) throw new FrameException("reserved bytes not zero");
        int len = get16(b, off + 4);
        if (len == 0 || len > MAX_PAYLOAD)
            throw new FrameException("payload length " + len + " outside 1.." + MAX_PAYLOAD);
        if (get16(b, off + 6) == 0 || get16(b, off + 8) == 0) throw new FrameException("port 0");
        return PREFIX_BYTES + 2 * (fam == 4 ? 4 : 16) + len;
    }

    /** Exactly one frame in {@code b[off, off + len)}. */
    public static HandoffFrame decode(byte[] b, int off, int len) throws FrameException {
        if (b == null || off < 0 || len < 0 || off > b.length - len) throw new FrameException("bad bounds");
        if (len < PREFIX_BYTES) throw new FrameException("short frame header");
        int total = frameLength(b, off);
        if (total != len) throw new FrameException("frame is " + len + " bytes, its header says " + total);
        int alen = b[off + 2] == 4 ? 4 : 16;
        try {
            InetAddress l =
                    InetAddress.getByAddress(Arrays.copyOfRange(b, off + PREFIX_BYTES, off + PREFIX_BYTES + alen));
            InetAddress r = InetAddress.getByAddress(
                    Arrays.copyOfRange(b, off + PREFIX_BYTES + alen, off + PREFIX_BYTES + 2 * alen));
            if (alen == 16 && (!(l instanceof Inet6Address) || !(r instanceof Inet6Address))) {
                throw new FrameException("IPv4-mapped address in an IPv6 frame");
            }
            if (alen == 4 && (!(l instanceof Inet4Address) || !(r instanceof Inet4Address))) {
                throw new FrameException("bad IPv4 address");
            }
            return new HandoffFrame(
                    l,
                    get16(b, off + 6),
                    r,
                    get16(b, off + 8),
                    Arrays.copyOfRange(b, off + PREFIX_BYTES + 2 * alen, off + len));
        } catch (UnknownHostException e) {
            throw new FrameException("bad address");
        }
    }

    private static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static int get16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandoffFrame f
                && f.localAddress.equals(localAddress)
                && f.localPort == localPort
                && f.remoteAddress.equals(remoteAddress)
                && f.remotePort == remotePort
                && Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(localAddress, localPort, remoteAddress, remotePort);
    }

    @Override
    public String toString() {
        return "HandoffFrame[" + localAddress.getHostAddress() + "[" + localPort + "] <-> "
                + remoteAddress.getHostAddress() + "[" + remotePort + "], " + payload.length + " bytes]";
    }
}
