package org.jipsec.core.xform;

import org.jipsec.core.crypto.IntegrityTransform;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.IpProtocols;
import org.jipsec.core.net.IpView;
import org.jipsec.core.net.PacketBuffer;

/**
 * AH (RFC 4302) output and input on one SA.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Header   |  Payload Len  |          RESERVED             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Security Parameters Index (SPI)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Sequence Number Field                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Integrity Check Value-ICV (variable)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * (RFC 4302 §2.) The ICV covers the IP header with its mutable fields zeroed (§3.3.3.1), the AH header with
 * the ICV field zeroed, and the payload; with ESN the high 32 bits follow the packet in the ICV input
 * (§3.3.3.1.1). Payload Len = AH length in 32-bit words minus 2; the ICV is padded to 32 bits (IPv4) or
 * 64 bits (IPv6) (§2.6). Mutable fields follow NetBSD's ah_massage_headers (spec §4.11).
 */
final class Ah {
    private Ah() {}

    static final int FIXED = 12;
    /** PF_KEY numbers of keyed-md5 and keyed-sha1, for which ah_offsetmask matters (spec §4.11). */
    private static final int KEYED_MD5 = 249, KEYED_SHA1 = 250;

    static int ahLength(int icvLen, boolean v6) {
        int len = FIXED + icvLen;
        int align = v6 ? 8 : 4;
        return (len + align - 1) / align * align;
    }

    static DropReason output(SaContext sa, PacketBuffer f, XformSettings s, XformStats stats) {
        SaParameters p = sa.parameters();
        SaContext.Keyed k = sa.keyed();
        IpView ip = k.ip;
        DropReason bad = DropReason.of(ip.parse(f.array(), f.start(), f.end(), false));
        if (bad != null) return bad;
        if (ip.fragment) return DropReason.INVALID; // RFC 4303 §3.3.4 / RFC 4302 §3.3.4: whole packets only
        if (ip.ipEnd != f.end()) f.trimBack(f.end() - ip.ipEnd);
        IntegrityTransform mac = k.integrity;
        int icvLen = mac.icvLength();
        int ahLen = ahLength(icvLen, ip.version == 6);
        if (f.length() + ahLen > (ip.version == 4 ? 0xffff : 0xffff + 40)) return DropReason.TOO_BIG;
        long seq = sa.allocateSequence();
        if (seq == 0) return sa.sequenceRefusal(); // RFC 4303 §3.3.3 (wrap), or not saved yet (issue #12)
        int nhRel = ip.nhOffset - f.start();
        int hdrLen = ip.hdrEnd - f.start();
        int nextHeader = f.array()[ip.nhOffset] & 0xff;
        int ah = f.insert(ip.hdrEnd - f.start(), ahLen);
        byte[] b = f.array();
        int start = f.start();
        b[ah] = (byte) nextHeader;
        b[ah + 1] = (byte) (ahLen / 4 - 2);
        b[ah + 2] = 0;
        b[ah + 3] = 0;
        Bytes.put32(b, ah + 4, (int) p.spi());
        Bytes.put32(b, ah + 8, (int) seq);
        for (int i = FIXED; i < ahLen; i++) b[ah + i] = 0; // ICV and its padding zero for the computation
        b[start + nhRel] = (byte) IpProtocols.AH;
        IpView.fixLength(b, start, f.end());
        DropReason m = icv(sa, k, b, start, hdrLen, ah, f.end(), seq, s, true);
        if (m != null) return m;
        mac.finish(b, ah + FIXED);
        k.countOut(f.length());
        stats.output(IpsecProtocol.AH, f.length());
        return null;
    }

    /** Feeds the massaged headers, the AH header and the rest of the packet into the MAC. */
    private static DropReason icv(
            SaContext sa,
            SaContext.Keyed k,
            byte[] b,
            int start,
            int hdrLen,
            int ah,
            int end,
            long seq,
            XformSettings s,
            boolean outbound) {
        if (k.hdr.length < hdrLen) k.hdr = new byte[hdrLen];
        byte[] h = k.hdr;
        System.arraycopy(b, start, h, 0, hdrLen);
        DropReason bad = (b[start] & 0xf0) == 0x40
                ? massage4(h, hdrLen, sa.parameters().auth().number(), s, outbound)
                : massage6(h, hdrLen, outbound);
        if (bad != null) return bad;
        IntegrityTransform mac = k.integrity;
        mac.update(h, 0, hdrLen);
        mac.update(b, ah, end - ah);
        if (sa.parameters().esn()) { // RFC 4302 §3.3.3.1.1: high-order bits implicitly appended
            Bytes.put32(k.scratch, 0, (int) (seq >>> 32));
            mac.update(k.scratch, 0, 4);
        }
        return null;
    }

    /** RFC 4302 §3.3.3.1.1.1, NetBSD ah_massage_headers (IPv4). */
    private static DropReason massage4(byte[] h, int hlen, int alg, XformSettings s, boolean outbound) {
        if (s.ahCleartos()) h[1] = 0;
        h[8] = 0; // TTL
        h[10] = 0; // checksum
        h[11] = 0;
        int off = Bytes.u16(h, 6) & s.ahOffsetmask();
        if (alg == KEYED_MD5 || alg == KEYED_SHA1) off &= 0x4000;
        else off = 0;
        Bytes.put16(h, 6, off);
        int i = 20;
        while (i < hlen) {
            int type = h[i] & 0xff;
            if (type == 0) break; // EOL
            if (type == 1) {
                i++;
                continue;
            } // NOP
            if (i + 1 >= hlen) return DropReason.BAD_HEADER;
            int olen = h[i + 1] & 0xff;
            if (olen < 2 || i + olen > hlen) return DropReason.BAD_HEADER;
            switch (type) {
                case 130, 0x85, 0x86, 0x94, 0x95 -> {} // immutable: kept
                case 131, 137 -> { // LSRR/SSRR: the final destination is predictable (RFC 4302 §3.3.3.1.1.2)
                    if (outbound && olen >= 7) System.arraycopy(h, i + olen - 4, h, 16, 4);
                    for (int j = 0; j < olen; j++) h[i + j] = 0;
                }
                default -> {
                    for (int j = 0; j < olen; j++) h[i + j] = 0;
                }
            }
            i += olen;
        }
        return null;
    }

