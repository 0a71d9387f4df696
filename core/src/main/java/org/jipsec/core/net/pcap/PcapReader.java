package org.jipsec.core.net.pcap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a classic pcap file from a stream.
 *
 * <pre>
 * file header (24 bytes)                           record header (16 bytes) + incl_len bytes of data
 * +--------------------------------------------+   +------------------------------------+
 * | magic 0xa1b2c3d4 (µs) / 0xa1b23c4d (ns)    |   | ts_sec                             |
 * | version_major 2 | version_minor 4          |   | ts_usec (or ts_nsec)               |
 * | thiszone (ignored) | sigfigs (ignored)     |   | incl_len  (≤ snaplen, ≤ 256 KiB)   |
 * | snaplen                                    |   | orig_len                           |
 * | linktype (low 16 bits; FCS bits ignored)   |   +------------------------------------+
 * +--------------------------------------------+
 * </pre>
 *
 * Both byte orders are accepted (the magic read swapped means the whole file is swapped). Every length is
 * checked before it is used; a record cut short by the end of the stream is a {@link PcapFormatException},
 * a clean end of stream between records is the end of the file. The stream is not closed by this class.
 *
 * <p>This is the one entry point for both capture formats: when the first four bytes are the pcapng Section
 * Header Block type 0x0A0D0D0A the rest of the stream is read by {@link PcapngReader}, which yields the same
 * {@link PcapRecord}s (each with its own interface's link type). For a pcapng file {@link #linkType()},
 * {@link #snaplen()} and {@link #nanosecondResolution()} describe its first interface.
 */
public final class PcapReader {
    public static final int MAGIC_MICROS = 0xa1b2c3d4;
    public static final int MAGIC_NANOS = 0xa1b23c4d;
    /** Upper bound for one record's data (libpcap's MAXIMUM_SNAPLEN). */
    public static final int MAX_RECORD = 262144;

    private final InputStream in;
    private final boolean swapped;
    private final boolean nanos;
    private final int snaplen;
    private final int linkType;
    private final byte[] recordHeader = new byte[16];
    /** Non-null when the file is pcapng. */
    private final PcapngReader ng;

    /** Reads and checks the file header. */
    public PcapReader(InputStream in) throws IOException, PcapFormatException {
        this.in = java.util.Objects.requireNonNull(in, "in");
        byte[] h = new byte[24];
        int first = in.readNBytes(h, 0, 4);
        if (first == 4 && be32(h, 0) == PcapngReader.SHB) {
            ng = new PcapngReader(in);
            swapped = ng.swapped();
            nanos = ng.nanosecondResolution();
            snaplen = ng.snaplen();
            linkType = ng.linkType();
            return;
        }
        ng = null;
        if (first != 4 || in.readNBytes(h, 4, 20) != 20)
            throw new PcapFormatException("pcap: file shorter than its 24-byte header");
        int magic = be32(h, 0);
        if (magic == MAGIC_MICROS || magic == MAGIC_NANOS) {
            swapped = false;
        } else if (Integer.reverseBytes(magic) == MAGIC_MICROS || Integer.reverseBytes(magic) == MAGIC_NANOS) {
            swapped = true;
            magic = Integer.reverseBytes(magic);
        } else {
            throw new PcapFormatException(String.format("pcap: bad magic 0x%08x (neither pcap nor pcapng)", magic));
        }
        nanos = magic == MAGIC_NANOS;
        int major = u16(h, 4);
        if (major != 2) throw new PcapFormatException("pcap: version " + major + "." + u16(h, 6) + " (expected 2.4)");
        snaplen = i32(h, 16);
        linkType = i32(h, 20) & 0xffff;
        if (!LinkType.isSupported(linkType)) throw new PcapFormatException("pcap: unsupported link type " + linkType);
    }

    /** Reads a whole capture held in memory. */
    public static List<PcapRecord> readAll(byte[] file) throws PcapFormatException {
        try {
            PcapReader r = new PcapReader(new ByteArrayInputStream(file));
            List<PcapRecord> out = new ArrayList<>();
            for (PcapRecord rec; (rec = r.next()) != null; ) out.add(rec);
            return out;
        } catch (IOException e) {
            throw new AssertionError(e); // a ByteArrayInputStream does not fail
        }
    }

    public int linkType() {
        return linkType;
    }

    public int snaplen() {
        return snaplen;
    }

    public boolean nanosecondResolution() {
        return nanos;
    }

    /** True when the file (for pcapng: its first section) was written in little-endian order. */
    public boolean swapped() {
        return swapped;
    }

    /** True when the stream is pcapng rather than classic pcap. */
    public boolean pcapng() {
        return ng != null;
    }

    /** The next record, or null at the end of the file. */
    public PcapRecord next() throws IOException, PcapFormatException {
        if (ng != null) return ng.next();
        int n = in.readNBytes(recordHeader, 0, recordHeader.length);
        if (n == 0) return null;
        if (n < 16) throw new PcapFormatException("pcap: record header cut short (" + n + " of 16 bytes)");
        long sec = i32(recordHeader, 0) & 0xffffffffL;
        long frac = i32(recordHeader, 4) & 0xffffffffL;
        int incl = i32(recordHeader, 8);
        int orig = i32(recordHeader, 12);
        if (incl < 0 || incl > MAX_RECORD)
            throw new PcapFormatException("pcap: record length " + Integer.toUnsignedString(incl) + " too large");
        if (frac >= (nanos ? 1_000_000_000L : 1_000_000L))
            throw new PcapFormatException("pcap: sub-second timestamp " + frac + " out of range");
        byte[] data = new byte[incl];
        int got = in.readNBytes(data, 0, data.length);
        if (got != incl) throw new PcapFormatException("pcap: record cut short (" + got + " of " + incl + " bytes)");
        Instant ts = Instant.ofEpochSecond(sec, nanos ? frac : frac * 1000);
        return new PcapRecord(ts, orig < incl ? incl : orig, linkType, data);
    }

    private int i32(byte[] b, int off) {
        int v = be32(b, off);
        return swapped ? Integer.reverseBytes(v) : v;
    }

    private int u16(byte[] b, int off) {
        int v = ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
        return swapped ? ((v & 0xff) << 8) | (v >>> 8) : v;
    }

    private static int be32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }
}
