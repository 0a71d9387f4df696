package org.jipsec.io;

import java.net.InetAddress;
import java.util.Arrays;

/** Builds and checks IPv4/IPv6/ICMP packets for the namespace tests (independent of the code under test). */
public final class TestPackets {
    private TestPackets() {}

    /** RFC 1071 checksum over {@code len} bytes at {@code off} plus an initial sum. */
    public static int checksum(long initial, byte[] b, int off, int len) {
        long sum = initial;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            sum += (b[off + len - 1] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    public static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    public static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    /** An IPv4 packet (RFC 791) with a 20-byte header, DF clear, the given protocol and payload. */
    public static byte[] ipv4(InetAddress src, InetAddress dst, int proto, int id, byte[] payload) {
        byte[] p = new byte[20 + payload.length];
        p[0] = 0x45;
        put16(p, 2, p.length);
        put16(p, 4, id);
        p[8] = 64;
        p[9] = (byte) proto;
        System.arraycopy(src.getAddress(), 0, p, 12, 4);
        System.arraycopy(dst.getAddress(), 0, p, 16, 4);
        put16(p, 10, checksum(0, p, 0, 20));
        System.arraycopy(payload, 0, p, 20, payload.length);
        return p;
    }

    /** An IPv4 UDP datagram (RFC 768) with its checksum. */
    public static byte[] udp4(InetAddress src, InetAddress dst, int sport, int dport, byte[] data) {
        byte[] u = new byte[8 + data.length];
        put16(u, 0, sport);
        put16(u, 2, dport);
        put16(u, 4, u.length);
        System.arraycopy(data, 0, u, 8, data.length);
        byte[] pseudo = new byte[12];
        System.arraycopy(src.getAddress(), 0, pseudo, 0, 4);
        System.arraycopy(dst.getAddress(), 0, pseudo, 4, 4);
        pseudo[9] = 17;
        put16(pseudo, 10, u.length);
        long s = ~checksum(0, pseudo, 0, 12) & 0xffff;
        int c = checksum(s, u, 0, u.length);
        put16(u, 6, c == 0 ? 0xffff : c);
        return ipv4(src, dst, 17, 1, u);
    }

    /** True if {@code p} is an IPv4 ICMP echo request (type 8). */
    public static boolean isIcmp4EchoRequest(byte[] p, int len) {
        return len >= 28 && (p[0] & 0xf0) == 0x40 && p[9] == 1 && p[(p[0] & 0x0f) * 4] == 8;
    }

    /** The echo reply (RFC 792) to an IPv4 echo request: addresses swapped, type 0, checksums recomputed. */
    public static byte[] icmp4EchoReply(byte[] req, int len) {
        byte[] p = Arrays.copyOf(req, len);
        int ihl = (p[0] & 0x0f) * 4;
        for (int i = 0; i < 4; i++) {
            byte t = p[12 + i];
            p[12 + i] = p[16 + i];
            p[16 + i] = t;
        }
        p[ihl] = 0;
        put16(p, ihl + 2, 0);
        put16(p, ihl + 2, checksum(0, p, ihl, len - ihl));
        put16(p, 10, 0);
        put16(p, 10, checksum(0, p, 0, ihl));
        return p;
    }

    /** True if {@code p} is an IPv6 ICMPv6 echo request (type 128) without extension headers. */
    public static boolean isIcmp6EchoRequest(byte[] p, int len) {
        return len >= 48 && (p[0] & 0xf0) == 0x60 && p[6] == 58 && (p[40] & 0xff) == 128;
    }

    /** The ICMPv6 echo reply (RFC 4443 §4.2) to a request, checksum over the RFC 8200 §8.1 pseudo-header. */
    public static byte[] icmp6EchoReply(byte[] req, int len) {
        byte[] p = Arrays.copyOf(req, len);
        byte[] src = Arrays.copyOfRange(p, 8, 24);
        System.arraycopy(p, 24, p, 8, 16);
        System.arraycopy(src, 0, p, 24, 16);
        p[40] = (byte) 129;
        put16(p, 42, 0);
        int plen = len - 40;
        byte[] pseudo = new byte[40];
        System.arraycopy(p, 8, pseudo, 0, 32);
        pseudo[34] = (byte) (plen >>> 8);
        pseudo[35] = (byte) plen;
        pseudo[39] = 58;
        long s = ~checksum(0, pseudo, 0, 40) & 0xffff;
        put16(p, 42, checksum(s, p, 40, plen));
        return p;
    }
}
