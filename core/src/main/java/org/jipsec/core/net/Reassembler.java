package org.jipsec.core.net;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reassembles IPv4 (RFC 791 §3.2) and IPv6 (RFC 8200 §4.5) fragments with bounded memory and a timeout
 * driven by an injected clock.
 *
 * <p>Rules, beyond the RFCs' reassembly algorithm:
 * <ul>
 * <li>Datagrams are keyed by (source, destination, identification) and, for IPv4, the protocol.</li>
 * <li><b>Overlap</b>: a fragment that overlaps one already received discards the <em>whole</em> datagram,
 *     and fragments of it that arrive later are dropped too until its timeout (RFC 5722 §4 for IPv6; applied
 *     to IPv4 as well — RFC 791 allows overlap, but overlapping fragments are an attack, not a network
 *     artefact, and Linux drops them since 2018). An exact duplicate (same offset, length and bytes) is
 *     dropped alone (RFC 8200 §4.5 permits this).</li>
 * <li>Non-last fragments must carry a multiple of 8 bytes; a datagram may not exceed 65535 bytes
 *     (IPv4 total length / IPv6 payload length): "ping of death" fragments are dropped.</li>
 * <li>RFC 1858 §3.2 (tiny fragments): an IPv4 TCP fragment at offset 0 too short for the 20-byte TCP header,
 *     or at offset 8 (fragment offset 1), is dropped with its datagram.</li>
 * <li>IPv6: an atomic fragment (offset 0, M = 0) is handled in isolation (RFC 6946 §4); a first fragment
 *     that does not hold the whole extension-header chain is dropped (RFC 8200 §4.5, RFC 7112).</li>
 * <li>Memory: at most {@link Limits#maxDatagrams} datagrams and {@link Limits#maxBytes} stored bytes (data
 *     plus a per-fragment overhead of {@link #PER_FRAGMENT_OVERHEAD}); when full, the oldest datagrams are
 *     evicted. Timed-out datagrams are purged on every {@link #accept} and {@link #expire}.</li>
 * </ul>
 * Not thread-safe: one reassembler per packet-processing thread, or external locking.
 */
public final class Reassembler {

    /** Why a fragment (or datagram) was dropped; each has a counter ({@link #dropped}). */
    public enum DropReason {
        /** The IP header or extension-header chain does not parse. */
        MALFORMED,
        /** A non-last fragment whose data length is not a multiple of 8, or an empty fragment. */
        BAD_LENGTH,
        /** Offset + length beyond 65535 bytes. */
        TOO_BIG,
        /** Overlaps a fragment already received: whole datagram discarded (RFC 5722). */
        OVERLAP,
        /** Same offset, length and bytes as one already received: this copy dropped, datagram kept. */
        DUPLICATE,
        /** A fragment of a datagram already discarded (after an overlap), until that datagram times out. */
        DISCARDED_DATAGRAM,
        /** Contradicts what was received: two different ends, data beyond the end, a changed first header. */
        INCONSISTENT,
        /** IPv4 TCP tiny-fragment attack (RFC 1858 §3.2): whole datagram discarded. */
        TINY_FRAGMENT,
        /** IPv6 first fragment without the whole header chain (RFC 8200 §4.5): whole datagram discarded. */
        INCOMPLETE_HEADER_CHAIN,
        /** The datagram timed out before completing (counted per datagram). */
        TIMEOUT,
        /** The datagram was evicted to make room (counted per datagram). */
        EVICTED,
        /** The fragment alone does not fit the memory bound. */
        NO_MEMORY
    }

    /**
     * The reassembler's bounds.
     *
     * @param maxDatagrams datagrams under reassembly at once (including discarded ones remembered until timeout)
     * @param maxBytes     stored bytes (fragment data + overhead) across all datagrams
     * @param timeout      how long a datagram may take to complete (RFC 8200 §4.5: 60 s; Linux IPv4: 30 s)
     */
    public record Limits(int maxDatagrams, long maxBytes, Duration timeout) {
        public Limits {
            if (maxDatagrams < 1) throw new IllegalArgumentException("maxDatagrams " + maxDatagrams);
            if (maxBytes < 1) throw new IllegalArgumentException("maxBytes " + maxBytes);
            if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout " + timeout);
        }

        /** 256 datagrams, 4 MiB (Linux {@code ipfrag_high_thresh}), 60 s. */
        public static Limits defaults() {
            return new Limits(256, 4L << 20, Duration.ofSeconds(60));
        }
    }

    /** Bytes charged per stored fragment on top of its data, so that 8-byte fragments cannot exhaust memory. */
    public static final int PER_FRAGMENT_OVERHEAD = 64;
    /** Headroom of the buffers returned in {@link ReassemblyResult.Complete}. */
    public static final int OUTPUT_HEADROOM = 128;

    private record Key(boolean ipv6, long srcHigh, long srcLow, long dstHigh, long dstLow, int id, int protocol) {}

    private record Piece(int start, byte[] data) {
        int end() {
            return start + data.length;
        }
    }

    private static final class Datagram {
        final long createdMillis;
        final List<Piece> pieces = new ArrayList<>();
        byte[] header; // IPv4 header of the offset-0 fragment, or IPv6 unfragmentable part
        int headerNextField = -1; // IPv6: offset in header of the Next Header field that named the Fragment header
        int firstNextHeader = -1; // IPv6: Fragment header Next Header of the offset-0 fragment
        int totalData = -1; // known once the last fragment (MF = 0) arrived
        long bytes;
        boolean discarded;

        Datagram(long createdMillis) {
            this.createdMillis = createdMillis;
        }
    }

    private final Limits limits;
    private final InstantSource clock;
    private final LinkedHashMap<Key, Datagram> datagrams = new LinkedHashMap<>();
    private final long[] drops = new long[DropReason.values().length];
    private final Ipv6HeaderChain chain = new Ipv6HeaderChain();
    private long pendingBytes;
    private long completed;

    public Reassembler(Limits limits, InstantSource clock) {
        this.limits = java.util.Objects.requireNonNull(limits, "limits");
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
    }

    /** Datagrams currently held (incomplete, or remembered as discarded). */
    public int pendingDatagrams() {
        return datagrams.size();
    }

    /** Bytes currently charged against {@link Limits#maxBytes}. */
    public long pendingBytes() {
        return pendingBytes;
    }

    public long dropped(DropReason reason) {
        return drops[reason.ordinal()];
    }

    /** Datagrams completed so far (atomic fragments included). */
    public long completed() {
        return completed;
    }

    /**
     * Offers one received IP packet. Never throws on bad input: malformed packets are a counted drop.
     * The bytes are copied when stored; the caller keeps ownership of {@code b}.
     */
    public ReassemblyResult accept(byte[] b, int off, int len) {
        long now = clock.millis();
        purgeExpired(now, null);
        try {
            return IpPacket.version(b, off, len) == 4 ? acceptIpv4(b, off, len, now) : acceptIpv6(b, off, len, now);
        } catch (MalformedPacketException e) {
            return drop(DropReason.MALFORMED);
        }
    }

    public ReassemblyResult accept(PacketBuffer p) {
        return accept(p.array(), p.start(), p.length());
    }

    /**
     * Purges datagrams older than the timeout. Returns, for each purged datagram whose first fragment had
     * arrived, that fragment (for ICMP Time Exceeded code 1, RFC 792 / RFC 4443 §3.3; see {@link IcmpErrors}).
     */
    public List<byte[]> expire() {
        List<byte[]> firsts = new ArrayList<>();
        purgeExpired(clock.millis(), firsts);
        return firsts;
    }

    private ReassemblyResult acceptIpv4(byte[] b, int off, int len, long now) throws MalformedPacketException {
        int hl = Ipv4Header.check(b, off, len);
        if (!Ipv4Header.isFragment(b, off)) return new ReassemblyResult.NotFragment();
        int data = Ipv4Header.totalLength(b, off) - hl;
        int start = Ipv4Header.fragmentOffset(b, off);
        boolean more = Ipv4Header.moreFragments(b, off);
        int protocol = Ipv4Header.protocol(b, off);
        Key key = new Key(
                false,
                0,
                Ipv4Header.src(b, off) & 0xffffffffL,
                0,
                Ipv4Header.dst(b, off) & 0xffffffffL,
                Ipv4Header.identification(b, off),
                protocol);
        if (data == 0 || (more && (data & 7) != 0)) return drop(DropReason.BAD_LENGTH);
        if (start + data > Ipv4Header.MAX_PACKET - hl) return dropDatagram(key, DropReason.TOO_BIG);
        // RFC 1858 §3.2: FO = 0 with a TCP header cut short, or FO = 1 (rewriting TCP flags).
        if (protocol == IpProtocols.TCP && ((start == 0 && more && data < 20) || start == 8))
            return dropDatagram(key, DropReason.TINY_FRAGMENT);
        Datagram d = lookup(key, now);
        if (d.discarded) return drop(DropReason.DISCARDED_DATAGRAM);
        // A second offset-0 fragment (a duplicate whose TTL may differ) keeps the first one's header;
        // addPiece tells a duplicate from an overlap.
        if (start == 0 && d.header == null) d.header = Arrays.copyOfRange(b, off, off + hl);
        return addPiece(key, d, start, b, off + hl, data, more);
    }

    private ReassemblyResult acceptIpv6(byte[] b, int off, int len, long now) throws MalformedPacketException {
        Ipv6HeaderChain c = chain.parse(b, off, len, true);
        int fi = c.fragmentIndex();
        if (fi < 0) return new ReassemblyResult.NotFragment();
        int fh = c.offset(fi);
        int dataOff = fh + Ipv6FragmentHeader.LENGTH;
        int data = c.packetEnd() - dataOff;
        int start = Ipv6FragmentHeader.fragmentOffset(b, fh);
        boolean more = Ipv6FragmentHeader.moreFragments(b, fh);
        int nextField = c.nextHeaderFieldOf(fi) - off;
        if (Ipv6FragmentHeader.isAtomic(b, fh)) {
            // RFC 6946 §4: an atomic fragment is processed in isolation: just remove the Fragment header.
            byte[] out = new byte[c.packetEnd() - off - Ipv6FragmentHeader.LENGTH];
            System.arraycopy(b, off, out, 0, fh - off);
            System.arraycopy(b, dataOff, out, fh - off, data);
            out[nextField] = (byte) Ipv6FragmentHeader.nextHeader(b, fh);
            Ipv6Header.setPayloadLength(out, 0, out.length - Ipv6Header.LENGTH);
            completed++;
            return new ReassemblyResult.Complete(PacketBuffer.copyOf(out, OUTPUT_HEADROOM, 0));
        }
        Key key = new Key(
                true,
                Ipv6Header.srcHigh(b, off),
                Ipv6Header.srcLow(b, off),
                Ipv6Header.dstHigh(b, off),
                Ipv6Header.dstLow(b, off),
                Ipv6FragmentHeader.identification(b, fh),
                -1);
        // RFC 8200 §4.5: a non-last fragment must be a multiple of 8 bytes long; offset + length ≤ 65535.
        if (data == 0 || (more && (data & 7) != 0)) return drop(DropReason.BAD_LENGTH);
        if (start + data > 65535 - (fh - off - Ipv6Header.LENGTH)) return dropDatagram(key, DropReason.TOO_BIG);
        Datagram d = lookup(key, now);
        if (d.discarded) return drop(DropReason.DISCARDED_DATAGRAM);
        if (start == 0) {
            int nh = Ipv6FragmentHeader.nextHeader(b, fh);
            if (!holdsHeaderChain(b, dataOff, data, nh)) return dropDatagram(key, DropReason.INCOMPLETE_HEADER_CHAIN);
            if (d.header == null) {
                d.header = Arrays.copyOfRange(b, off, fh);
                d.headerNextField = nextField;
                d.firstNextHeader = nh;
            }
        }
        return addPiece(key, d, start, b, dataOff, data, more);
    }

    /** RFC 8200 §4.5 / RFC 7112: the first fragment must contain every extension header of the chain. */
    private static boolean holdsHeaderChain(byte[] b, int pos, int avail, int nh) {
        int end = pos + avail;
        while (true) {
            int hlen;
            switch (nh) {
                case IpProtocols.HOPOPTS, IpProtocols.ROUTING, IpProtocols.DSTOPTS -> {
                    if (end - pos < 2) return false;
                    hlen = ((b[pos + 1] & 0xff) + 1) << 3;
                }
                case IpProtocols.AH -> {
                    if (end - pos < 2) return false;
                    hlen = ((b[pos + 1] & 0xff) + 2) << 2;
                }
                case IpProtocols.FRAGMENT -> hlen = 8;
                default -> {
                    return true;
                }
            }
            if (end - pos < hlen) return false;
            nh = b[pos] & 0xff;
            pos += hlen;
        }
    }

    private Datagram lookup(Key key, long now) {
        Datagram d = datagrams.get(key);
        if (d != null) return d;
        while (datagrams.size() >= limits.maxDatagrams()) evictOldest(null);
        d = new Datagram(now);
        datagrams.put(key, d);
        return d;
    }

    private ReassemblyResult addPiece(Key key, Datagram d, int start, byte[] b, int dataOff, int data, boolean more) {
        int end = start + data;
        List<Piece> pieces = d.pieces;
        // Find the insertion index: pieces are kept sorted by start and never overlap.
        int lo = 0, hi = pieces.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (pieces.get(mid).start() < start) lo = mid + 1;
            else hi = mid;
        }
        Piece prev = lo > 0 ? pieces.get(lo - 1) : null;
        Piece next = lo < pieces.size() ? pieces.get(lo) : null;
        if (next != null
                && next.start() == start
                && next.data().length == data
                && Arrays.equals(next.data(), 0, data, b, dataOff, dataOff + data)) {
            if (!more && d.totalData != end) return dropDatagram(key, DropReason.INCONSISTENT);
            return drop(DropReason.DUPLICATE);
        }
        if ((prev != null && prev.end() > start) || (next != null && next.start() < end)) {
            return dropDatagram(key, DropReason.OVERLAP); // RFC 5722 §4
        }
        if (!more) {
            if (d.totalData >= 0 && d.totalData != end) return dropDatagram(key, DropReason.INCONSISTENT);
            if (!pieces.isEmpty() && pieces.getLast().end() > end) return dropDatagram(key, DropReason.INCONSISTENT);
            d.totalData = end;
        } else if (d.totalData >= 0 && end > d.totalData) {
            return dropDatagram(key, DropReason.INCONSISTENT);
        }
        long charge = (long) data + PER_FRAGMENT_OVERHEAD;
        if (charge > limits.maxBytes()) return dropDatagram(key, DropReason.NO_MEMORY);
        while (pendingBytes + charge > limits.maxBytes()) {
            if (!evictOldest(key)) return dropDatagram(key, DropReason.NO_MEMORY);
        }
        pieces.add(lo, new Piece(start, Arrays.copyOfRange(b, dataOff, dataOff + data)));
        d.bytes += charge;
        pendingBytes += charge;
        return tryComplete(key, d);
    }

    private ReassemblyResult tryComplete(Key key, Datagram d) {
        if (d.totalData < 0 || d.header == null) return new ReassemblyResult.Pending();
        int expect = 0;
        for (Piece p : d.pieces) {
            if (p.start() != expect) return new ReassemblyResult.Pending();
            expect = p.end();
        }
        if (expect != d.totalData) return new ReassemblyResult.Pending();
        int hl = d.header.length;
        int total = hl + d.totalData;
        boolean ipv6 = key.ipv6();
        if ((ipv6 ? total - Ipv6Header.LENGTH : total) > 65535) return dropDatagram(key, DropReason.TOO_BIG);
        PacketBuffer out = PacketBuffer.allocate(OUTPUT_HEADROOM, OUTPUT_HEADROOM + total);
        int at = out.append(total);
        byte[] a = out.array();
        System.arraycopy(d.header, 0, a, at, hl);
        for (Piece p : d.pieces) System.arraycopy(p.data(), 0, a, at + hl + p.start(), p.data().length);
        if (ipv6) {
            a[at + d.headerNextField] = (byte) d.firstNextHeader;
            Ipv6Header.setPayloadLength(a, at, total - Ipv6Header.LENGTH);
        } else {
            Ipv4Header.setTotalLength(a, at, total);
            Ipv4Header.setFlagsAndOffset(a, at, Ipv4Header.flagsAndOffset(a, at) & Ipv4Header.FLAG_DF);
            Ipv4Header.updateChecksum(a, at);
        }
        remove(key);
        completed++;
        return new ReassemblyResult.Complete(out);
    }

    private ReassemblyResult drop(DropReason reason) {
        drops[reason.ordinal()]++;
        return new ReassemblyResult.Dropped(reason);
    }

    /** Discards everything held for {@code key} and remembers it as discarded until its timeout. */
    private ReassemblyResult dropDatagram(Key key, DropReason reason) {
        Datagram d = datagrams.get(key);
        if (d != null) {
            pendingBytes -= d.bytes;
            d.bytes = 0;
            d.pieces.clear();
            d.header = null;
            d.discarded = true;
        }
        return drop(reason);
    }

    private void remove(Key key) {
        Datagram d = datagrams.remove(key);
        if (d != null) pendingBytes -= d.bytes;
    }

    /** Evicts the oldest datagram other than {@code keep}; false when there is none. */
    private boolean evictOldest(Key keep) {
        Iterator<Map.Entry<Key, Datagram>> it = datagrams.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Datagram> e = it.next();
            if (e.getKey().equals(keep)) continue;
            pendingBytes -= e.getValue().bytes;
            if (!e.getValue().discarded) drops[DropReason.EVICTED.ordinal()]++;
            it.remove();
            return true;
        }
        return false;
    }

    private void purgeExpired(long now, List<byte[]> firsts) {
        long timeout = limits.timeout().toMillis();
        Iterator<Map.Entry<Key, Datagram>> it = datagrams.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Datagram> e = it.next();
            Datagram d = e.getValue();
            if (now - d.createdMillis < timeout) break; // insertion order = creation order
            if (!d.discarded) {
                drops[DropReason.TIMEOUT.ordinal()]++;
                if (firsts != null
                        && d.header != null
                        && !d.pieces.isEmpty()
                        && d.pieces.getFirst().start() == 0) {
                    firsts.add(firstFragment(e.getKey(), d));
                }
            }
            pendingBytes -= d.bytes;
            it.remove();
        }
    }

    /** The offset-0 fragment as it arrived (IPv6: with its Fragment header rebuilt, M = 1). */
    private static byte[] firstFragment(Key key, Datagram d) {
        byte[] data = d.pieces.getFirst().data();
        int fragHeader = key.ipv6() ? Ipv6FragmentHeader.LENGTH : 0;
        byte[] f = new byte[d.header.length + fragHeader + data.length];
        System.arraycopy(d.header, 0, f, 0, d.header.length);
        if (key.ipv6()) Ipv6FragmentHeader.write(f, d.header.length, d.firstNextHeader, 0, true, key.id());
        System.arraycopy(data, 0, f, d.header.length + fragHeader, data.length);
        return f;
    }
}
