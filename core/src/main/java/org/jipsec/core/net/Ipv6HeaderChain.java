package org.jipsec.core.net;

/**
 * The walked extension-header chain of one IPv6 packet (RFC 8200 §4): each header's type, offset and
 * length, the upper-layer protocol and its offset, the Fragment header if any, the end of the unfragmentable
 * part (§4.5) and the place where IPsec inserts AH/ESP (RFC 4302 §3.1.1, RFC 4303 §3.1.1).
 *
 * <pre>
 * every extension header but Fragment and AH:     Fragment (8 bytes):        AH (RFC 4302 §2):
 * +-------------+-------------+-------...         +------+------+-----...     +------+---------+---...
 * | Next Header | Hdr Ext Len | data              | Next | Res. | Offset|M    | Next | Payload | Res.
 * +-------------+-------------+-------...         +------+------+-----...     +------+---------+---...
 * length = (Hdr Ext Len + 1) × 8                   length = 8                  length = (Payload Len + 2) × 4
 * </pre>
 *
 * The walk follows Hop-by-Hop (only directly after the IPv6 header, §4.1), Routing, Fragment, Destination
 * Options and AH. It stops at: ESP (the rest is encrypted), No Next Header (59), a Fragment header with a
 * non-zero offset (the rest is the middle of a datagram), and any other value, which is the upper-layer
 * protocol. Every header's length is checked against the packet's payload length before it is recorded.
 *
 * <p>Reusable and allocation-free: keep one per thread and call {@link #parse}. {@link #of} allocates one.
 */
public final class Ipv6HeaderChain {
    /** More extension headers than this is treated as an attack, not a packet. */
    public static final int MAX_HEADERS = 32;

    private final int[] types = new int[MAX_HEADERS];
    private final int[] offsets = new int[MAX_HEADERS];
    private final int[] lengths = new int[MAX_HEADERS];
    private byte[] b;
    private int ipOff;
    private int packetEnd;
    private int count;
    private int upperProtocol;
    private int upperOffset;
    private int fragmentIndex;
    private int routingIndex;
    private int unfragmentableEnd;
    private int unfragmentableNextHeaderField;
    private int ipsecOffset;
    private int ipsecNextHeaderField;

    private static final ThreadLocal<Ipv6HeaderChain> SCRATCH = ThreadLocal.withInitial(Ipv6HeaderChain::new);

    /**
     * This thread's scratch chain, for code that parses, reads and forgets within one call (no escape, no
     * re-entry). The static helpers of this package use it so that the hot path allocates nothing.
     */
    static Ipv6HeaderChain scratch() {
        return SCRATCH.get();
    }

    public static Ipv6HeaderChain of(byte[] b, int off, int len) throws MalformedPacketException {
        Ipv6HeaderChain c = new Ipv6HeaderChain();
        c.parse(b, off, len);
        return c;
    }

    /**
     * Checks the IPv6 header at {@code b[off]} ({@link Ipv6Header#check}) and walks its extension headers.
     * On failure this object's state is unspecified.
     */
    public Ipv6HeaderChain parse(byte[] b, int off, int len) throws MalformedPacketException {
        return parse(b, off, len, false);
    }

    /**
     * As {@link #parse(byte[], int, int)}; with {@code stopAtFragment} the walk also ends at the first Fragment
     * header of a first fragment (what follows is fragment data to the reassembler, which checks the chain in
     * it itself — RFC 8200 §4.5, RFC 7112).
     */
    public Ipv6HeaderChain parse(byte[] b, int off, int len, boolean stopAtFragment) throws MalformedPacketException {
        int total = Ipv6Header.check(b, off, len);
        this.b = b;
        this.ipOff = off;
        this.packetEnd = off + total;
        this.count = 0;
        this.fragmentIndex = -1;
        this.routingIndex = -1;
        int nh = Ipv6Header.nextHeader(b, off);
        int nhField = off + Ipv6Header.OFF_NEXT_HEADER;
        int pos = off + Ipv6Header.LENGTH;
        // The unfragmentable part (RFC 8200 §4.5) and the IPsec insertion point (KAME ipsec6 output's
        // "IPv6 hbh dest1 rthdr ah* [esp* dest2 payload]"; spec §4.4) both start right after the fixed header.
        unfragmentableEnd = pos;
        unfragmentableNextHeaderField = nhField;
        ipsecOffset = pos;
        ipsecNextHeaderField = nhField;
        boolean ipsecDone = false;
        int dstOptsSeen = 0; // 0 none, 1 dest1 seen, 2 routing seen (a later dstopts is dest2)
        while (true) {
            int hlen;
            switch (nh) {
                case IpProtocols.HOPOPTS, IpProtocols.ROUTING, IpProtocols.DSTOPTS -> {
                    if (nh == IpProtocols.HOPOPTS && count != 0)
                        throw new MalformedPacketException("IPv6: hop-by-hop header not first (RFC 8200 §4.1)");
                    require(pos, 2, nh);
                    hlen = ((b[pos + 1] & 0xff) + 1) << 3;
                    if (nh == IpProtocols.ROUTING && hlen < 8)
                        throw new MalformedPacketException("IPv6: routing header too short");
                }
                case IpProtocols.FRAGMENT -> hlen = Ipv6FragmentHeader.LENGTH;
                case IpProtocols.AH -> {
                    require(pos, 2, nh);
                    hlen = ((b[pos + 1] & 0xff) + 2) << 2;
                    if (hlen < 12)
                        throw new MalformedPacketException(
                                "IPv6: AH payload length " + (b[pos + 1] & 0xff) + " too small");
                }
                default -> {
                    // ESP, No Next Header, or the upper-layer protocol: the chain ends here.
                    upperProtocol = nh;
                    upperOffset = pos;
                    return this;
                }
            }
            require(pos, hlen, nh);
            if (count == MAX_HEADERS)
                throw new MalformedPacketException("IPv6: more than " + MAX_HEADERS + " extension headers");
            types[count] = nh;
            offsets[count] = pos;
            lengths[count] = hlen;
            int index = count++;
            // RFC 8200 §4.5: unfragmentable part = headers up to and including Routing, else Hop-by-Hop.
            if ((nh == IpProtocols.HOPOPTS || nh == IpProtocols.ROUTING) && routingIndex < 0 && fragmentIndex < 0) {
                unfragmentableEnd = pos + hlen;
                unfragmentableNextHeaderField = pos;
            }
            if (!ipsecDone) {
                boolean skip = switch (nh) {
                    case IpProtocols.HOPOPTS, IpProtocols.FRAGMENT -> true;
                    case IpProtocols.ROUTING -> {
                        dstOptsSeen = 2;
                        yield true;
                    }
                    case IpProtocols.DSTOPTS -> {
                        if (dstOptsSeen != 0) yield false; // a second dest-opts header (dest2) stays after IPsec
                        dstOptsSeen = 1;
                        yield true;
                    }
                    default -> false; // an existing AH: new headers go before it
                };
                if (skip) {
                    ipsecOffset = pos + hlen;
                    ipsecNextHeaderField = pos;
                } else {
                    ipsecDone = true;
                }
            }
            if (nh == IpProtocols.ROUTING && routingIndex < 0) routingIndex = index;
            if (nh == IpProtocols.FRAGMENT) {
                if (fragmentIndex < 0) fragmentIndex = index;
                if (stopAtFragment || Ipv6FragmentHeader.fragmentOffset(b, pos) != 0) {
                    // Not the first fragment (or asked to stop): what follows is fragment data.
                    upperProtocol = Ipv6FragmentHeader.nextHeader(b, pos);
                    upperOffset = pos + hlen;
                    return this;
                }
            }
            nh = b[pos] & 0xff;
            pos += hlen;
        }
    }

