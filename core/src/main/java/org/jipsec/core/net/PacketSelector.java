package org.jipsec.core.net;

import java.net.InetAddress;
import org.jipsec.core.ipsec.Endpoint;

/**
 * The selector of one packet, as KAME/NetBSD's {@code ipsec_setspidx} builds a {@code secpolicyindex} from
 * it (spec §4.1 "Packet selector"): source and destination address (full-length prefixes), the upper-layer
 * protocol and two "ports".
 *
 * <p>Addresses are held as two longs each (IPv4: the 32-bit address in the low word of {@code srcLow}, high
 * word 0) so that extraction allocates nothing but the record and SPD matching compares bits, not objects.
 *
 * <p>Extraction rules ({@link #of}):
 * <ul>
 * <li>IPv4 ({@code ipsec4_get_ulp}): a fragment (MF set or offset ≠ 0) → protocol 255 (any), ports 0; AH
 *     headers are skipped; TCP/UDP → protocol, ports only when {@code needPort} (else 0), and a header
 *     truncated before its ports → protocol 255; ICMP → protocol 1, source port = type, destination port =
 *     code (regardless of {@code needPort}); anything else → that protocol, ports 0.</li>
 * <li>IPv6 ({@code ipsec6_get_ulp} over {@code ip6_lasthdr}): the last header of the chain (Hop-by-Hop,
 *     Routing, Destination Options, AH and the Fragment header of a <em>first</em> fragment are skipped);
 *     TCP/UDP → protocol, ports when {@code needPort} and present; ICMPv6 → type/code as ports; ESP → 50;
 *     a later fragment (offset ≠ 0) → protocol 255, ports 0, as for IPv4 (spec §4.1 "same rules").</li>
 * </ul>
 * On the IPv6 later-fragment case NetBSD's code literally yields 44 ({@code ip6_nexthdr} stops at the
 * Fragment header and {@code ip6_lasthdr} reports its type); we use 255 as the spec, the SPD's
 * {@code FlowKey} and IPv4 do — only an "any" policy can match either way.
 * IPv6 scope: NetBSD moves a link-local address's kernel-embedded scope into {@code sin6_scope_id}; on the
 * wire there is no embedded scope, and the packet layer does not know the receiving interface, so the caller
 * (io) supplies a scope id if it has one. The SPD's {@code FlowKey} is built as
 * {@code new FlowKey(s.srcBytes(), s.dstBytes(), s.protocol(), s.srcPort(), s.dstPort())}.
 *
 * <p>Two deliberate differences from NetBSD 1.x {@code ipsec4_get_ulp}, both defects there: its AH branch tests
 * the length backwards ({@code len > off + 2 → done}), so every AH packet got protocol 255 — we skip AH as
 * the comment intends; and it requires {@code sizeof(struct icmp)} (28) bytes before reading an ICMP
 * type/code — we require the 4 bytes that hold them (RFC 792).
 *
 * @param ipv6     address family
 * @param protocol upper-layer protocol, 255 = any
 * @param srcPort  TCP/UDP source port, ICMP type, or 0
 * @param dstPort  TCP/UDP destination port, ICMP code, or 0
 */
