package org.jipsec.core.spd;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The lookup index of one SPD list (one direction, one address family). Returns exactly what NetBSD's
 * linear first match ({@code key_lookup_sp_byspidx}, spec §4.1) returns, without scanning the list.
 *
 * <p>Shape: a two-level prefix structure — the levels of a (source prefix) trie, each level a hash
 * table keyed by the masked source address, holding for each source prefix a second trie over the
 * destination prefixes (again one hash table per prefix length); its leaves ({@link Bucket}s) group
 * the policies of one (source prefix, destination prefix) by (protocol, source port, destination
 * port) and keep each group ordered by insertion rank. A lookup visits only the prefix lengths that
 * are in use: at most (address bits + 1)² hash probes, independent of the number of policies, then at
 * most 8 port/protocol groups per leaf ({proto, any} × {sport, any} × {dport, any}), and takes the
 * smallest rank among the matches = the first match in list order.
 *
 * <p>Pruning: every level keeps the ranks of the policies below it (a sorted set, O(log n) per insert
 * or delete, with its minimum cached), so once a match of rank r is known, any prefix length, subtree
 * or leaf whose smallest rank is ≥ r is skipped without probing it; lengths are visited shortest
 * first, where the small ranks of broad policies usually are. Probes allocate nothing
 * ({@link LongPairMap}).
 */
final class SpdIndex {

    private final int bits;
    private final Level<DstTrie> sources;

    SpdIndex(int bits) {
        this.bits = bits;
        this.sources = new Level<>(bits);
    }

    /** A sorted set of ranks with its minimum cached. */
    static final class RankSet {
        private final TreeSet<Long> set = new TreeSet<>();
        long min = Long.MAX_VALUE;

        void add(long r) {
            set.add(r);
            if (r < min) min = r;
        }

        void remove(long r) {
            set.remove(r);
            if (r == min) min = set.isEmpty() ? Long.MAX_VALUE : set.first();
        }
    }

    /** One trie as a set of per-length hash tables, with the list of lengths in use. */
    static final class Level<V> {
        final List<LongPairMap<V>> byLength;
        final RankSet[] ranks;
        int[] active = new int[0];

        Level(int bits) {
            byLength = new ArrayList<>(bits + 1);
            ranks = new RankSet[bits + 1];
            for (int i = 0; i <= bits; i++) {
                byLength.add(null);
                ranks[i] = new RankSet();
            }
        }

        V get(int len, long hi, long lo) {
            LongPairMap<V> m = byLength.get(len);
            return m == null ? null : m.get(hi, lo);
        }

        V computeIfAbsent(int len, long hi, long lo, Supplier<V> make) {
            LongPairMap<V> m = byLength.get(len);
            if (m == null) {
                m = new LongPairMap<>();
                byLength.set(len, m);
                recomputeActive();
            }
            V v = m.get(hi, lo);
            if (v == null) {
                v = make.get();
                m.put(hi, lo, v);
            }
            return v;
        }

        void remove(int len, long hi, long lo) {
            LongPairMap<V> m = byLength.get(len);
            if (m != null && m.remove(hi, lo) != null && m.size() == 0) {
                byLength.set(len, null);
                recomputeActive();
            }
        }

        private void recomputeActive() {
            int n = 0;
            for (LongPairMap<V> m : byLength) if (m != null) n++;
            int[] a = new int[n];
            int j = 0;
            // shortest prefixes first: they hold the broad policies, whose ranks tend to be small
            for (int i = 0; i < byLength.size(); i++) if (byLength.get(i) != null) a[j++] = i;
            active = a;
        }

        boolean isEmpty() {
            return active.length == 0;
        }
    }

    static final class DstTrie {
        final Level<Bucket> destinations;
        final RankSet ranks = new RankSet();

        DstTrie(int bits) {
            destinations = new Level<>(bits);
        }
    }

    /** The policies of one (source prefix, destination prefix), grouped by (proto, sport, dport). */
    static final class Bucket {
        final LongPairMap<TreeMap<Long, SecurityPolicy>> groups = new LongPairMap<>();
        final RankSet ranks = new RankSet();
    }

    static long portKey(int proto, int sport, int dport) {
        return ((long) proto << 32) | ((long) sport << 16) | dport;
    }

    /** The address as (hi, lo): IPv4 in lo, IPv6 as two big-endian halves. */
    private static long hi(byte[] a) {
        if (a.length == 4) return 0;
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (a[i] & 0xffL);
        return v;
    }

    private static long lo(byte[] a) {
        long v = 0;
        for (int i = a.length == 4 ? 0 : 8; i < a.length; i++) v = (v << 8) | (a[i] & 0xffL);
        return v;
    }

    private long maskHi(long hi, int len) {
        if (bits == 32) return 0;
        if (len >= 64) return hi;
        return len == 0 ? 0 : hi & (-1L << (64 - len));
    }

    private long maskLo(long lo, int len) {
        if (bits == 32) return len == 0 ? 0 : lo & ((0xffffffffL << (32 - len)) & 0xffffffffL);
        if (len <= 64) return 0;
        return len == 128 ? lo : lo & (-1L << (128 - len));
    }

