package org.jipsec.core.net;

/**
 * Family-independent helpers over a raw IP packet (IPv4 or IPv6, told apart by the version nibble).
 */
public final class IpPacket {
    private IpPacket() {}

    /** The IP version (4 or 6) of the packet at {@code b[off]}; any other value is malformed. */
    public static int version(byte[] b, int off, int len) throws MalformedPacketException {
        if (len < 1 || off < 0 || off > b.length - len) throw new MalformedPacketException("IP: empty packet");
        int v = (b[off] & 0xff) >>> 4;
        if (v != 4 && v != 6) throw new MalformedPacketException("IP: version " + v);
        return v;
    }

    /**
     * Checks the IP header (and for IPv6 the extension-header chain) and returns the packet's length from its
     * header (total length / 40 + payload length), which may be less than {@code len} (link padding).
     */
    public static int check(byte[] b, int off, int len) throws MalformedPacketException {
        if (version(b, off, len) == 4) {
            Ipv4Header.check(b, off, len);
            return Ipv4Header.totalLength(b, off);
        }
        return Ipv6HeaderChain.scratch().parse(b, off, len).packetEnd() - off;
    }

    /**
     * The upper-layer protocol and where it starts. IPv4: after the header and any AH headers (RFC 4302 §2:
     * AH length = (Payload Len + 2) × 4); a fragment with a non-zero offset has no headers after the IP header.
     * IPv6: as {@link Ipv6HeaderChain}.
     */
    public static UpperLayer upperLayer(byte[] b, int off, int len) throws MalformedPacketException {
        if (version(b, off, len) == 6) {
            Ipv6HeaderChain c = Ipv6HeaderChain.scratch().parse(b, off, len);
            return new UpperLayer(c.upperProtocol(), c.upperOffset(), c.isLaterFragment());
        }
        int hl = Ipv4Header.check(b, off, len);
        int end = off + Ipv4Header.totalLength(b, off);
        int proto = Ipv4Header.protocol(b, off);
        int pos = off + hl;
        if (Ipv4Header.fragmentOffset(b, off) != 0) return new UpperLayer(proto, pos, true);
        while (proto == IpProtocols.AH) {
            if (end - pos < 2) throw new MalformedPacketException("IPv4: AH header truncated");
            int ahLen = ((b[pos + 1] & 0xff) + 2) << 2;
            if (ahLen < 12 || ahLen > end - pos)
                throw new MalformedPacketException("IPv4: AH length " + ahLen + " bad");
            proto = b[pos] & 0xff;
            pos += ahLen;
        }
        return new UpperLayer(proto, pos, false);
    }
}
