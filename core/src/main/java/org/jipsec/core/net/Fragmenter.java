package org.jipsec.core.net;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an IP packet into fragments that fit an MTU.
 *
 * <p>IPv4 (RFC 791 §3.2 "Fragmentation"): every fragment but the last carries a multiple of 8 data bytes and
 * MF; the first keeps all options, the others only options whose "copied" bit is set (padded with EOL to a
 * 4-byte boundary); a packet that already is a fragment is refragmented (offsets add up, the last piece
 * keeps the original MF). With DF set the result is {@link FragmentationResult.NeedsFragmentation}.
 *
 * <p>IPv6 (RFC 8200 §4.5): only the source fragments. The unfragmentable part (IPv6 header, Hop-by-Hop,
 * headers up to and including Routing) is repeated in each fragment, followed by a Fragment header with the
 * caller's identification (RFC 7739: it should be unpredictable — draw it from the injected random source)
 * and a multiple-of-8 slice of the fragmentable part. The first fragment must hold the whole header chain
 * (RFC 8200 §4.5, RFC 7112), else {@link FragmentationResult.CannotFragment}. The MTU must be at least 1280.
 */
public final class Fragmenter {
    private Fragmenter() {}

    /** RFC 791: every IPv4 module must forward a 68-byte datagram without further fragmentation. */
    public static final int IPV4_MIN_MTU = 68;

    /** Fragments an IPv4 packet to {@code mtu} (honouring DF). The header must parse. */
    public static FragmentationResult fragmentIpv4(byte[] b, int off, int len, int mtu)
            throws MalformedPacketException {
        int hl = Ipv4Header.check(b, off, len);
        int total = Ipv4Header.totalLength(b, off);
        if (total <= mtu) return new FragmentationResult.Fits();
        if (Ipv4Header.dontFragment(b, off)) return new FragmentationResult.NeedsFragmentation(mtu);
        if (mtu < IPV4_MIN_MTU) return new FragmentationResult.CannotFragment("MTU " + mtu + " < " + IPV4_MIN_MTU);
        // Options for fragments after the first: only the copied ones (RFC 791 "copied flag").
        byte[] copied = new byte[hl - Ipv4Header.MIN_LENGTH];
        int copiedLen = 0;
        OptionCursor c = new OptionCursor().resetIpv4(b, off);
        while (c.next()) {
            if (c.type() == OptionCursor.IPV4_EOL) break;
            if (OptionCursor.isCopiedIpv4(c.type())) {
                System.arraycopy(b, c.offset(), copied, copiedLen, c.length());
                copiedLen += c.length();
            }
        }
        int laterHl = Ipv4Header.MIN_LENGTH + ((copiedLen + 3) & ~3);
        int firstData = ((mtu - hl) & ~7);
        int laterData = ((mtu - laterHl) & ~7);
        if (firstData <= 0 || laterData <= 0)
            return new FragmentationResult.CannotFragment("MTU " + mtu + " leaves no room for data");
        int data = total - hl;
        int baseOffset = Ipv4Header.fragmentOffset(b, off);
        boolean originalMf = Ipv4Header.moreFragments(b, off);
        int flagsKeep = Ipv4Header.flagsAndOffset(b, off) & Ipv4Header.FLAG_RESERVED;
        List<byte[]> out = new ArrayList<>();
        int pos = 0;
        while (pos < data) {
            boolean first = pos == 0;
            int fragHl = first ? hl : laterHl;
            int n = Math.min(first ? firstData : laterData, data - pos);
            boolean last = pos + n == data;
            byte[] f = new byte[fragHl + n];
            System.arraycopy(b, off, f, 0, Ipv4Header.MIN_LENGTH);
            if (first) {
                System.arraycopy(b, off + Ipv4Header.MIN_LENGTH, f, Ipv4Header.MIN_LENGTH, hl - Ipv4Header.MIN_LENGTH);
            } else {
                System.arraycopy(copied, 0, f, Ipv4Header.MIN_LENGTH, copiedLen); // the rest stays 0 = EOL padding
                Ipv4Header.setVersionAndHeaderLength(f, 0, laterHl);
            }
            System.arraycopy(b, off + hl + pos, f, fragHl, n);
            Ipv4Header.setTotalLength(f, 0, fragHl + n);
            int units = (baseOffset + pos) >>> 3;
            if (units > Ipv4Header.OFFSET_MASK) throw new MalformedPacketException("IPv4: fragment offset overflow");
            Ipv4Header.setFlagsAndOffset(f, 0, flagsKeep | ((!last || originalMf) ? Ipv4Header.FLAG_MF : 0) | units);
            Ipv4Header.updateChecksum(f, 0);
            out.add(f);
            pos += n;
        }
        return new FragmentationResult.Fragments(out);
    }

