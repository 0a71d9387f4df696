package org.jipsec.core.spd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

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
 * smallest rank among the matches = the first match in list order. Every level keeps the ranks of the
 * policies below it (a sorted set: O(log n) per insert/delete), so once a match of rank r is known, any
 * prefix length, subtree or leaf whose smallest rank is ≥ r is skipped without probing it; lengths are
 * visited shortest first, where the small ranks of broad policies usually are.
 */
final class SpdIndex {

    private final int bits;
    private final Level<DstTrie> sources;

    SpdIndex(int bits) {
        this.bits = bits;
        this.sources = new Level<>(bits);
    }

    /** A 128-bit masked address key (IPv4 uses {@code lo} only). */
    record AddrKey(long hi, long lo) {
    }

    /** One trie as a set of per-length hash tables, with the list of lengths in use. */
    static final class Level<V> {
        final List<HashMap<AddrKey, V>> byLength;
        final int[] counts;
        /** Ranks of all policies below each length: {@code first()} is the length's smallest rank. */
        final List<TreeSet<Long>> ranks;
        int[] active = new int[0];

        Level(int bits) {
            byLength = new ArrayList<>(bits + 1);
            ranks = new ArrayList<>(bits + 1);
            for (int i = 0; i <= bits; i++) {
                byLength.add(null);
                ranks.add(new TreeSet<>());
            }
            counts = new int[bits + 1];
        }

        long minRank(int len) {
            TreeSet<Long> r = ranks.get(len);
            return r.isEmpty() ? Long.MAX_VALUE : r.first();
        }

        V get(int len, AddrKey k) {
            HashMap<AddrKey, V> m = byLength.get(len);
            return m == null ? null : m.get(k);
        }

        V computeIfAbsent(int len, AddrKey k, java.util.function.Supplier<V> make) {
            HashMap<AddrKey, V> m = byLength.get(len);
            if (m == null) {
                m = new HashMap<>();
                byLength.set(len, m);
            }
            V v = m.get(k);
            if (v == null) {
                v = make.get();
                m.put(k, v);
                if (counts[len]++ == 0) recomputeActive();
            }
            return v;
        }

        void remove(int len, AddrKey k) {
            HashMap<AddrKey, V> m = byLength.get(len);
            if (m != null && m.remove(k) != null && --counts[len] == 0) {
                byLength.set(len, null);
                recomputeActive();
            }
        }

        private void recomputeActive() {
            int n = 0;
            for (int c : counts) if (c > 0) n++;
            int[] a = new int[n];
            int j = 0;
            // shortest prefixes first: they hold the most policies, so the smallest ranks, and an early
            // small best rank lets the rank bounds prune the rest
            for (int i = 0; i < counts.length; i++) if (counts[i] > 0) a[j++] = i;
            active = a;
        }

        boolean isEmpty() { return active.length == 0; }
    }

    static final class DstTrie {
        final Level<Bucket> destinations;
        final TreeSet<Long> ranks = new TreeSet<>();

        DstTrie(int bits) { destinations = new Level<>(bits); }
    }

    /** The policies of one (source prefix, destination prefix), grouped by (proto, sport, dport). */
    static final class Bucket {
        final Map<Long, TreeMap<Long, SecurityPolicy>> groups = new HashMap<>();
        final TreeSet<Long> ranks = new TreeSet<>();

        boolean isEmpty() { return groups.isEmpty(); }
    }

    static long portKey(int proto, int sport, int dport) {
        return ((long) proto << 32) | ((long) sport << 16) | dport;
    }

    AddrKey mask(byte[] a, int len) {
        if (bits == 32) {
            long v = ((a[0] & 0xffL) << 24) | ((a[1] & 0xffL) << 16) | ((a[2] & 0xffL) << 8) | (a[3] & 0xffL);
            long m = len == 0 ? 0 : (0xffffffffL << (32 - len)) & 0xffffffffL;
            return new AddrKey(0, v & m);
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) hi = (hi << 8) | (a[i] & 0xffL);
        for (int i = 8; i < 16; i++) lo = (lo << 8) | (a[i] & 0xffL);
        if (len <= 64) {
            return new AddrKey(len == 0 ? 0 : hi & (-1L << (64 - len)), 0);
        }
        return new AddrKey(hi, lo & (-1L << (128 - len)));
    }