    /** RFC 4302 §3.3.3.1.2 (IPv6): base header mutable fields, options with the may-change bit, routing header. */
    private static DropReason massage6(byte[] h, int hlen, boolean outbound) {
        h[0] = 0x60; // traffic class and flow label zeroed, version kept
        h[1] = 0;
        h[2] = 0;
        h[3] = 0;
        h[7] = 0; // hop limit
        int nh = h[6] & 0xff;
        int off = 40;
        while (off < hlen) {
            if (off + 8 > hlen) return DropReason.BAD_HEADER;
            int extLen = ((h[off + 1] & 0xff) + 1) * 8;
            if (off + extLen > hlen) return DropReason.BAD_HEADER;
            switch (nh) {
                case IpProtocols.HOPOPTS, IpProtocols.DSTOPTS -> {
                    int i = off + 2;
                    while (i < off + extLen) {
                        int type = h[i] & 0xff;
                        if (type == 0) {
                            i++;
                            continue;
                        } // Pad1
                        if (i + 1 >= off + extLen) return DropReason.BAD_HEADER;
                        int olen = h[i + 1] & 0xff;
                        if (i + 2 + olen > off + extLen) return DropReason.BAD_HEADER;
                        if ((type & 0x20) != 0) for (int j = 0; j < olen; j++) h[i + 2 + j] = 0; // may change en route
                        i += 2 + olen;
                    }
                }
                case IpProtocols.ROUTING -> {
                    int segLeft = h[off + 3] & 0xff;
                    int rtype = h[off + 2] & 0xff;
                    int n = (h[off + 1] & 0xff) / 2;
                    // predict what the final destination will see: addresses rotated, segments left 0
                    if (outbound && segLeft > 0 && (rtype == 0 || rtype == 2) && n >= segLeft) {
                        int a = off + 8;
                        byte[] last = new byte[16];
                        System.arraycopy(h, a + (n - 1) * 16, last, 0, 16);
                        System.arraycopy(h, a + (n - segLeft) * 16, h, a + (n - segLeft + 1) * 16, (segLeft - 1) * 16);
                        System.arraycopy(h, 24, h, a + (n - segLeft) * 16, 16);
                        System.arraycopy(last, 0, h, 24, 16);
                        h[off + 3] = 0;
                    }
                }
                default -> {
                    return DropReason.INVALID;
                } // NetBSD: any other header before AH → EINVAL
            }
            nh = h[off] & 0xff;
            off += extLen;
        }
        return null;
    }

    static DropReason input(SaContext sa, PacketBuffer f, IpView ip, XformSettings s, XformStats stats, long[] seqOut) {
        DropReason r = input0(sa, f, ip, s, seqOut);
        if (r != null) stats.drop(IpsecProtocol.AH, r);
        return r;
    }

    private static DropReason input0(SaContext sa, PacketBuffer f, IpView ip, XformSettings s, long[] seqOut) {
        SaContext.Keyed k = sa.keyed();
        IntegrityTransform mac = k.integrity;
        byte[] b = f.array();
        int ah = ip.hdrEnd;
        int end = ip.ipEnd;
        if (ah + FIXED > end) return DropReason.SHORT;
        int icvLen = mac.icvLength();
        int ahLen = ((b[ah + 1] & 0xff) + 2) * 4;
        if (ahLen != ahLength(icvLen, ip.version == 6)) return DropReason.BAD_LENGTH; // NetBSD: exact size
        if (ah + ahLen > end) return DropReason.SHORT;
        int wireSeq = Bytes.i32(b, ah + 8);
        if (seqOut != null) seqOut[0] = wireSeq & 0xffffffffL;
        long seq;
        seq = sa.replayWindow().check(wireSeq); // before the ICV; commit() checks again after it
        if (seq == ReplayWindow.REPLAYED) return k.replayed();
        if (seqOut != null) seqOut[0] = seq;
        if (f.end() > end) f.trimBack(f.end() - end);
        System.arraycopy(b, ah + FIXED, k.icv, 0, icvLen);
        for (int i = FIXED; i < ahLen; i++) b[ah + i] = 0;
        int hdrLen = ah - f.start();
        DropReason m = icv(sa, k, b, f.start(), hdrLen, ah, end, seq, s, false);
        if (m != null) return m;
        if (!mac.verify(k.icv, 0)) return DropReason.BAD_AUTH;
        synchronized (sa.replayWindow()) {
            if (!sa.mayAccept(seq)) return DropReason.SEQ_UNSAVED; // above the saved mark (issue #12)
            if (!sa.replayWindow().commit(seq)) return k.replayed();
        }
        k.countIn(f.length());
        int nextHeader = b[ah] & 0xff;
        int nhRel = ip.nhOffset - f.start();
        f.remove(ah - f.start(), ahLen);
        f.array()[f.start() + nhRel] = (byte) nextHeader;
        IpView.fixLength(f.array(), f.start(), f.end());
        return null;
    }
}