    void add(SecurityPolicy sp) {
        SelectorSet s = sp.selector();
        byte[] src = s.source().address().getAddress();
        byte[] dst = s.destination().address().getAddress();
        int sl = s.sourcePrefixLength();
        int dl = s.destinationPrefixLength();
        DstTrie t = sources.computeIfAbsent(sl, maskHi(hi(src), sl), maskLo(lo(src), sl), () -> new DstTrie(bits));
        Bucket b = t.destinations.computeIfAbsent(dl, maskHi(hi(dst), dl), maskLo(lo(dst), dl), Bucket::new);
        long pk = portKey(s.upperProtocol(), s.source().port(), s.destination().port());
        TreeMap<Long, SecurityPolicy> g = b.groups.get(0, pk);
        if (g == null) {
            g = new TreeMap<>();
            b.groups.put(0, pk, g);
        }
        g.put(sp.rank, sp);
        sources.ranks[sl].add(sp.rank);
        t.ranks.add(sp.rank);
        t.destinations.ranks[dl].add(sp.rank);
        b.ranks.add(sp.rank);
    }

    void remove(SecurityPolicy sp) {
        SelectorSet s = sp.selector();
        byte[] src = s.source().address().getAddress();
        byte[] dst = s.destination().address().getAddress();
        int sl = s.sourcePrefixLength();
        int dl = s.destinationPrefixLength();
        long sh = maskHi(hi(src), sl);
        long slo = maskLo(lo(src), sl);
        DstTrie t = sources.get(sl, sh, slo);
        if (t == null) return;
        long dh = maskHi(hi(dst), dl);
        long dlo = maskLo(lo(dst), dl);
        Bucket b = t.destinations.get(dl, dh, dlo);
        if (b == null) return;
        long pk = portKey(s.upperProtocol(), s.source().port(), s.destination().port());
        TreeMap<Long, SecurityPolicy> g = b.groups.get(0, pk);
        if (g == null || g.remove(sp.rank) == null) return;
        sources.ranks[sl].remove(sp.rank);
        t.ranks.remove(sp.rank);
        t.destinations.ranks[dl].remove(sp.rank);
        b.ranks.remove(sp.rank);
        if (g.isEmpty()) b.groups.remove(0, pk);
        if (b.groups.size() == 0) t.destinations.remove(dl, dh, dlo);
        if (t.destinations.isEmpty()) sources.remove(sl, sh, slo);
    }

    /** The policies whose selector is exactly {@code s} ({@code key_spidx_match_exactly}), in rank order. */
    List<SecurityPolicy> exact(SelectorSet s) {
        byte[] src = s.source().address().getAddress();
        byte[] dst = s.destination().address().getAddress();
        int sl = s.sourcePrefixLength();
        int dl = s.destinationPrefixLength();
        DstTrie t = sources.get(sl, maskHi(hi(src), sl), maskLo(lo(src), sl));
        if (t == null) return List.of();
        Bucket b = t.destinations.get(dl, maskHi(hi(dst), dl), maskLo(lo(dst), dl));
        if (b == null) return List.of();
        TreeMap<Long, SecurityPolicy> g = b.groups.get(
                0, portKey(s.upperProtocol(), s.source().port(), s.destination().port()));
        if (g == null) return List.of();
        List<SecurityPolicy> out = new ArrayList<>();
        for (SecurityPolicy sp : g.values()) if (sp.selector().sameAs(s)) out.add(sp);
        return out;
    }

    /** The first policy in list order whose selector matches {@code k}, or null. */
    SecurityPolicy lookup(FlowKey k) {
        SecurityPolicy best = null;
        long bestRank = Long.MAX_VALUE;
        int proto = k.upperProtocol();
        int sport = k.sourcePort();
        int dport = k.destinationPort();
        long srcHi = hi(k.source());
        long srcLo = lo(k.source());
        long dstHi = hi(k.destination());
        long dstLo = lo(k.destination());
        for (int sl : sources.active) {
            if (sources.ranks[sl].min >= bestRank) continue;
            DstTrie t = sources.get(sl, maskHi(srcHi, sl), maskLo(srcLo, sl));
            if (t == null || t.ranks.min >= bestRank) continue;
            Level<Bucket> dsts = t.destinations;
            for (int dl : dsts.active) {
                if (dsts.ranks[dl].min >= bestRank) continue;
                Bucket b = dsts.get(dl, maskHi(dstHi, dl), maskLo(dstLo, dl));
                if (b == null || b.ranks.min >= bestRank) continue;
                for (int pi = 0; pi < 2; pi++) {
                    int p = pi == 0 ? proto : SelectorSet.ANY_PROTOCOL;
                    if (pi == 1 && proto == SelectorSet.ANY_PROTOCOL) break;
                    for (int si = 0; si < 2; si++) {
                        int sp = si == 0 ? sport : 0;
                        if (si == 1 && sport == 0) break;
                        for (int di = 0; di < 2; di++) {
                            int dp = di == 0 ? dport : 0;
                            if (di == 1 && dport == 0) break;
                            TreeMap<Long, SecurityPolicy> g = b.groups.get(0, portKey(p, sp, dp));
                            if (g == null) continue;
                            for (SecurityPolicy c : g.values()) {
                                if (c.rank >= bestRank) break;
                                if (c.selector().matches(k)) {
                                    best = c;
                                    bestRank = c.rank;
                                    break;
                                }
                            }
                        }
                    }
                }
            }
        }
        return best;
    }
}
