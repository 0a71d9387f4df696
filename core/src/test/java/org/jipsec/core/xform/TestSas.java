package org.jipsec.core.xform;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.AlgorithmTable;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.Ipv4Header;
import org.jipsec.core.net.TransportChecksum;

/** Small helpers to build SAs and packets in tests. */
final class TestSas {
    private TestSas() {}

    static Algorithm enc(String name) {
        return AlgorithmTable.byName(AlgorithmKind.ENCRYPTION, name)
                .orElseThrow(() -> new AssertionError("algorithm table has no encryption algorithm " + name));
    }

    static Algorithm auth(String name) {
        return AlgorithmTable.byName(AlgorithmKind.AUTHENTICATION, name)
                .orElseThrow(() -> new AssertionError("algorithm table has no authentication algorithm " + name));
    }

    static Algorithm comp(String name) {
        return AlgorithmTable.byName(AlgorithmKind.COMPRESSION, name)
                .orElseThrow(() -> new AssertionError("algorithm table has no compression algorithm " + name));
    }

    static Endpoint ep(String a) {
        try {
            return new Endpoint(InetAddress.getByName(a));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static SaParameters esp(
            long spi, IpsecMode mode, String src, String dst, Algorithm e, byte[] ek, Algorithm a, byte[] ak) {
        return new SaParameters(
                spi, IpsecProtocol.ESP, mode, ep(src), ep(dst), e, ek, a, ak, SaFlags.CYCSEQ, 64, false, null, 0);
    }

    static SaParameters ah(long spi, IpsecMode mode, String src, String dst, Algorithm a, byte[] ak) {
        return new SaParameters(
                spi, IpsecProtocol.AH, mode, ep(src), ep(dst), null, null, a, ak, SaFlags.CYCSEQ, 64, false, null, 0);
    }

    static RandomGenerator rnd(long seed) {
        return new SplittableRandom(seed);
    }

    static SaContext ctx(SaParameters p) {
        try {
            return new SaContext(p, rnd(p.spi()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** A minimal IPv4 packet: header (TTL 64, id 0x1234, DF clear) + payload with protocol {@code proto}. */
    static byte[] ipv4(String src, String dst, int proto, byte[] payload) {
        byte[] p = new byte[20 + payload.length];
        p[0] = 0x45;
        Bytes.put16(p, 2, p.length);
        Bytes.put16(p, 4, 0x1234);
        p[8] = 64;
        p[9] = (byte) proto;
        System.arraycopy(ep(src).address().getAddress(), 0, p, 12, 4);
        System.arraycopy(ep(dst).address().getAddress(), 0, p, 16, 4);
        System.arraycopy(payload, 0, p, 20, payload.length);
        Ipv4Header.updateChecksum(p, 0);
        return p;
    }

    /** A minimal IPv6 packet: header (hop limit 64) + payload with next header {@code nh}. */
    static byte[] ipv6(String src, String dst, int nh, byte[] payload) {
        byte[] p = new byte[40 + payload.length];
        p[0] = 0x60;
        Bytes.put16(p, 4, payload.length);
        p[6] = (byte) nh;
        p[7] = 64;
        System.arraycopy(ep(src).address().getAddress(), 0, p, 8, 16);
        System.arraycopy(ep(dst).address().getAddress(), 0, p, 24, 16);
        System.arraycopy(payload, 0, p, 40, payload.length);
        return p;
    }

    /** A UDP datagram in IPv4/IPv6 with a correct checksum. */
    static byte[] udp(String src, String dst, int sport, int dport, byte[] data) {
        byte[] u = new byte[8 + data.length];
        Bytes.put16(u, 0, sport);
        Bytes.put16(u, 2, dport);
        Bytes.put16(u, 4, u.length);
        System.arraycopy(data, 0, u, 8, data.length);
        byte[] p = src.contains(":") ? ipv6(src, dst, 17, u) : ipv4(src, dst, 17, u);
        int off = src.contains(":") ? 40 : 20;
        Bytes.put16(p, off + 6, 0xffff); // non-zero so that upperChecksum computes it
        TransportChecksum.rewrite(p, 0, 17, off, p.length);
        return p;
    }

    /** A lookup that knows the given SAs by protocol and SPI. */
    static SaLookup lookup(SaContext... sas) {
        return (proto, spi, b, off, len) -> {
            for (SaContext s : sas) {
                if (s.parameters().protocol() == proto
                        && (s.parameters().spi() & (proto == IpsecProtocol.IPCOMP ? 0xffff : 0xffffffffL)) == spi)
                    return s;
            }
            return null;
        };
    }
}
