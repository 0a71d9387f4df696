package org.jipsec.core.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Ipv6HeaderRebuild}: a packet split the way a Linux IPv6 raw socket splits it (payload from the protocol
 * on, addresses / traffic class / hop limit, and one cmsg per extension header in wire order) is rebuilt byte for
 * byte; malformed cmsg data is refused with -1, never an exception.
 */
class Ipv6HeaderRebuildTest {

    static final byte[] SRC = HexFormat.of().parseHex("fd770000000000000000000000000001");
    static final byte[] DST = HexFormat.of().parseHex("fd770000000000000000000000000002");
    /** An AH header (RFC 4302 §2: next header ICMPv6, payload len 4 → 24 bytes) + a 4-byte stand-in for the rest. */
    static final byte[] AH =
            HexFormat.of().parseHex("3a040000000010010000000711223344556677889900aabbccdd0000deadbeef");

    /** RFC 8200 §4.3 Hop-by-Hop with a Router Alert (RFC 2711) and PadN: 8 bytes. */
    static final byte[] HBH_RA = HexFormat.of().parseHex("3c00050200000100");
    /** RFC 8200 §4.6 Destination Options with a PadN of 4 (8 bytes) and one of 12 (16 bytes). */
    static final byte[] DST8 = HexFormat.of().parseHex("2b00010400000000");

    static final byte[] DST16 = HexFormat.of().parseHex("3301010c000000000000000000000000");
    /** RFC 8200 §4.4 Routing type 0 (RFC 2460, deprecated by RFC 5095) with one address, segments left 0. */
    static final byte[] RH0 = HexFormat.of().parseHex("3c02000000000000" + "fd770000000000000000000000000009");
    /** RFC 6275 §6.4 type 2 routing header (home address), segments left 0. */
    static final byte[] RH2 = HexFormat.of().parseHex("3302020000000000" + "fd770000000000000000000000000002");
    /** RFC 8754 §2 Segment Routing Header (type 4), two segments, segments left 0, last entry 1. */
    static final byte[] SRH = HexFormat.of()
            .parseHex("3304040001000000" + "fd770000000000000000000000000002" + "fd770000000000000000000000000005");

