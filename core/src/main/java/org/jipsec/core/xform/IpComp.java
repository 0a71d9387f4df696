package org.jipsec.core.xform;

import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.IpProtocols;
import org.jipsec.core.net.IpView;
import org.jipsec.core.net.PacketBuffer;

/**
 * IPComp (RFC 3173) with DEFLATE (RFC 2394).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Header   |    Flags      | Compression Parameter Index   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * (RFC 3173 §2.2.) A packet is sent uncompressed when it is shorter than the algorithm's minimum
 * (NetBSD {@code comp_algo_deflate.minlen} = 90) or when compression would not make it shorter (RFC 3173 §2.2).
 * Inflated output is bounded by the 65535-byte IP limit; a larger result is a counted drop.
 */
final class IpComp {
    private IpComp() {}

    static final int HEADER = 4;
    static final int MIN_LENGTH = 90;

    static int cpi(SaParameters p) {
        return (int) (p.spi() & 0xffff);
    }

    static DropReason output(SaContext sa, PacketBuffer f, XformStats stats) {
        SaContext.Keyed k = sa.keyed();
        IpView ip = k.ip;
        DropReason bad = DropReason.of(ip.parse(f.array(), f.start(), f.end(), false));
        if (bad != null) return bad;
        if (ip.fragment) return DropReason.INVALID; // RFC 4303 §3.3.4 / RFC 4302 §3.3.4: whole packets only
        if (ip.ipEnd != f.end()) f.trimBack(f.end() - ip.ipEnd);
        int payloadLen = f.end() - ip.hdrEnd;
        if (payloadLen < MIN_LENGTH) { // RFC 3173 §2.2: sent as is
            stats.ipcompUncompressed(true);
            return null;
        }
        if (k.ipcomp == null) k.ipcomp = new IpCompCodec();
        stats.histogram(sa.parameters());
        int n = k.ipcomp.deflate(f.array(), ip.hdrEnd, payloadLen, payloadLen - HEADER);
        if (n < 0) { // would not shrink: sent as is
            stats.ipcompUncompressed(false);
            return null;
        }
        byte[] b = f.array();
        int nextHeader = b[ip.nhOffset] & 0xff;
        b[ip.hdrEnd] = (byte) nextHeader;
        b[ip.hdrEnd + 1] = 0;
        Bytes.put16(b, ip.hdrEnd + 2, cpi(sa.parameters()));
        System.arraycopy(k.ipcomp.out, 0, b, ip.hdrEnd + HEADER, n);
        f.trimBack(f.end() - (ip.hdrEnd + HEADER + n));
        b[ip.nhOffset] = (byte) IpProtocols.IPCOMP;
        IpView.fixLength(b, f.start(), f.end());
        k.countOut(f.length());
        stats.output(IpsecProtocol.IPCOMP, f.length());
        return null;
    }

    static DropReason input(SaContext sa, PacketBuffer f, IpView ip, XformStats stats) {
        DropReason r = input0(sa, f, ip);
        if (r != null) stats.drop(IpsecProtocol.IPCOMP, r);
        return r;
    }

    private static DropReason input0(SaContext sa, PacketBuffer f, IpView ip) {
        SaContext.Keyed k = sa.keyed();
        byte[] b = f.array();
        int c = ip.hdrEnd;
        if (c + HEADER + 1 > ip.ipEnd) return DropReason.SHORT;
        if (f.end() > ip.ipEnd) f.trimBack(f.end() - ip.ipEnd);
        int nextHeader = b[c] & 0xff;
        int hdrLen = c - f.start();
        int max = (ip.version == 4 ? 0xffff : 0xffff + 40) - hdrLen;
        if (k.ipcomp == null) k.ipcomp = new IpCompCodec();
        int n = k.ipcomp.inflate(b, c + HEADER, f.end() - c - HEADER, max);
        if (n == -1) return DropReason.DECOMPRESS_TOO_BIG;
        if (n < 0) return DropReason.DECOMPRESS_FAILED;
        k.countIn(f.length());
        int nhRel = ip.nhOffset - f.start();
        f.trimBack(f.end() - c);
        int at = f.append(n);
        System.arraycopy(k.ipcomp.out, 0, f.array(), at, n);
        f.array()[f.start() + nhRel] = (byte) nextHeader;
        IpView.fixLength(f.array(), f.start(), f.end());
        return null;
    }
}