public record PacketSelector(
        boolean ipv6, long srcHigh, long srcLow, long dstHigh, long dstLow, int protocol, int srcPort, int dstPort) {

    /**
     * Extracts the selector of the IP packet at {@code b[off, off+len)}.
     *
     * @param needPort whether TCP/UDP ports are filled in (KAME: outbound non-forwarded traffic); 0 otherwise
     */
    public static PacketSelector of(byte[] b, int off, int len, boolean needPort) throws MalformedPacketException {
        int version = IpPacket.version(b, off, len);
        if (version == 4) {
            Ipv4Header.check(b, off, len);
            long src = Ipv4Header.src(b, off) & 0xffffffffL;
            long dst = Ipv4Header.dst(b, off) & 0xffffffffL;
            if (Ipv4Header.isFragment(b, off)) return new PacketSelector(false, 0, src, 0, dst, IpProtocols.ANY, 0, 0);
            int end = off + Ipv4Header.totalLength(b, off);
            int pos = off + Ipv4Header.headerLength(b, off);
            int nxt = Ipv4Header.protocol(b, off);
            while (pos < end) {
                switch (nxt) {
                    case IpProtocols.TCP, IpProtocols.UDP -> {
                        if (!needPort) return new PacketSelector(false, 0, src, 0, dst, nxt, 0, 0);
                        if (end - pos < (nxt == IpProtocols.TCP ? 20 : 8))
                            return new PacketSelector(false, 0, src, 0, dst, IpProtocols.ANY, 0, 0);
                        return new PacketSelector(false, 0, src, 0, dst, nxt, Bytes.u16(b, pos), Bytes.u16(b, pos + 2));
                    }
                    case IpProtocols.AH -> {
                        if (end - pos < 2) return new PacketSelector(false, 0, src, 0, dst, IpProtocols.ANY, 0, 0);
                        nxt = b[pos] & 0xff;
                        pos += ((b[pos + 1] & 0xff) + 2) << 2;
                    }
                    case IpProtocols.ICMP -> {
                        if (end - pos < 4) return new PacketSelector(false, 0, src, 0, dst, nxt, 0, 0);
                        return new PacketSelector(false, 0, src, 0, dst, nxt, b[pos] & 0xff, b[pos + 1] & 0xff);
                    }
                    default -> {
                        return new PacketSelector(false, 0, src, 0, dst, nxt, 0, 0);
                    }
                }
            }
            return new PacketSelector(false, 0, src, 0, dst, IpProtocols.ANY, 0, 0);
        }
        Ipv6HeaderChain c = Ipv6HeaderChain.scratch().parse(b, off, len);
        long sh = Ipv6Header.srcHigh(b, off), sl = Ipv6Header.srcLow(b, off);
        long dh = Ipv6Header.dstHigh(b, off), dl = Ipv6Header.dstLow(b, off);
        if (c.isLaterFragment()) return new PacketSelector(true, sh, sl, dh, dl, IpProtocols.ANY, 0, 0);
        int nxt = c.upperProtocol();
        int pos = c.upperOffset();
        int avail = c.packetEnd() - pos;
        return switch (nxt) {
            case IpProtocols.TCP, IpProtocols.UDP ->
                needPort && avail >= (nxt == IpProtocols.TCP ? 20 : 8)
                        ? new PacketSelector(true, sh, sl, dh, dl, nxt, Bytes.u16(b, pos), Bytes.u16(b, pos + 2))
                        : new PacketSelector(true, sh, sl, dh, dl, nxt, 0, 0);
            case IpProtocols.ICMPV6 ->
                avail >= 4
                        ? new PacketSelector(true, sh, sl, dh, dl, nxt, b[pos] & 0xff, b[pos + 1] & 0xff)
                        : new PacketSelector(true, sh, sl, dh, dl, nxt, 0, 0);
            default -> new PacketSelector(true, sh, sl, dh, dl, nxt, 0, 0);
        };
    }

    public static PacketSelector of(PacketBuffer p, boolean needPort) throws MalformedPacketException {
        return of(p.array(), p.start(), p.length(), needPort);
    }

    /** Address length in bits (32 or 128), the prefix length KAME gives a packet selector. */
    public int addressBits() {
        return ipv6 ? 128 : 32;
    }

    /** The source address as bytes (4 or 16). */
    public byte[] srcBytes() {
        return toBytes(srcHigh, srcLow);
    }

    public byte[] dstBytes() {
        return toBytes(dstHigh, dstLow);
    }

    /** Allocates; for control paths (ACQUIRE messages, logs). */
    public InetAddress srcAddress() {
        return toAddress(srcBytes());
    }

    public InetAddress dstAddress() {
        return toAddress(dstBytes());
    }

    /** Source as an {@link Endpoint} (port = {@link #srcPort}). */
    public Endpoint source() {
        return new Endpoint(srcAddress(), srcPort);
    }

    public Endpoint destination() {
        return new Endpoint(dstAddress(), dstPort);
    }

    private byte[] toBytes(long high, long low) {
        if (!ipv6) {
            byte[] a = new byte[4];
            Bytes.put32(a, 0, (int) low);
            return a;
        }
        byte[] a = new byte[16];
        Bytes.put64(a, 0, high);
        Bytes.put64(a, 8, low);
        return a;
    }

    private InetAddress toAddress(byte[] raw) {
        return ipv6 ? Ipv6Header.address(raw, 0) : Ipv4Header.toAddress(Bytes.i32(raw, 0));
    }

    @Override
    public String toString() {
        return source() + " " + destination() + " " + IpProtocols.name(protocol);
    }
}