    private void require(int pos, int n, int type) throws MalformedPacketException {
        if (n > packetEnd - pos)
            throw new MalformedPacketException(
                    "IPv6: extension header " + type + " at " + (pos - ipOff) + " runs past the payload");
    }

    /** Number of extension headers walked. */
    public int count() {
        return count;
    }

    /** Protocol number of extension header {@code i} (0 = Hop-by-Hop, 43, 44, 60, 51). */
    public int type(int i) {
        return types[check(i)];
    }

    /** Absolute offset of extension header {@code i}. */
    public int offset(int i) {
        return offsets[check(i)];
    }

    /** Length in bytes of extension header {@code i}. */
    public int length(int i) {
        return lengths[check(i)];
    }

    /** Absolute offset of the byte holding the type of header {@code i} (the previous header's Next Header). */
    public int nextHeaderFieldOf(int i) {
        check(i);
        return i == 0 ? ipOff + Ipv6Header.OFF_NEXT_HEADER : offsets[i - 1];
    }

    /**
     * The protocol after the last extension header walked: TCP, UDP, ICMPv6, ESP (50), No Next Header (59), …
     * After a non-first fragment it is the Fragment header's Next Header and {@link #isLaterFragment} is true.
     */
    public int upperProtocol() {
        return upperProtocol;
    }

    /** Absolute offset where {@link #upperProtocol()}'s header (or the fragment data) starts. */
    public int upperOffset() {
        return upperOffset;
    }

    /** Absolute offset one past the packet (IPv6 header + payload length). */
    public int packetEnd() {
        return packetEnd;
    }

    public int ipOffset() {
        return ipOff;
    }

    /** Index of the first Fragment header, or -1. */
    public int fragmentIndex() {
        return fragmentIndex;
    }

    /** Index of the first Routing header, or -1. */
    public int routingIndex() {
        return routingIndex;
    }

    /** True for a fragment with a non-zero offset: the walk ended at its Fragment header. */
    public boolean isLaterFragment() {
        return fragmentIndex >= 0 && Ipv6FragmentHeader.fragmentOffset(b, offsets[fragmentIndex]) != 0;
    }

    /** RFC 8200 §4.5: absolute offset where the fragmentable part starts. */
    public int unfragmentableEnd() {
        return unfragmentableEnd;
    }

    /** Absolute offset of the Next Header field that names the first header of the fragmentable part. */
    public int unfragmentableNextHeaderField() {
        return unfragmentableNextHeaderField;
    }

    /**
     * Absolute offset where an AH or ESP header is inserted in transport mode: after Hop-by-Hop, a Destination
     * Options header before a Routing header, Routing and Fragment headers; before a second Destination Options
     * header and before an existing AH (RFC 4302 §3.1.1, RFC 4303 §3.1.1; KAME/NetBSD ipsec6 output).
     */
    public int ipsecInsertionOffset() {
        return ipsecOffset;
    }

    /** Absolute offset of the Next Header field to rewrite when inserting at {@link #ipsecInsertionOffset}. */
    public int ipsecNextHeaderField() {
        return ipsecNextHeaderField;
    }

    /**
     * Absolute offset of the 16-byte final destination (RFC 8200 §8.1, RFC 4302 §3.3.3.1.2): the last address of
     * the first Routing header when segments are left, else the IPv6 destination.
     */
    public int finalDestinationOffset() throws MalformedPacketException {
        if (routingIndex < 0) return ipOff + Ipv6Header.OFF_DST;
        return Ipv6RoutingHeader.finalDestinationOffset(b, ipOff, offsets[routingIndex]);
    }

    private int check(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("header " + i + " of " + count);
        return i;
    }
}
