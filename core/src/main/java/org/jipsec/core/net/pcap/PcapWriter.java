package org.jipsec.core.net.pcap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;

/**
 * Writes a classic pcap file (big-endian, version 2.4, microsecond timestamps unless asked for nanoseconds)
 * of IP packets, framed as {@link LinkType#RAW} (default) or {@link LinkType#ETHERNET} (a 14-byte header with
 * locally administered MACs 02:00:00:00:00:01 → 02:00:00:00:00:02 and the EtherType of the packet's IP
 * version). The file header is written by the constructor. The stream is not closed by this class.
 */
public final class PcapWriter {
    public static final int DEFAULT_SNAPLEN = 65535;
    private static final byte[] ETHER_MACS = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};

    private final OutputStream out;
    private final int linkType;
    private final boolean nanos;
    private final byte[] header = new byte[16 + 14];

    /** A writer of LINKTYPE_RAW with microsecond timestamps. */
    public PcapWriter(OutputStream out) throws IOException {
        this(out, LinkType.RAW, false);
    }

    /** @param linkType {@link LinkType#RAW} or {@link LinkType#ETHERNET} */
    public PcapWriter(OutputStream out, int linkType, boolean nanosecondTimestamps) throws IOException {
        if (linkType != LinkType.RAW && linkType != LinkType.ETHERNET)
            throw new IllegalArgumentException("can write link type RAW (101) or ETHERNET (1), not " + linkType);
        this.out = java.util.Objects.requireNonNull(out, "out");
        this.linkType = linkType;
        this.nanos = nanosecondTimestamps;
        byte[] h = new byte[24];
        put32(h, 0, nanos ? PcapReader.MAGIC_NANOS : PcapReader.MAGIC_MICROS);
        h[4] = 0;
        h[5] = 2;
        h[6] = 0;
        h[7] = 4;
        put32(h, 16, DEFAULT_SNAPLEN);
        put32(h, 20, linkType);
        out.write(h);
    }

    /** Writes the IP packet {@code ip[off, off+len)} captured at {@code timestamp}. */
    public void write(Instant timestamp, byte[] ip, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, ip.length);
        long sec = timestamp.getEpochSecond();
        if (sec < 0 || sec > 0xffffffffL)
            throw new IllegalArgumentException("timestamp outside the pcap range: " + timestamp);
        int frame = len + (linkType == LinkType.ETHERNET ? 14 : 0);
        if (frame > PcapReader.MAX_RECORD) throw new IllegalArgumentException("packet of " + len + " bytes too large");
        put32(header, 0, (int) sec);
        put32(header, 4, nanos ? timestamp.getNano() : timestamp.getNano() / 1000);
        put32(header, 8, frame);
        put32(header, 12, frame);
        int hlen = 16;
        if (linkType == LinkType.ETHERNET) {
            System.arraycopy(ETHER_MACS, 0, header, 16, 12);
            boolean v6 = len > 0 && (ip[off] & 0xf0) == 0x60;
            int type = v6 ? LinkType.ETHERTYPE_IPV6 : LinkType.ETHERTYPE_IPV4;
            header[28] = (byte) (type >>> 8);
            header[29] = (byte) type;
            hlen = 30;
        }
        out.write(header, 0, hlen);
        out.write(ip, off, len);
    }

    public void write(Instant timestamp, byte[] ip) throws IOException {
        write(timestamp, ip, 0, ip.length);
    }

    /** A whole RAW capture in memory: packet {@code i} gets {@code timestamps.get(i)}. */
    public static byte[] toBytes(List<Instant> timestamps, List<byte[]> packets, int linkType) {
        if (timestamps.size() != packets.size()) throw new IllegalArgumentException("one timestamp per packet");
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            PcapWriter w = new PcapWriter(bos, linkType, false);
            for (int i = 0; i < packets.size(); i++) w.write(timestamps.get(i), packets.get(i));
        } catch (IOException e) {
            throw new AssertionError(e); // a ByteArrayOutputStream does not fail
        }
        return bos.toByteArray();
    }

    private static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
