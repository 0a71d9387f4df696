package org.jipsec.core.net.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads a pcapng capture (draft-ietf-opsawg-pcapng) block by block; {@link PcapReader} hands a stream to it when
 * the first four bytes are the Section Header Block type 0x0A0D0D0A.
 *
 * <pre>
 * every block (§3.1)                      Section Header Block (§4.1), type 0x0A0D0D0A
 * +---------------------------------+     +------------------------------------------------+
 * | block type (32)                 |     | block total length                             |
 * | block total length (32) ≥ 12,   |     | byte-order magic 0x1A2B3C4D (decides the order |
 * |   a multiple of 4               |     |   of every field of this section)              |
 * | body (length − 12 bytes)        |     | major 1 (16) | minor (16) | section length (64)|
 * | block total length (again)      |     | options                                        |
 * +---------------------------------+     +------------------------------------------------+
 *
 * Interface Description Block (§4.2), 1   Enhanced Packet Block (§4.3), 6
 * +---------------------------------+     +------------------------------------------------+
 * | link type (16) | reserved (16)  |     | interface id (32)                              |
 * | snaplen (32)                    |     | timestamp high (32) | timestamp low (32)       |
 * | options: if_tsresol (9, 1 byte) |     | captured length (32) | original length (32)    |
 * |   if_tsoffset (14, 8 bytes)     |     | data, padded to 32 bits | options              |
 * +---------------------------------+     +------------------------------------------------+
 *
 * Simple Packet Block (§4.4), 3           Packet Block (appendix A, obsolete), 2
 * +---------------------------------+     +------------------------------------------------+
 * | original length (32)            |     | interface id (16) | drops count (16)           |
 * | data, padded: captured length = |     | timestamp high | timestamp low                 |
 * |   min(original, IDB 0 snaplen)  |     | captured length | original length | data | opts|
 * +---------------------------------+     +------------------------------------------------+
 * </pre>
 *
 * Options (§3.5) are code (16), length (16), value padded to 32 bits, ended by code 0 or the end of the block.
 * Every other block type (Name Resolution, Interface Statistics, Decryption Secrets, custom blocks …) is
 * skipped by its length without being held in memory. Each section may have its own byte order and its own
 * interfaces. A Simple Packet Block has no timestamp: its records carry {@link Instant#EPOCH}. Every length is
 * checked before it is used; the only exception thrown for bad bytes is {@link PcapFormatException}.
 */
final class PcapngReader {
    static final int SHB = 0x0A0D0D0A;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int IDB = 1;
    static final int PB = 2;
    static final int SPB = 3;
    static final int EPB = 6;
    /** Upper bound for a block held in memory (SHB, IDB, packet blocks): a full packet plus generous options. */
    static final int MAX_BLOCK = PcapReader.MAX_RECORD + 65536;

    private static final long MAX_EPOCH_SECOND = Instant.MAX.getEpochSecond();

    /** One Interface Description Block: its link type, snaplen and timestamp unit. */
    private record Interface(int linkType, long snaplen, int tsresol, long tsoffset) {
        boolean nanosOrFiner() {
            return (tsresol & 0x80) != 0 ? (tsresol & 0x7f) > 19 : tsresol > 6;
        }
    }

    private final InputStream in;
    private final List<Interface> interfaces = new ArrayList<>();
    private final byte[] head = new byte[8];
    private boolean swapped;
    /** The first interface of the file, read ahead by the constructor (null when the file has none). */
    private final Interface first;

    private final List<PcapRecord> pending = new ArrayList<>();

    /**
     * Reads the first Section Header Block (its type already consumed by the caller) and every block up to the
     * first Interface Description Block, so that {@link #linkType()} is known.
     */
    PcapngReader(InputStream in) throws IOException, PcapFormatException {
        this.in = Objects.requireNonNull(in, "in");
        readSectionHeader();
        Interface f = null;
        while (f == null) {
            if (!readBlock()) break;
            if (!interfaces.isEmpty()) f = interfaces.get(0);
        }
        first = f;
    }

    /** The first interface's link type ({@link LinkType#RAW} for a file without interfaces). */
    int linkType() {
        return first == null ? LinkType.RAW : first.linkType;
    }

    /** The first interface's snaplen (0 = no limit). */
    int snaplen() {
        return first == null ? 0 : (int) Math.min(first.snaplen, Integer.MAX_VALUE);
    }

    /** True when the first interface's timestamps are finer than a microsecond. */
    boolean nanosecondResolution() {
        return first != null && first.nanosOrFiner();
    }

    /** True when the current section was written in little-endian order. */
    boolean swapped() {
        return swapped;
    }

    /** The next packet, or null at the end of the file. */
    PcapRecord next() throws IOException, PcapFormatException {
        while (pending.isEmpty()) {
            if (!readBlock()) return null;
        }
        return pending.remove(0);
    }

    /**
     * Reads one block; a packet block's record goes to {@link #pending}. False at a clean end of the stream
     * (between blocks).
     */
    private boolean readBlock() throws IOException, PcapFormatException {
        int n = in.readNBytes(head, 0, 4);
        if (n == 0) return false;
        if (n < 4) throw new PcapFormatException("pcapng: block header cut short (" + n + " of 8 bytes)");
        int type = raw32(head, 0);
        if (type == SHB) { // §4.1: the type reads the same in both byte orders
            readSectionHeader();
            return true;
        }
        type = order(type);
        if (in.readNBytes(head, 4, 4) != 4) throw new PcapFormatException("pcapng: block header cut short");
        long total = order(raw32(head, 4)) & 0xffffffffL;
        checkTotal(type, total);
        switch (type) {
            case IDB, PB, SPB, EPB -> {
                if (total > MAX_BLOCK)
                    throw new PcapFormatException("pcapng: " + name(type) + " of " + total + " bytes too large");
                byte[] body = readBody(type, (int) total);
                switch (type) {
                    case IDB -> interfaces.add(parseInterface(body));
                    case EPB -> pending.add(parsePacket(body, false));
                    case PB -> pending.add(parsePacket(body, true));
                    default -> pending.add(parseSimple(body));
                }
            }
            default -> skipBody(type, total); // NRB, ISB, DSB, custom and unknown blocks: §3.1 lets us skip
        }
        return true;
    }

    /** §4.1: after the 0x0A0D0D0A type, length and byte-order magic decide the section's byte order. */
    private void readSectionHeader() throws IOException, PcapFormatException {
        byte[] h = new byte[8];
        int n = in.readNBytes(h, 0, 8);
        if (n != 8) throw new PcapFormatException("pcapng: section header cut short");
        int bom = raw32(h, 4);
        if (bom == BYTE_ORDER_MAGIC) swapped = false;
        else if (Integer.reverseBytes(bom) == BYTE_ORDER_MAGIC) swapped = true;
        else throw new PcapFormatException(String.format("pcapng: bad byte-order magic 0x%08x", bom));
        long total = order(raw32(h, 0)) & 0xffffffffL;
        checkTotal(SHB, total);
        if (total < 28)
            throw new PcapFormatException("pcapng: section header block of " + total + " bytes (minimum 28)");
        if (total > MAX_BLOCK)
            throw new PcapFormatException("pcapng: section header block of " + total + " bytes too large");
        // the body after the byte-order magic: version (4), section length (8), options, trailing length (4)
        byte[] rest = new byte[(int) total - 12];
        if (in.readNBytes(rest, 0, rest.length) != rest.length)
            throw new PcapFormatException("pcapng: section header block cut short");
        int major = u16(rest, 0);
        if (major != 1)
            throw new PcapFormatException("pcapng: version " + major + "." + u16(rest, 2) + " (expected 1.0)");
        long trailing = order(raw32(rest, rest.length - 4)) & 0xffffffffL;
        if (trailing != total)
            throw new PcapFormatException("pcapng: section header block trailing length " + trailing + " ≠ " + total);
        interfaces.clear(); // §4.1: interface ids are numbered per section
    }

    /** §3.1: the block total length is ≥ 12 and a multiple of 4. */
    private static void checkTotal(int type, long total) throws PcapFormatException {
        if (total < 12)
            throw new PcapFormatException("pcapng: " + name(type) + " block total length " + total + " (minimum 12)");
        if (total % 4 != 0)
            throw new PcapFormatException(
                    "pcapng: " + name(type) + " block total length " + total + " not a multiple of 4");
    }

    /** Reads body and trailing length (total − 8 bytes), checks the trailing length, returns the body. */
    private byte[] readBody(int type, int total) throws IOException, PcapFormatException {
        byte[] b = new byte[total - 8];
        int got = in.readNBytes(b, 0, b.length);
        if (got != b.length)
            throw new PcapFormatException(
                    "pcapng: " + name(type) + " block cut short (" + (got + 8) + " of " + total + " bytes)");
        long trailing = order(raw32(b, b.length - 4)) & 0xffffffffL;
        if (trailing != total)
            throw new PcapFormatException(
                    "pcapng: " + name(type) + " block trailing length " + trailing + " ≠ " + total);
        return b;
    }

    private void skipBody(int type, long total) throws IOException, PcapFormatException {
        long left = total - 12;
        byte[] buf = new byte[(int) Math.min(left, 8192)];
        while (left > 0) {
            int r = in.readNBytes(buf, 0, (int) Math.min(left, buf.length));
            if (r == 0) throw new PcapFormatException("pcapng: " + name(type) + " block cut short");
            left -= r;
        }
        if (in.readNBytes(head, 0, 4) != 4) throw new PcapFormatException("pcapng: " + name(type) + " block cut short");
        long trailing = order(raw32(head, 0)) & 0xffffffffL;
        if (trailing != total)
            throw new PcapFormatException(
                    "pcapng: " + name(type) + " block trailing length " + trailing + " ≠ " + total);
    }

    /** §4.2: link type, reserved, snaplen, options; body = block − 8 (the trailing length included). */
    private Interface parseInterface(byte[] b) throws PcapFormatException {
        if (b.length < 12)
            throw new PcapFormatException(
                    "pcapng: interface description block of " + (b.length + 8) + " bytes (minimum 20)");
        int linkType = u16(b, 0);
        if (!LinkType.isSupported(linkType))
            throw new PcapFormatException(
                    "pcapng: interface " + interfaces.size() + ": unsupported link type " + linkType);
        long snaplen = i32(b, 4) & 0xffffffffL;
        int tsresol = 6;
        long tsoffset = 0;
        int end = b.length - 4;
        for (int p = 8; p + 4 <= end; ) { // §3.5 options
            int code = u16(b, p), len = u16(b, p + 2);
            if (code == 0) break; // opt_endofopt
            int padded = (len + 3) & ~3;
            if (padded > end - p - 4)
                throw new PcapFormatException(
                        "pcapng: interface option " + code + " of " + len + " bytes overruns its block");
            if (code == 9) { // if_tsresol
                if (len != 1) throw new PcapFormatException("pcapng: if_tsresol of " + len + " bytes (expected 1)");
                tsresol = b[p + 4] & 0xff;
            } else if (code == 14) { // if_tsoffset: seconds added to every timestamp
                if (len != 8) throw new PcapFormatException("pcapng: if_tsoffset of " + len + " bytes (expected 8)");
                tsoffset = swapped ? Long.reverseBytes(be64(b, p + 4)) : be64(b, p + 4);
            }
            p += 4 + padded;
        }
        return new Interface(linkType, snaplen, tsresol, tsoffset);
    }

    /** §4.3 Enhanced Packet Block, or appendix A's Packet Block (16-bit interface id + 16-bit drops count). */
    private PcapRecord parsePacket(byte[] b, boolean obsolete) throws PcapFormatException {
        String what = obsolete ? "packet block" : "enhanced packet block";
        if (b.length < 24)
            throw new PcapFormatException("pcapng: " + what + " of " + (b.length + 8) + " bytes (minimum 32)");
        long ifid = obsolete ? u16(b, 0) : i32(b, 0) & 0xffffffffL;
        Interface itf = interfaceOf(ifid, what);
        long ts = ((i32(b, 4) & 0xffffffffL) << 32) | (i32(b, 8) & 0xffffffffL);
        long caplen = i32(b, 12) & 0xffffffffL;
        long origlen = i32(b, 16) & 0xffffffffL;
        if (caplen > PcapReader.MAX_RECORD)
            throw new PcapFormatException("pcapng: captured length " + caplen + " too large");
        if (((caplen + 3) & ~3L) > b.length - 24)
            throw new PcapFormatException(
                    "pcapng: captured length " + caplen + " overruns its " + (b.length + 8) + "-byte block");
        byte[] data = java.util.Arrays.copyOfRange(b, 20, 20 + (int) caplen);
        return new PcapRecord(
                timestamp(itf, ts), (int) Math.max(caplen, Math.min(origlen, Integer.MAX_VALUE)), itf.linkType, data);
    }

    /** §4.4: original length, data; the captured length is min(original length, snaplen of interface 0). */
    private PcapRecord parseSimple(byte[] b) throws PcapFormatException {
        if (b.length < 8)
            throw new PcapFormatException("pcapng: simple packet block of " + (b.length + 8) + " bytes (minimum 16)");
        Interface itf = interfaceOf(0, "simple packet block");
        long origlen = i32(b, 0) & 0xffffffffL;
        long room = b.length - 8L;
        long caplen = itf.snaplen == 0 ? origlen : Math.min(origlen, itf.snaplen);
        if (caplen > room)
            throw new PcapFormatException("pcapng: simple packet block: packet of " + caplen + " bytes overruns its "
                    + (b.length + 8) + "-byte block");
        if (caplen > PcapReader.MAX_RECORD)
            throw new PcapFormatException("pcapng: captured length " + caplen + " too large");
        byte[] data = java.util.Arrays.copyOfRange(b, 4, 4 + (int) caplen);
        return new PcapRecord(
                Instant.EPOCH, (int) Math.max(caplen, Math.min(origlen, Integer.MAX_VALUE)), itf.linkType, data);
    }

    private Interface interfaceOf(long ifid, String what) throws PcapFormatException {
        if (interfaces.isEmpty())
            throw new PcapFormatException("pcapng: " + what + " before any interface description block");
        if (ifid >= interfaces.size())
            throw new PcapFormatException(
                    "pcapng: " + what + " names interface " + ifid + " but the section describes " + interfaces.size());
        return interfaces.get((int) ifid);
    }

    /**
     * §4.2 if_tsresol: most significant bit 0 → units of 10^-v s, 1 → units of 2^-v s; if_tsoffset seconds are
     * added. The result is truncated to the nanosecond.
     */
    private static Instant timestamp(Interface itf, long ts) throws PcapFormatException {
        int v = itf.tsresol & 0x7f;
        long sec, nanos;
        if ((itf.tsresol & 0x80) == 0 && v <= 9) {
            long unit = POW10[v];
            sec = Long.divideUnsigned(ts, unit);
            nanos = Long.remainderUnsigned(ts, unit) * POW10[9 - v];
        } else {
            BigInteger t = new BigInteger(Long.toUnsignedString(ts));
            BigInteger perSecond = (itf.tsresol & 0x80) == 0 ? BigInteger.TEN.pow(v) : BigInteger.ONE.shiftLeft(v);
            BigInteger[] qr = t.divideAndRemainder(perSecond);
            if (qr[0].bitLength() > 62) throw new PcapFormatException("pcapng: timestamp out of range");
            sec = qr[0].longValue();
            nanos = qr[1].multiply(BigInteger.valueOf(1_000_000_000L))
                    .divide(perSecond)
                    .longValue();
        }
        if (sec < 0) throw new PcapFormatException("pcapng: timestamp out of range"); // ≥ 2^63 s (unsigned)
        try {
            sec = Math.addExact(sec, itf.tsoffset);
        } catch (ArithmeticException e) {
            throw new PcapFormatException("pcapng: timestamp out of range");
        }
        if (sec < Instant.MIN.getEpochSecond() || sec > MAX_EPOCH_SECOND)
            throw new PcapFormatException("pcapng: timestamp out of range");
        return Instant.ofEpochSecond(sec, nanos);
    }

    private static final long[] POW10 = {
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L
    };

    private static String name(int type) {
        return switch (type) {
            case SHB -> "section header";
            case IDB -> "interface description";
            case PB -> "packet";
            case SPB -> "simple packet";
            case EPB -> "enhanced packet";
            default -> String.format("type 0x%08x", type);
        };
    }

    private int order(int v) {
        return swapped ? Integer.reverseBytes(v) : v;
    }

    private int i32(byte[] b, int off) {
        return order(raw32(b, off));
    }

    private int u16(byte[] b, int off) {
        int v = ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
        return swapped ? ((v & 0xff) << 8) | (v >>> 8) : v;
    }

    private static int raw32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    private static long be64(byte[] b, int off) {
        return ((long) raw32(b, off) << 32) | (raw32(b, off + 4) & 0xffffffffL);
    }
}
