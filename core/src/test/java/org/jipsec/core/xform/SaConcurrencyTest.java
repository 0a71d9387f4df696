package org.jipsec.core.xform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.PacketBuffer;
import org.junit.jupiter.api.Test;

/**
 * Issue #16 item 1: the concurrency model of one SA's state is the one a multi-core data plane needs — several
 * workers send on one SA (sequence numbers unique and contiguous across threads, so a counter-mode nonce is never
 * used twice, RFC 4106 §3.1) and several receive on it (the RFC 4303 §3.4.3 window accepts no duplicate and decides
 * as a sequential window would, in the order its commits happened).
 */
class SaConcurrencyTest {

    private static final byte[] GCM_KEY = TestSas.hex("0123456789abcdef0123456789abcdef01020304");
    private static final int THREADS = 4;

    private static SaParameters gcm(int window) {
        return new SaParameters(
                0x7001,
                IpsecProtocol.ESP,
                IpsecMode.TRANSPORT,
                TestSas.ep("192.0.2.1"),
                TestSas.ep("192.0.2.2"),
                TestSas.enc("aes-gcm-16"),
                GCM_KEY,
                null,
                null,
                0,
                window,
                false,
                null,
                0);
    }

    private static byte[] clear(int i) {
        byte[] payload = new byte[24];
        payload[0] = (byte) (i >>> 8);
        payload[1] = (byte) i;
        return TestSas.udp("192.0.2.1", "192.0.2.2", 1000, 2000, payload);
    }