    /**
     * Fragments an IPv6 packet to {@code mtu} with the given 32-bit identification. A packet that already
     * carries a Fragment header is not fragmented again ({@link FragmentationResult.CannotFragment}).
     */
    public static FragmentationResult fragmentIpv6(byte[] b, int off, int len, int mtu, int identification)
            throws MalformedPacketException {
        Ipv6HeaderChain chain = Ipv6HeaderChain.of(b, off, len);
        int total = chain.packetEnd() - off;
        if (total <= mtu) return new FragmentationResult.Fits();
        if (mtu < Ipv6Header.MIN_MTU)
            return new FragmentationResult.CannotFragment("MTU " + mtu + " < 1280 (RFC 8200 §5)");
        if (chain.fragmentIndex() >= 0) return new FragmentationResult.CannotFragment("already a fragment");
        int unfragEnd = chain.unfragmentableEnd();
        int unfragLen = unfragEnd - off;
        int nhField = chain.unfragmentableNextHeaderField();
        int fragmentableNext = b[nhField] & 0xff;
        int fragmentable = chain.packetEnd() - unfragEnd;
        int perFragment = (mtu - unfragLen - Ipv6FragmentHeader.LENGTH) & ~7;
        if (perFragment <= 0)
            return new FragmentationResult.CannotFragment(
                    "unfragmentable part of " + unfragLen + " bytes leaves no room");
        // RFC 8200 §4.5 / RFC 7112: the first fragment carries every header up to the upper-layer header.
        int chainInFragmentable = chain.upperOffset() - unfragEnd;
        if (chainInFragmentable > perFragment)
            return new FragmentationResult.CannotFragment(
                    "header chain of " + (chain.upperOffset() - off) + " bytes does not fit one fragment");
        int nhRel = nhField - off;
        List<byte[]> out = new ArrayList<>();
        int pos = 0;
        while (pos < fragmentable) {
            int n = Math.min(perFragment, fragmentable - pos);
            boolean last = pos + n == fragmentable;
            byte[] f = new byte[unfragLen + Ipv6FragmentHeader.LENGTH + n];
            System.arraycopy(b, off, f, 0, unfragLen);
            f[nhRel] = (byte) IpProtocols.FRAGMENT;
            Ipv6FragmentHeader.write(f, unfragLen, fragmentableNext, pos, !last, identification);
            System.arraycopy(b, unfragEnd + pos, f, unfragLen + Ipv6FragmentHeader.LENGTH, n);
            Ipv6Header.setPayloadLength(f, 0, f.length - Ipv6Header.LENGTH);
            out.add(f);
            pos += n;
        }
        return new FragmentationResult.Fragments(out);
    }

    /** {@link #fragment(byte[], int, int, int, int)} of the packet in a buffer (which is not modified). */
    public static FragmentationResult fragment(PacketBuffer p, int mtu, int identification)
            throws MalformedPacketException {
        return fragment(p.array(), p.start(), p.length(), mtu, identification);
    }

    /** Dispatches on the IP version. {@code identification} is used for IPv6 only. */
    public static FragmentationResult fragment(byte[] b, int off, int len, int mtu, int identification)
            throws MalformedPacketException {
        return IpPacket.version(b, off, len) == 4
                ? fragmentIpv4(b, off, len, mtu)
                : fragmentIpv6(b, off, len, mtu, identification);
    }
}
