package org.jipsec.core.xform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The anti-replay window (RFC 4303 §3.4.3, RFC 6479, RFC 4303 App. A) as a table of numbered cases, in the
 * manner of WireGuard's counter selftest: each case is (wire sequence number, expected verdict) applied in order
 * to one window; every failing case is reported before the test fails.
 */
class ReplayWindowTest {

    private record Case(int n, long wire, boolean accept, long inferred) {}

    private static final long T = 1L << 32;

    private static List<String> run(ReplayWindow w, Case... cases) {
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            long r = w.check((int) c.wire);
            boolean ok = r != ReplayWindow.REPLAYED;
            if (ok) ok = w.commit(r);
            if (ok != c.accept)
                failures.add("case " + c.n + ": seq " + c.wire + " expected " + (c.accept ? "accept" : "reject"));
            else if (c.accept && c.inferred >= 0 && r != c.inferred)
                failures.add("case " + c.n + ": seq " + c.wire + " inferred " + r + " expected " + c.inferred);
        }
        return failures;
    }

    private static Case ok(int n, long wire) {
        return new Case(n, wire, true, -1);
    }

    private static Case ok(int n, long wire, long inferred) {
        return new Case(n, wire, true, inferred);
    }

    private static Case no(int n, long wire) {
        return new Case(n, wire, false, -1);
    }

    @Test
    void numberedCasesWindow64WithoutEsn() {
        ReplayWindow w = new ReplayWindow(64, false);
        List<String> f = run(
                w,
                no(1, 0), // 0 is never valid (RFC 4303 §3.3.3)
                ok(2, 1), // first packet
                no(3, 1), // duplicate
                ok(4, 2), // in order
                ok(5, 4), // gap
                ok(6, 3), // fills the gap
                no(7, 3), // duplicate inside the window
                ok(8, 66), // slide: window now 3..66
                ok(9, 5), // 66-5 = 61 < 64: still inside
                no(10, 2), // left of the window (66-2 = 64)
                ok(11, 67),
                no(12, 3), // now outside
                ok(13, 1000), // far ahead: window emptied
                no(14, 936), // 1000-936 = 64: left edge, out
                ok(15, 937), // left edge, in
                no(16, 937),
                ok(17, 999),
                no(18, 1000),
                ok(19, 0xffffffffL), // top of the 32-bit space
                no(20, 0xffffffffL),
                no(21, 1), // 2^32 wrap without ESN: left of the window, rejected
                ok(22, 0xfffffffeL));
        assertTrue(f.isEmpty(), String.join("\n", f));
    }

    @Test
    void numberedCasesWindow0IsOff() {
        ReplayWindow w = new ReplayWindow(0, false);
        List<String> f = run(w, no(1, 0), ok(2, 5), ok(3, 5), ok(4, 1), ok(5, 0xffffffffL), ok(6, 1));
        assertTrue(f.isEmpty(), String.join("\n", f));
    }

    @Test
    void numberedCasesEsnWrap() {
        ReplayWindow w = new ReplayWindow(32, true);
        List<String> f = run(
                w,
                ok(1, 1, 1),
                ok(2, 0x7fffffffL, 0x7fffffffL), // ahead by less than 2^31: same subspace
                ok(13, 0xfffffff0L, 0xfffffff0L), // ahead again, still subspace 0
                ok(3, 0xffffffffL, 0xffffffffL),
                ok(4, 0, T), // wrapped: App. A2.2 case A infers Seqh = 1 → 2^32
                ok(5, 1, T + 1),
                ok(6, 0xfffffff5L, 0xfffffff5L), // late packet of subspace 0, inside the window (case B: Seqh-1)
                no(7, 0xfffffff5L), // duplicate across the wrap
                no(8, 0), // duplicate of 2^32
                ok(9, 40, T + 40),
                ok(10, 20, T + 20),
                no(11, 20),
                ok(12, 0x80000000L, T + 0x80000000L));
        assertTrue(f.isEmpty(), String.join("\n", f));
    }

    /**
     * RFC 4303 App. A2.2: a number more than W behind the window's bottom at a subspace boundary is read as the
     * next subspace's — the ICV check (here not run) is what then refuses a replayed packet.
     */
    @Test
    void esnInferenceReadsFarLeftAsAhead() {
        ReplayWindow w = new ReplayWindow(32, true);
        w.commit(T + 1);
        assertEquals(T + 0xffffffdfL, w.check(0xffffffdf));
        assertEquals(T + 0xffffffdfL, w.top() + 0xffffffdfL - 1);
        assertEquals(T + 1, w.top());
    }

    @Test
    void largeWindows() {
        for (int size : new int[] {32, 63, 64, 65, 128, 1024, 4096, 8192}) {
            ReplayWindow w = new ReplayWindow(size, false);
            List<String> f = run(
                    w,
                    ok(1, size + 10L),
                    ok(2, 11),
                    no(3, 10),
                    no(4, 11),
                    ok(5, size + 9L),
                    ok(6, 3L * size + 100),
                    ok(7, 2L * size + 101),
                    no(8, 2L * size + 100));
            assertTrue(f.isEmpty(), "window " + size + ": " + String.join("\n", f));
        }
    }

    @Test
    void checkAloneNeverMovesTheWindow() {
        ReplayWindow w = new ReplayWindow(64, false);
        assertEquals(100, w.check(100)); // ICV then fails: no commit
        assertEquals(0, w.top());
        assertEquals(1, w.check(1));
    }

    /** Property test: the bitmap agrees with a naive set-of-seen-numbers model on random traffic. */
    @Test
    void agreesWithNaiveModel() {
        SplittableRandom rnd = new SplittableRandom(4303);
        for (int size : new int[] {1, 17, 64, 100, 1024, 4096}) {
            ReplayWindow w = new ReplayWindow(size, false);
            BitSet seen = new BitSet();
            long top = 0;
            for (int i = 0; i < 20000; i++) {
                long s = Math.max(0, top + rnd.nextInt(-size - 20, 40));
                boolean expect = s != 0 && (s > top || (top - s < size && !seen.get((int) s)));
                long r = w.check((int) s);
                boolean got = r != ReplayWindow.REPLAYED && w.commit(r);
                assertEquals(expect, got, "window " + size + " step " + i + " seq " + s + " top " + top);
                if (expect) {
                    seen.set((int) s);
                    top = Math.max(top, s);
                }
            }
        }
    }
}
