package org.jipsec.core.net;

/**
 * Rebuilds the front of an IPv6 packet that a raw socket delivered without it (RFC 3542 §3: an IPv6 raw socket
 * never sees the fixed header nor the extension headers before its protocol): the fixed header from the addresses,
 * traffic class and hop limit, then the extension headers the kernel handed over as ancillary data (RFC 3542 §4:
 * {@code IPV6_HOPOPTS}, {@code IPV6_DSTOPTS}, {@code IPV6_RTHDR}; each cmsg carries one whole extension header —
 * next header, length, data).
 *
 * <pre>
 * fixed header (40) | Hop-by-Hop | Destination Options | Routing | Destination Options | ESP/AH/IPComp …
 *   next header ──────►  ──────────►  ─────────────────►  ──────►  ──────────────────►  protocol
 * </pre>
 *
 * <p>Order: Linux reports the headers in the order they were on the wire (net/ipv6/datagram.c,
 * {@code ip6_datagram_recv_specific_ctl}: Hop-by-Hop first, then it re-walks the chain and reports every
 * Destination Options and Routing header as it meets it; a Destination Options header before a Routing header
 * comes as {@code IPV6_DSTOPTS} too — linux/in6.h: "IPV6_RECVRTHDRDSTOPTS does not exist"). The headers are kept in
 * that order, which for a conforming sender is the RFC 8200 §4.1 order, so the rebuilt bytes are the bytes the
 * sender's AH ICV covered (RFC 4302 §3.3.3.1.2). The next-header fields are chained afresh: header k names header
 * k+1, the last names {@code protocol}; the payload length counts the extension headers (RFC 8200 §3).
 *
 * <p>Pure; checks every length and answers -1 (the caller counts a drop) for anything malformed: an unknown kind,
 * Hop-by-Hop anywhere but first (RFC 8200 §4.3), a header whose length octet disagrees with its cmsg length, more
 * than {@link #MAX_HEADERS} headers, a packet over 65,535 payload bytes (no jumbograms, RFC 2675) or an output
 * array too small. The flow label is not delivered by the kernel and is written as 0 (AH treats it as mutable,
 * RFC 4302 §3.3.3.1.1.1, so the ICV does not depend on it).
 */
public final class Ipv6HeaderRebuild {
    private Ipv6HeaderRebuild() {}

    /** More extension headers than this before the IPsec header are refused (RFC 8200 §4.1 names at most four). */
    public static final int MAX_HEADERS = 8;

    /**
     * The total length of {@code count} extension headers whose cmsg data lengths are {@code lens[0..count)} and
     * whose bytes lie back to back in {@code ext}, after checking each (kind, length octet, bounds); -1 if malformed.
     */
    public static int extensionLength(byte[] ext, byte[] kinds, int[] lens, int count) {
        if (count == 0) return 0;
        if (ext == null
                || kinds == null
                || lens == null
                || count < 0
                || count > MAX_HEADERS
                || count > kinds.length
                || count > lens.length) return -1;
        int off = 0;
        for (int k = 0; k < count; k++) {
            int kind = kinds[k] & 0xff;
            if (kind == IpProtocols.HOPOPTS) {
                if (k != 0) return -1; // RFC 8200 §4.3: only right after the header
            } else if (kind != IpProtocols.DSTOPTS && kind != IpProtocols.ROUTING) {
                return -1;
            }
            int len = lens[k];
            if (len < 8 || len > ext.length - off) return -1;
            if (((ext[off + 1] & 0xff) + 1) * 8 != len) return -1; // RFC 8200 §4.3–4.6: Hdr Ext Len in 8 octets, − 1
            off += len;
        }
        return off;
    }

    /**
     * Writes the fixed header and the extension headers into {@code out[0..)} for a payload of
     * {@code payloadLength} bytes of {@code protocol} that the caller copies right after them; returns where the
     * payload goes (40 + the extension headers' length), or -1 if the input is malformed (see the class comment).
     *
     * @param trafficClass the {@code IPV6_TCLASS} octet, or -1 if absent (written as 0)
     * @param hopLimit     the {@code IPV6_HOPLIMIT} value, or -1 if absent (written as 64)
     * @param src          the 16-byte source address
     * @param dst          the 16-byte destination address ({@code IPV6_PKTINFO})
     */
    public static int write(
            byte[] out,
            int trafficClass,
            int hopLimit,
            byte[] src,
            byte[] dst,
            byte[] ext,
            byte[] kinds,
            int[] lens,
            int count,
            int protocol,
            int payloadLength) {
        return write(out, 0, trafficClass, hopLimit, src, dst, ext, kinds, lens, count, protocol, payloadLength);
    }

    /**
     * {@link #write(byte[], int, int, byte[], byte[], byte[], byte[], int[], int, int, int)} into
     * {@code out[off..)}: returns where the payload goes (an index of {@code out}), or -1.
     */
    public static int write(
            byte[] out,
            int off,
            int trafficClass,
            int hopLimit,
            byte[] src,
            byte[] dst,
            byte[] ext,
            byte[] kinds,
            int[] lens,
            int count,
            int protocol,
            int payloadLength) {
        if (out == null
                || src == null
                || dst == null
                || src.length < 16
                || dst.length < 16
                || protocol < 0
                || protocol > 255
                || payloadLength < 0) return -1;
        int extLen = extensionLength(ext, kinds, lens, count);
        if (extLen < 0) return -1;
        long payload = (long) extLen + payloadLength;
        if (off < 0 || payload > 0xffff || (long) off + Ipv6Header.LENGTH + payload > out.length) return -1;
        int tc = trafficClass < 0 ? 0 : trafficClass & 0xff;
        // RFC 8200 §3: version 6, traffic class, flow label (0: not delivered), payload length, next header, hop limit
        out[off] = (byte) (0x60 | (tc >>> 4));
        out[off + 1] = (byte) ((tc & 0x0f) << 4);
        out[off + 2] = 0;
        out[off + 3] = 0;
        out[off + 4] = (byte) (payload >>> 8);
        out[off + 5] = (byte) payload;
        out[off + 6] = (byte) (count > 0 ? kinds[0] : protocol);
        out[off + 7] = (byte) (hopLimit > 0 ? Math.min(hopLimit, 255) : 64);
        System.arraycopy(src, 0, out, off + Ipv6Header.OFF_SRC, 16);
        System.arraycopy(dst, 0, out, off + Ipv6Header.OFF_DST, 16);
        int at = off + Ipv6Header.LENGTH;
        for (int k = 0; k < count; k++) {
            System.arraycopy(ext, at - off - Ipv6Header.LENGTH, out, at, lens[k]);
            out[at] = (byte) (k + 1 < count ? kinds[k + 1] : protocol); // chain the next-header fields
            at += lens[k];
        }
        return at;
    }
}
