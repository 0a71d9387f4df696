package org.jipsec.io.gateway;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.IpView;

/**
 * Recognises the data plane's own cleartext re-emissions when they come back through the TUN: a packet no policy
 * protects is sent back out in clear on the raw socket, and when the kernel's route for it (looked up with the
 * daemon's {@code SO_MARK}) leads into the TUN again, the data plane reads the very packet it just wrote. Such a
 * packet is a forwarding loop and is dropped at its first return ({@link org.jipsec.core.engine.DropCause#LOOP}).
 *
 * <p>How a returning packet is told from a new one: the data plane decrements the TTL / hop limit of every packet it
 * re-emits ({@link org.jipsec.core.net.HopLimit}) and remembers a fingerprint of the packet as it left — its bytes
 * with the TTL already decremented. The kernel sends an {@code IP_HDRINCL}/{@code IPV6_HDRINCL} packet as given
 * except for the IPv4 header checksum (always recomputed) and the IPv4 identification (filled in when 0; raw(7)),
 * so the fingerprint leaves those two fields out, and the same bytes come back through the TUN. A new packet of a
 * sender can only match if it equals an earlier re-emitted one with a TTL exactly one lower than that one had on
 * arrival; a source repeating a packet repeats its TTL. The fingerprint covers the IP header and up to
 * {@value #PAYLOAD_BYTES} bytes after it, and the length; it is keyed with a random seed per process, so collisions
 * cannot be aimed at another sender's packets.
 *
 * <p>Bounded: a table of {@value #SLOTS} fingerprints in sets of {@value #WAYS} (a set chosen by the fingerprint),
 * each set replacing its oldest entry. A returning packet whose entry was replaced in between — more than
 * {@value #WAYS} re-emissions of its set while it was on its way — makes one more lap (with its TTL decremented
 * again) and is recognised then; the TTL bounds the laps in every case. No allocation.
 *
 * <p>Shared by the data-plane workers (a re-emitted packet may come back on another worker's TUN queue): the table is
 * an {@link AtomicLongArray} read and written with opaque accesses — each fingerprint is read or written whole, and no
 * fence is paid. Two workers recording in one set at once may overwrite each other's entry; that is the replaced-entry
 * case above (one more lap), never a false match.
 */
final class LoopDetector {

    static final int SLOTS = 4096;
    static final int WAYS = 4;
    private static final int SETS = SLOTS / WAYS;
    static final int PAYLOAD_BYTES = 256;
    private static final long M = 0x9E3779B97F4A7C15L;

    private final AtomicLongArray table = new AtomicLongArray(SLOTS);
    /** Per set: where the next entry goes (round robin: the oldest is replaced). */
    private final byte[] next = new byte[SETS];

    private final long seed;

    LoopDetector() {
        this(new SecureRandom().nextLong());
    }

    LoopDetector(long seed) {
        this.seed = seed;
    }

    /** True when {@code p[off, off + len)} is a packet this data plane re-emitted (it came back: a loop). */
    boolean returned(byte[] p, int off, int len) {
        return find(fingerprint(p, off, len)) >= 0;
    }

    /** Records {@code p[off, off + len)} as re-emitted, as it leaves (TTL already decremented). */
    void emitted(byte[] p, int off, int len) {
        long h = fingerprint(p, off, len);
        if (find(h) >= 0) return;
        int set = set(h);
        int way = next[set] & (WAYS - 1); // racy between workers: any way is a valid one
        table.setOpaque(set * WAYS + way, h);
        next[set] = (byte) ((way + 1) % WAYS);
    }

    /** The slot holding {@code h}, or -1. */
    private int find(long h) {
        int base = set(h) * WAYS;
        for (int i = base; i < base + WAYS; i++) if (table.getOpaque(i) == h) return i;
        return -1;
    }

    private static int set(long h) {
        return (int) (h >>> 40) & (SETS - 1);
    }

    /** Never 0 (the empty slot). */
    long fingerprint(byte[] p, int off, int len) {
        int n = Math.min(len, IpView.headerLength(p, off, len) + PAYLOAD_BYTES);
        long h = seed ^ (len * M);
        boolean v4 = len >= 20 && (p[off] & 0xf0) == 0x40;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long w = Bytes.i64(p, off + i);
            if (v4 && i == 0) w &= 0xFFFFFFFF0000FFFFL; // identification (bytes 4-5)
            else if (v4 && i == 8) w &= 0xFFFF0000FFFFFFFFL; // header checksum (bytes 10-11)
            h = mix(h ^ w);
        }
        long tail = 0;
        for (; i < n; i++) tail = (tail << 8) | (p[off + i] & 0xff);
        h = mix(h ^ tail ^ ((long) n << 56));
        return h == 0 ? 1 : h;
    }

    /** A 64-bit finaliser (MurmurHash3's fmix64 after a multiply). */
    private static long mix(long x) {
        x *= M;
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return x;
    }
}
