package org.jipsec.core.xform;

import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.IpProtocols;
import org.jipsec.core.net.IpView;
import org.jipsec.core.net.Ipv4Header;
import org.jipsec.core.net.PacketBuffer;

/**
 * IP-in-IP encapsulation for tunnel-mode SAs (RFC 4301 §5.1.2; NetBSD xform_ipip.c): IPv4 or IPv6 outer header
 * around an IPv4 or IPv6 inner packet, including the odd combinations (4-in-6, 6-in-4).
 *
 * <p>Outer header fields (RFC 4301 §5.1.2.1/§5.1.2.2): DSCP copied from the inner header; ECN per
 * {@code net.inet.ipsec.ecn}: 1 = RFC 6040 normal mode (ECN field copied on encapsulation, combined on
 * decapsulation per RFC 6040 §4.2), otherwise NetBSD's behaviour (spec §4.11: ECN bits of the outer header
 * cleared, decapsulation leaves the inner header alone). DF per {@code dfbit} (0 clear, 1 set, 2 copy from an
 * IPv4 inner header). TTL/hop limit = the default TTL; the inner TTL is left as it is (as NetBSD does). IPv6
 * outer flow label 0.
 */
final class IpTunnel {
    private IpTunnel() {}

    /** Wraps the IP packet in {@code f} in an outer header from the SA's endpoints. */
    static DropReason encapsulate(SaContext sa, PacketBuffer f, XformSettings s) {
        byte[] b = f.array();
        int start = f.start();
        int len = f.length();
        if (len < 1) return DropReason.SHORT;
        int innerVersion = (b[start] & 0xff) >>> 4;
        int tos;
        int df = 0;
        int proto;
        if (innerVersion == 4) {
            if (len < 20) return DropReason.SHORT;
            tos = b[start + 1] & 0xff;
            df = Bytes.u16(b, start + 6) & 0x4000;
            proto = IpProtocols.IPV4;
        } else if (innerVersion == 6) {
            if (len < 40) return DropReason.SHORT;
            tos = ((b[start] & 0x0f) << 4) | ((b[start + 1] & 0xff) >>> 4);
            proto = IpProtocols.IPV6;
        } else {
            return DropReason.BAD_HEADER;
        }
        int outerTos = s.ecn() == 1 ? tos : tos & ~0x03; // RFC 6040 §4.1 normal mode / NetBSD ip_ecn_ingress
        byte[] src = sa.srcAddress();
        byte[] dst = sa.dstAddress();
        if (src.length == 4) {
            if (len + 20 > 0xffff) return DropReason.TOO_BIG;
            int o = f.prepend(20);
            b = f.array();
            b[o] = 0x45;
            b[o + 1] = (byte) outerTos;
            Bytes.put16(b, o + 2, len + 20);
            Bytes.put16(b, o + 4, sa.nextIpId());
            boolean setDf = switch (s.dfbit()) {
                case 0 -> false;
                case 1 -> true;
                default -> df != 0;
            };
            Bytes.put16(b, o + 6, setDf ? 0x4000 : 0);
            b[o + 8] = (byte) s.defaultTtl();
            b[o + 9] = (byte) proto;
            System.arraycopy(src, 0, b, o + 12, 4);
            System.arraycopy(dst, 0, b, o + 16, 4);
            Ipv4Header.updateChecksum(b, o);
        } else {
            if (len > 0xffff) return DropReason.TOO_BIG;
            int o = f.prepend(40);
            b = f.array();
            b[o] = (byte) (0x60 | (outerTos >>> 4));
            b[o + 1] = (byte) ((outerTos & 0x0f) << 4);
            b[o + 2] = 0;
            b[o + 3] = 0;
            Bytes.put16(b, o + 4, len);
            b[o + 6] = (byte) proto;
            b[o + 7] = (byte) s.defaultTtl();
            System.arraycopy(src, 0, b, o + 8, 16);
            System.arraycopy(dst, 0, b, o + 24, 16);
        }
        return null;
    }

    /**
     * Removes the outer header chain (which ends at {@code hdrEnd}) from the buffer, leaving the inner packet;
     * applies ECN egress and trims TFC padding (bytes after the inner packet's length, RFC 4303 §2.7).
     */
    static DropReason decapsulate(PacketBuffer f, int hdrEnd, int innerProto, XformSettings s, IpView inner) {
        byte[] b = f.array();
        int start = f.start();
        int outerEcn = (b[start] & 0xf0) == 0x40 ? b[start + 1] & 0x03 : ((b[start + 1] & 0xff) >>> 4) & 0x03;
        f.trimFront(hdrEnd - start);
        DropReason bad = DropReason.of(inner.parse(b, f.start(), f.end(), true));
        if (bad != null) return bad;
        if ((innerProto == IpProtocols.IPV4) != (inner.version == 4)) return DropReason.BAD_NEXT_HEADER;
        if (inner.ipEnd < f.end()) f.trimBack(f.end() - inner.ipEnd); // TFC padding
        int mode = inner.version == 4 ? s.ecn() : s.ecn6();
        if (mode == 1 && outerEcn != 0) {
            int i = f.start();
            int innerEcn = inner.version == 4 ? b[i + 1] & 0x03 : ((b[i + 1] & 0xff) >>> 4) & 0x03;
            int newEcn = innerEcn;
            // RFC 6040 §4.2 table: outer CE → inner CE (drop if inner Not-ECT); outer ECT(1) on inner ECT(0) → ECT(1)
            if (outerEcn == 3) {
                if (innerEcn == 0) return DropReason.INVALID;
                newEcn = 3;
            } else if (outerEcn == 1 && innerEcn == 2) {
                newEcn = 1;
            }
            if (newEcn != innerEcn) {
                if (inner.version == 4) {
                    b[i + 1] = (byte) ((b[i + 1] & ~0x03) | newEcn);
                    Ipv4Header.updateChecksum(b, i);
                } else {
                    b[i + 1] = (byte) ((b[i + 1] & 0xcf) | (newEcn << 4));
                }
            }
        }
        return null;
    }
}