    void add(SecurityPolicy sp) {
        SelectorSet s = sp.selector();
        DstTrie t = sources.computeIfAbsent(s.sourcePrefixLength(), mask(s.source().address().getAddress(),
                s.sourcePrefixLength()), () -> new DstTrie(bits));
        Bucket b = t.destinations.computeIfAbsent(s.destinationPrefixLength(),
                mask(s.destination().address().getAddress(), s.destinationPrefixLength()), Bucket::new);
        b.groups.computeIfAbsent(portKey(s.upperProtocol(), s.source().port(), s.destination().port()),
                k -> new TreeMap<>()).put(sp.rank, sp);
        sources.ranks.get(s.sourcePrefixLength()).add(sp.rank);
        t.ranks.add(sp.rank);
        t.destinations.ranks.get(s.destinationPrefixLength()).add(sp.rank);
        b.ranks.add(sp.rank);
    }

    void remove(SecurityPolicy sp) {
        SelectorSet s = sp.selector();
        AddrKey sk = mask(s.source().address().getAddress(), s.sourcePrefixLength());
        DstTrie t = sources.get(s.sourcePrefixLength(), sk);
        if (t == null) return;
        AddrKey dk = mask(s.destination().address().getAddress(), s.destinationPrefixLength());
        Bucket b = t.destinations.get(s.destinationPrefixLength(), dk);
        if (b == null) return;
        long pk = portKey(s.upperProtocol(), s.source().port(), s.destination().port());
        TreeMap<Long, SecurityPolicy> g = b.groups.get(pk);
        if (g == null || g.remove(sp.rank) == null) return;
        sources.ranks.get(s.sourcePrefixLength()).remove(sp.rank);
        t.ranks.remove(sp.rank);
        t.destinations.ranks.get(s.destinationPrefixLength()).remove(sp.rank);
        b.ranks.remove(sp.rank);
        if (g.isEmpty()) b.groups.remove(pk);
        if (b.isEmpty()) t.destinations.remove(s.destinationPrefixLength(), dk);
        if (t.destinations.isEmpty()) sources.remove(s.sourcePrefixLength(), sk);
    }

    /** The policies whose selector is exactly {@code s} ({@code key_spidx_match_exactly}), in rank order. */
    List<SecurityPolicy> exact(SelectorSet s) {
        DstTrie t = sources.get(s.sourcePrefixLength(), mask(s.source().address().getAddress(), s.sourcePrefixLength()));
        if (t == null) return List.of();
        Bucket b = t.destinations.get(s.destinationPrefixLength(),
                mask(s.destination().address().getAddress(), s.destinationPrefixLength()));
        if (b == null) return List.of();
        TreeMap<Long, SecurityPolicy> g = b.groups.get(portKey(s.upperProtocol(), s.source().port(), s.destination().port()));
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
        for (int sl : sources.active) {
            if (sources.minRank(sl) >= bestRank) continue;
            DstTrie t = sources.get(sl, mask(k.source(), sl));
            if (t == null || t.ranks.first() >= bestRank) continue;
            for (int dl : t.destinations.active) {
                if (t.destinations.minRank(dl) >= bestRank) continue;
                Bucket b = t.destinations.get(dl, mask(k.destination(), dl));
                if (b == null || b.ranks.first() >= bestRank) continue;
                for (int pi = 0; pi < 2; pi++) {
                    int p = pi == 0 ? proto : SelectorSet.ANY_PROTOCOL;
                    if (pi == 1 && proto == SelectorSet.ANY_PROTOCOL) break;
                    for (int si = 0; si < 2; si++) {
                        int sp = si == 0 ? sport : 0;
                        if (si == 1 && sport == 0) break;
                        for (int di = 0; di < 2; di++) {
                            int dp = di == 0 ? dport : 0;
                            if (di == 1 && dport == 0) break;
                            TreeMap<Long, SecurityPolicy> g = b.groups.get(portKey(p, sp, dp));
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