    /** The original packet: fixed header (next header = the first kind), the headers, then {@code AH}. */
    static byte[] original(int tc, int hl, byte[]... headers) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int payload = AH.length;
        for (byte[] h : headers) payload += h.length;
        int first = headers.length == 0 ? IpProtocols.AH : kindOf(headers, 0);
        byte[] fixed = new byte[40];
        fixed[0] = (byte) (0x60 | (tc >>> 4));
        fixed[1] = (byte) ((tc & 0x0f) << 4);
        fixed[4] = (byte) (payload >>> 8);
        fixed[5] = (byte) payload;
        fixed[6] = (byte) first;
        fixed[7] = (byte) hl;
        System.arraycopy(SRC, 0, fixed, 8, 16);
        System.arraycopy(DST, 0, fixed, 24, 16);
        b.writeBytes(fixed);
        for (int k = 0; k < headers.length; k++) {
            byte[] h = headers[k].clone();
            h[0] = (byte) (k + 1 < headers.length ? kindOf(headers, k + 1) : IpProtocols.AH);
            b.writeBytes(h);
        }
        b.writeBytes(AH);
        return b.toByteArray();
    }

    static int kindOf(byte[][] headers, int k) {
        byte[] h = headers[k];
        if (h == HBH_RA) return IpProtocols.HOPOPTS;
        if (h == RH0 || h == RH2 || h == SRH) return IpProtocols.ROUTING;
        return IpProtocols.DSTOPTS;
    }

    /** Splits {@code pkt} as the kernel does and rebuilds it. */
    static byte[] roundTrip(byte[] pkt) throws MalformedPacketException {
        Ipv6HeaderChain c = Ipv6HeaderChain.of(pkt, 0, pkt.length);
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        List<Integer> kinds = new ArrayList<>(), lens = new ArrayList<>();
        int end = 40;
        for (int i = 0; i < c.count(); i++) {
            int t = c.type(i);
            if (t != IpProtocols.HOPOPTS && t != IpProtocols.DSTOPTS && t != IpProtocols.ROUTING) break;
            byte[] h = Arrays.copyOfRange(pkt, c.offset(i), c.offset(i) + c.length(i));
            h[0] = 0x11; // the kernel's copy keeps the original byte; the rebuild must not depend on it
            ext.writeBytes(h);
            kinds.add(t);
            lens.add(c.length(i));
            end = c.offset(i) + c.length(i);
        }
        byte[] k = new byte[kinds.size()];
        int[] l = new int[lens.size()];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (int) kinds.get(i);
            l[i] = lens.get(i);
        }
        byte[] out = new byte[pkt.length];
        int at = Ipv6HeaderRebuild.write(
                out,
                Ipv6Header.trafficClass(pkt, 0),
                pkt[7] & 0xff,
                SRC,
                DST,
                ext.toByteArray(),
                k,
                l,
                k.length,
                IpProtocols.AH,
                pkt.length - end);
        assertEquals(end, at, "payload offset");
        System.arraycopy(pkt, end, out, at, pkt.length - end);
        return out;
    }

    @Test
    void noExtensionHeadersGivesTheFixedHeaderOnly() throws Exception {
        byte[] p = original(0xb8, 63);
        assertArrayEquals(p, roundTrip(p));
    }

    @Test
    void hopByHopDestinationAndRoutingChainsAreRebuiltExactly() throws Exception {
        byte[][][] chains = {
            {HBH_RA},
            {DST8},
            {DST16},
            {HBH_RA, DST8},
            {RH0},
            {RH2},
            {SRH},
            {DST8, RH0},
            {DST8, RH2, DST16},
            {HBH_RA, DST16, SRH, DST8},
            {HBH_RA, DST8, RH0, DST16},
        };
        for (byte[][] chain : chains) {
            byte[] p = original(0x02, 17, chain);
            assertArrayEquals(p, roundTrip(p), "chain of " + chain.length);
            // and the engine's walker sees the rebuilt chain ending at AH
            Ipv6HeaderChain c = Ipv6HeaderChain.of(p, 0, p.length);
            assertEquals(IpProtocols.AH, c.type(chain.length));
        }
    }

    @Test
    void malformedCmsgDataIsRefusedWithoutAnException() {
        byte[] out = new byte[2000];
        // the length octet says 16 bytes, the cmsg has 8
        assertEquals(-1, write(out, DST16, new int[] {IpProtocols.DSTOPTS}, new int[] {8}, 100));
        // a cmsg shorter than the minimal 8-byte header
        assertEquals(-1, write(out, Arrays.copyOf(DST8, 4), new int[] {IpProtocols.DSTOPTS}, new int[] {4}, 100));
        // the lengths run past the bytes given
        assertEquals(-1, write(out, DST8, new int[] {IpProtocols.DSTOPTS, IpProtocols.DSTOPTS}, new int[] {8, 8}, 100));
        // Hop-by-Hop not first (RFC 8200 §4.3)
        assertEquals(
                -1,
                write(
                        out,
                        concat(DST8, HBH_RA),
                        new int[] {IpProtocols.DSTOPTS, IpProtocols.HOPOPTS},
                        new int[] {8, 8},
                        100));
        // a kind that is no cmsg extension header (fragment)
        assertEquals(-1, write(out, DST8, new int[] {IpProtocols.FRAGMENT}, new int[] {8}, 100));
        // too many headers
        byte[] nine = new byte[9 * 8];
        int[] kinds = new int[9], lens = new int[9];
        Arrays.fill(kinds, IpProtocols.DSTOPTS);
        Arrays.fill(lens, 8);
        assertEquals(-1, write(out, nine, kinds, lens, 100));
        // payload length over 65,535 with the headers counted (no jumbograms)
        assertEquals(-1, write(new byte[70000], DST8, new int[] {IpProtocols.DSTOPTS}, new int[] {8}, 65535 - 7));
        // output too small
        assertEquals(-1, write(new byte[40 + 8 + 99], DST8, new int[] {IpProtocols.DSTOPTS}, new int[] {8}, 100));
        assertEquals(40 + 8, write(new byte[40 + 8 + 100], DST8, new int[] {IpProtocols.DSTOPTS}, new int[] {8}, 100));
    }

    static int write(byte[] out, byte[] ext, int[] kinds, int[] lens, int payload) {
        byte[] k = new byte[kinds.length];
        for (int i = 0; i < k.length; i++) k[i] = (byte) kinds[i];
        return Ipv6HeaderRebuild.write(out, 0, 64, SRC, DST, ext, k, lens, k.length, IpProtocols.AH, payload);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Random well-formed chains round-trip; random lengths/kinds either rebuild into a walkable chain or give -1. */
    @Test
    void randomChainsRoundTripOrAreRefused() throws Exception {
        SplittableRandom r = new SplittableRandom(8200);
        for (int n = 0; n < 500; n++) {
            int count = r.nextInt(5);
            byte[][] chain = new byte[count][];
            for (int k = 0; k < count; k++) {
                byte[] h = new byte[8 * (1 + r.nextInt(4))];
                h[1] = (byte) (h.length / 8 - 1);
                chain[k] = k == 0 && r.nextBoolean() ? HBH_RA : h;
            }
            byte[] p = original(r.nextInt(256), 1 + r.nextInt(255), chain);
            assertArrayEquals(p, roundTrip(p));
        }
    }

    @FuzzTest
    void rebuildNeverThrows(FuzzedDataProvider data) {
        int count = data.consumeInt(0, 10);
        byte[] kinds = new byte[count];
        int[] lens = new int[count];
        for (int k = 0; k < count; k++) {
            kinds[k] = data.pickValue(new Byte[] {0, 43, 60, 44, 51, (byte) data.consumeInt(0, 255)});
            lens[k] = data.consumeInt(-8, 3000);
        }
        int payload = data.consumeInt(-1, 70000);
        byte[] out = new byte[data.consumeInt(0, 4096)];
        byte[] ext = data.consumeRemainingAsBytes();
        int at = Ipv6HeaderRebuild.write(out, 0, 64, SRC, DST, ext, kinds, lens, count, IpProtocols.ESP, payload);
        if (at >= 0) {
            assertTrue(at >= 40 && at + payload <= out.length);
            assertEquals(at - 40 + payload, ((out[4] & 0xff) << 8) | (out[5] & 0xff));
        }
    }
}
