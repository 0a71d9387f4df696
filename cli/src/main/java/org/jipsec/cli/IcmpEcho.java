package org.jipsec.cli;

import org.jipsec.core.net.Checksums;

/**
 * ICMP echo messages as {@code jipsec ping} sends and reads them: RFC 792 (echo 8 / reply 0, the checksum over the
 * ICMP message) and RFC 4443 §4.1-4.2 (echo 128 / reply 129; the kernel fills the ICMPv6 checksum of a raw
 * ICMPv6 socket, RFC 3542 §3.1). An IPv4 raw socket hands over the IP header with the message, an IPv6 one only
 * the message (RFC 3542 §3).
 */
final class IcmpEcho {

    private IcmpEcho() {}

    /** An echo request: type, code 0, checksum, identifier, sequence number, then {@code data}. */
    static byte[] request(boolean v6, int id, int seq, byte[] data) {
        byte[] m = new byte[8 + data.length];
        m[0] = (byte) (v6 ? 128 : 8);
        m[4] = (byte) (id >>> 8);
        m[5] = (byte) id;
        m[6] = (byte) (seq >>> 8);
        m[7] = (byte) seq;
        System.arraycopy(data, 0, m, 8, data.length);
        if (!v6) {
            int c = Checksums.checksum(m, 0, m.length);
            m[2] = (byte) (c >>> 8);
            m[3] = (byte) c;
        }
        return m;
    }

    /** A reply to {@code id} as received: its sequence number, ICMP length and TTL (-1 unknown), or null if not ours. */
    record Reply(int seq, int icmpLength, int ttl) {}

    static Reply parse(boolean v6, int id, byte[] b, int len) {
        int at = 0;
        int ttl = -1;
        if (!v6) {
            if (len < 20 || org.jipsec.core.net.IpView.version(b, 0) != 4) return null;
            at = org.jipsec.core.net.IpView.headerLength(b, 0, len);
            ttl = b[8] & 0xff;
            if (at < 20 || (b[9] & 0xff) != 1) return null;
        }
        if (len - at < 8) return null;
        if ((b[at] & 0xff) != (v6 ? 129 : 0) || b[at + 1] != 0) return null;
        int rid = ((b[at + 4] & 0xff) << 8) | (b[at + 5] & 0xff);
        if (rid != id) return null;
        if (!v6 && Checksums.checksum(b, at, len - at) != 0) return null; // a damaged reply is not counted
        return new Reply(((b[at + 6] & 0xff) << 8) | (b[at + 7] & 0xff), len - at, ttl);
    }

    /**
     * The data of every request: {@code size} bytes of the {@code -p} pattern (1-16 bytes, repeated), or NetBSD's
     * default fill (byte i = i) when there is none.
     */
    static byte[] data(int size, byte[] pattern) {
        byte[] d = new byte[size];
        for (int i = 0; i < size; i++) d[i] = pattern == null ? (byte) i : pattern[i % pattern.length];
        return d;
    }

    /** {@code -p}: 1 to 32 hex digits, read two at a time (NetBSD ping's fill()); null when invalid. */
    static byte[] pattern(String hex) {
        if (hex.isEmpty() || hex.length() > 32 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) return null;
        byte[] p = new byte[(hex.length() + 1) / 2];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) Integer.parseInt(hex.substring(2 * i, Math.min(hex.length(), 2 * i + 2)), 16);
        }
        return p;
    }
}
