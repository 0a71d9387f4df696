package org.jipsec.core.net;

import java.util.SplittableRandom;

/** Builders of valid packets for tests (checksums filled in by our own code, cross-checked by scapy tests). */
public final class TestPackets {
    private TestPackets() {}

    public static final byte[] V6_SRC = Bytes.fromHex("20010db8000100000000000000000001");
    public static final byte[] V6_DST = Bytes.fromHex("20010db8000200000000000000000001");
    public static final int V4_SRC = 0x0a010001; // 10.1.0.1
    public static final int V4_DST = 0x0a020001; // 10.2.0.1

    /** An IPv4/UDP packet of {@code total} bytes with random payload. */
    public static byte[] udp4(SplittableRandom r, int total) {
        byte[] p = new byte[total];
        for (int i = 28; i < total; i++) p[i] = (byte) r.nextInt(256);
        Ipv4Header.write(p, 0, 0, total, r.nextInt(65536), 0, 64, IpProtocols.UDP, V4_SRC, V4_DST);
        Bytes.put16(p, 20, 1000 + r.nextInt(1000));
        Bytes.put16(p, 22, 2000);
        Bytes.put16(p, 24, total - 20);
        try {
            TransportChecksum.update(p, 0, p.length);
        } catch (MalformedPacketException e) {
            throw new AssertionError(e);
        }
        return p;
    }

    /** An IPv6/UDP packet of {@code total} bytes with random payload. */
    public static byte[] udp6(SplittableRandom r, int total) {
        byte[] p = new byte[total];
        for (int i = 48; i < total; i++) p[i] = (byte) r.nextInt(256);
        Ipv6Header.write(p, 0, 0, 0, total - 40, IpProtocols.UDP, 64, V6_SRC, V6_DST);
        Bytes.put16(p, 40, 1000 + r.nextInt(1000));
        Bytes.put16(p, 42, 2000);
        Bytes.put16(p, 44, total - 40);
        try {
            TransportChecksum.update(p, 0, p.length);
        } catch (MalformedPacketException e) {
            throw new AssertionError(e);
        }
        return p;
    }

    /** An IPv4/TCP packet: 20-byte IP header, 20-byte TCP header, {@code payload} bytes. */
    public static byte[] tcp4(SplittableRandom r, int payload, int flags) {
        int total = 40 + payload;
        byte[] p = new byte[total];
        for (int i = 40; i < total; i++) p[i] = (byte) r.nextInt(256);
        Ipv4Header.write(p, 0, 0, total, r.nextInt(65536), 0, 64, IpProtocols.TCP, V4_SRC, V4_DST);
        Bytes.put16(p, 20, 40000);
        Bytes.put16(p, 22, 80);
        Bytes.put32(p, 24, r.nextInt());
        p[32] = 0x50;
        p[33] = (byte) flags;
        Bytes.put16(p, 34, 65535);
        try {
            TransportChecksum.update(p, 0, p.length);
        } catch (MalformedPacketException e) {
            throw new AssertionError(e);
        }
        return p;
    }
}