    /** Runs {@code work(t)} on THREADS threads started together; fails on any thread's failure. */
    private static <T> List<T> onThreads(java.util.function.IntFunction<T> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> fs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int id = t;
                fs.add(pool.submit(() -> {
                    go.await();
                    return work.apply(id);
                }));
            }
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : fs) out.add(f.get(60, TimeUnit.SECONDS));
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void workersSendingOnOneSaUseEverySequenceNumberOnce() throws Exception {
        int perThread = 2000;
        SaContext sa = TestSas.ctx(gcm(64));
        Xform x = new Xform(XformSettings.DEFAULTS, new XformStats());
        List<List<long[]>> seen = onThreads(t -> {
            List<long[]> mine = new ArrayList<>(perThread);
            for (int i = 0; i < perThread; i++) {
                PacketBuffer f = Xform.buffer(clear(i));
                assertEquals(null, x.output(sa, f));
                byte[] w = f.toByteArray();
                // ESP header after the 20-byte IPv4 header: SPI, sequence number, then GCM's 8-byte explicit IV
                mine.add(new long[] {
                    Bytes.i32(w, 24) & 0xffffffffL,
                    java.nio.ByteBuffer.wrap(w, 28, 8).getLong()
                });
            }
            return mine;
        });
        Set<Long> seqs = new HashSet<>();
        Set<Long> ivs = new HashSet<>();
        for (List<long[]> l : seen)
            for (long[] p : l) {
                assertTrue(seqs.add(p[0]), "sequence number " + p[0] + " sent twice");
                assertTrue(ivs.add(p[1]), "GCM IV sent twice under one key");
            }
        int n = THREADS * perThread;
        assertEquals(n, seqs.size());
        assertEquals(1L, Collections.min(seqs));
        assertEquals((long) n, Collections.max(seqs), "contiguous: 1..n, none skipped");
        assertEquals(n, sa.lastSequence());
        assertEquals(n, sa.outbound().packets(), "per-thread usage counters add up");
    }

    /** Packets 1..k sealed by one sender, then each delivered 1–3 times in a seeded random order. */
    private static List<byte[]> duplicatedAndReordered(SaParameters p, int k, long seed, List<Long> seqOf) {
        SaContext sender = TestSas.ctx(p);
        Xform x = new Xform(XformSettings.DEFAULTS, new XformStats());
        List<byte[]> sealed = new ArrayList<>();
        for (int i = 1; i <= k; i++) {
            PacketBuffer f = Xform.buffer(clear(i));
            assertEquals(null, x.output(sender, f));
            sealed.add(f.toByteArray());
        }
        SplittableRandom r = new SplittableRandom(seed);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < k; i++) for (int c = 1 + r.nextInt(3); c > 0; c--) order.add(i);
        Collections.shuffle(order, new java.util.Random(seed));
        List<byte[]> out = new ArrayList<>();
        for (int i : order) {
            out.add(sealed.get(i));
            seqOf.add((long) i + 1);
        }
        return out;
    }

    /** Each thread takes every THREADS-th packet; returns (seq → accepted copies) and the sequence numbers refused. */
    private static Map<Long, Integer> receiveConcurrently(
            SaContext receiver, List<byte[]> packets, List<Long> seqOf, Set<Long> refused) throws Exception {
        Xform x = new Xform(XformSettings.DEFAULTS, new XformStats());
        Map<Long, AtomicInteger> accepted = new ConcurrentHashMap<>();
        onThreads(t -> {
            for (int i = t; i < packets.size(); i += THREADS) {
                DropReason r =
                        x.input(Xform.buffer(packets.get(i).clone()), TestSas.lookup(receiver), new InboundTrace());
                if (r == null)
                    accepted.computeIfAbsent(seqOf.get(i), s -> new AtomicInteger())
                            .incrementAndGet();
                else if (r == DropReason.REPLAY) refused.add(seqOf.get(i));
                else fail("unexpected drop " + r);
            }
            return null;
        });
        Map<Long, Integer> out = new HashMap<>();
        accepted.forEach((s, c) -> out.put(s, c.get()));
        return out;
    }

    @Test
    void concurrentInboundWithAWideWindowAcceptsEachPacketExactlyOnce() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            List<Long> seqOf = new ArrayList<>();
            List<byte[]> packets = duplicatedAndReordered(gcm(1024), 600, seed, seqOf);
            SaContext receiver = TestSas.ctx(gcm(1024));
            Set<Long> refused = ConcurrentHashMap.newKeySet();
            Map<Long, Integer> accepted = receiveConcurrently(receiver, packets, seqOf, refused);
            // every order leaves all of 1..600 inside the window: the sequential model accepts each number once
            assertEquals(600, accepted.size(), "seed " + seed);
            accepted.forEach((s, c) -> assertEquals(1, c, "seq " + s + " accepted " + c + " times (seed)"));
            assertEquals(600, receiver.inbound().packets());
        }
    }

    @Test
    void concurrentInboundWithANarrowWindowNeverAcceptsADuplicate() throws Exception {
        int w = 32;
        for (long seed = 1; seed <= 5; seed++) {
            List<Long> seqOf = new ArrayList<>();
            List<byte[]> packets = duplicatedAndReordered(gcm(w), 600, seed, seqOf);
            SaContext receiver = TestSas.ctx(gcm(w));
            Set<Long> refused = ConcurrentHashMap.newKeySet();
            Map<Long, Integer> accepted = receiveConcurrently(receiver, packets, seqOf, refused);
            long sd = seed;
            accepted.forEach((s, c) -> assertEquals(1, c, "seq " + s + " accepted twice (seed " + sd + ")"));
            long top = receiver.replayWindow().top();
            assertEquals(Collections.max(accepted.keySet()), top);
            // a refusal is one the sequential window would make too: a copy was accepted, or it fell left of the window
            for (long s : refused) {
                assertTrue(accepted.containsKey(s) || top - s >= w, "seq " + s + " refused without cause, top " + top);
            }
        }
    }

    // ---------------------------------------------------------------------------- every interleaving, enumerated

    /** RFC 4303 §3.4.3 as the RFC words it, one packet at a time: the reference the window is compared with. */
    static final class SequentialWindow {
        final int w;
        final TreeSet<Long> seen = new TreeSet<>();
        long top;

        SequentialWindow(int w) {
            this.w = w;
        }

        boolean wouldAccept(long s) {
            if (s == 0) return false;
            if (s > top) return true;
            return top - s < w && !seen.contains(s);
        }

        boolean accept(long s) {
            if (!wouldAccept(s)) return false;
            seen.add(s);
            top = Math.max(top, s);
            return true;
        }
    }

    /**
     * One inbound packet on one worker is two steps on the shared window, as in {@code Esp.input}: check (before the
     * ICV), then commit (after it); the other workers' steps may come in between. For small random cases (two and
     * three workers, duplicates across and within them) every interleaving of the steps is run, and the window must
     * decide as the sequential window does in the order of the commits: each commit's answer equals the model's, a
     * check's refusal is a refusal of the model at that moment, no number is accepted twice.
     */
    @Test
    void everyInterleavingOfCheckAndCommitMatchesTheSequentialWindow() {
        SplittableRandom r = new SplittableRandom(16);
        int schedules = 0;
        for (int c = 0; c < 100; c++) {
            int workers = c % 3 == 0 ? 3 : 2;
            int perWorker = workers == 3 ? 2 : 3;
            int w = 1 + r.nextInt(6);
            long[][] plan = new long[workers][perWorker];
            for (long[] p : plan) for (int i = 0; i < p.length; i++) p[i] = 1 + r.nextInt(10);
            schedules += explore(plan, w, new ArrayList<>());
        }
        assertTrue(schedules > 10_000, "enumerated " + schedules + " schedules");
    }

    /** Depth-first over schedules (lists of worker ids); returns the number of complete schedules run. */
    private static int explore(long[][] plan, int w, List<Integer> prefix) {
        Run run = Run.execute(plan, w, prefix);
        if (run.done()) {
            run.verify();
            return 1;
        }
        int n = 0;
        for (int t = 0; t < plan.length; t++) {
            if (run.finished(t)) continue;
            prefix.add(t);
            n += explore(plan, w, prefix);
            prefix.removeLast();
        }
        return n;
    }

    /** One schedule run from scratch on a fresh {@link ReplayWindow}, next to the model fed in commit order. */
    private record Run(
            long[][] plan,
            int[] packet,
            boolean[] checked,
            long[] pending,
            SequentialWindow model,
            List<String> problems,
            Map<Long, Integer> accepted) {

        static Run execute(long[][] plan, int w, List<Integer> schedule) {
            ReplayWindow window = new ReplayWindow(w, false);
            Run run = new Run(
                    plan,
                    new int[plan.length],
                    new boolean[plan.length],
                    new long[plan.length],
                    new SequentialWindow(w),
                    new ArrayList<>(),
                    new HashMap<>());
            for (int t : schedule) run.step(window, t);
            return run;
        }

        void step(ReplayWindow window, int t) {
            long s = plan[t][packet[t]];
            if (!checked[t]) {
                long got = window.check((int) s);
                if (got == ReplayWindow.REPLAYED) {
                    if (model.wouldAccept(s)) problems.add("check refused " + s + " the model accepts");
                    packet[t]++;
                } else {
                    checked[t] = true;
                    pending[t] = got;
                }
                return;
            }
            boolean ok;
            synchronized (window) {
                ok = window.commit(pending[t]);
            }
            boolean expected = model.accept(s);
            if (ok != expected) problems.add("commit of " + s + ": " + ok + ", model " + expected);
            if (ok) accepted.merge(s, 1, Integer::sum);
            checked[t] = false;
            packet[t]++;
        }

        boolean finished(int t) {
            return packet[t] >= plan[t].length;
        }

        boolean done() {
            for (int t = 0; t < plan.length; t++) if (!finished(t)) return false;
            return true;
        }

        void verify() {
            accepted.forEach((s, c) -> {
                if (c > 1) problems.add(s + " accepted " + c + " times");
            });
            if (!problems.isEmpty()) fail(java.util.Arrays.deepToString(plan) + ": " + problems);
        }
    }
}
