package org.jipsec.core.seqstate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jipsec.core.xform.SequenceGuard;
import org.junit.jupiter.api.Test;

/** The pure state model: block reservation, refill, failures, freeze, continuation, fresh keys. */
class SequenceStateTableTest {

    static final byte[] SALT = new byte[32];
    static final SequenceStateTable.Settings SMALL =
            new SequenceStateTable.Settings(16, 8, 1 << 10, 8, 8, 1 << 10, 100);
    final AtomicLong nanos = new AtomicLong(1);
    final AtomicLong seconds = new AtomicLong(1_000);
    final AtomicInteger wakes = new AtomicInteger();

    SequenceStateTable table(List<SequenceRecord> loaded) {
        return new SequenceStateTable(SALT, loaded, SMALL, nanos::get, seconds::get, wakes::incrementAndGet);
    }

    static SaIdentity id(SequenceStateTable t, int spi, byte keyByte) throws Exception {
        byte[] key = new byte[20];
        java.util.Arrays.fill(key, keyByte);
        return t.identity(
                3, spi, InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2"), 20, key, 0, null);
    }

    /** A live SA's numbers, as SaTransformState would report them. */
    static final class FakeLive implements SequenceGuard.Live {
        long used, top;
        final Object lock = new Object();

        @Override
        public long lastUsed() {
            return used;
        }

        @Override
        public long acceptedTop() {
            return top;
        }

        @Override
        public Object windowLock() {
            return lock;
        }
    }

    /** Uses numbers as the sender does: ask, then take. Returns how many were allowed. */
    static int send(SaSequenceState s, FakeLive l, int n) {
        int ok = 0;
        for (int i = 0; i < n; i++) {
            long next = l.used + 1;
            if (!s.mayUseOut(next)) break;
            l.used = next;
            ok++;
        }
        return ok;
    }

    @Test
    void anIdentityIsNamedWithItsAddressesAsSetkeyPrintsThem() throws Exception {
        SequenceStateTable t = table(List.of());
        byte[] key = new byte[20];
        SaIdentity v6 = t.identity(
                3, 0x4001, InetAddress.getByName("fd87::1"), InetAddress.getByName("fd87::2"), 20, key, 0, null);
        assertEquals("satype 3 spi 0x4001 fd87::1->fd87::2", v6.describe()); // not fd87:0:0:0:0:0:0:1
        assertEquals(
                "satype 3 spi 0x1000 10.0.0.1->10.0.0.2",
                id(t, 0x1000, (byte) 1).describe());
    }

    @Test
    void nothingIsSentBeforeTheFirstBlockIsOnDiskThenExactlyTheBlock() throws Exception {
        SequenceStateTable t = table(List.of());
        SequenceStateTable.Attached a = t.attach(id(t, 0x1000, (byte) 1), true);
        assertFalse(a.continued());
        SaSequenceState s = a.state();
        FakeLive l = new FakeLive();
        s.bind(l);
        assertEquals(0, send(s, l, 1), "no number before the write");
        assertEquals(1, s.heldOut());
        SequenceStateTable.Plan p = t.plan();
        assertNotNull(p);
        assertEquals(1, p.records().size());
        assertEquals(1 + 16, p.records().getFirst().outMark(), "want 1 + first block");
        assertEquals(0, send(s, l, 1), "still nothing: the plan is not written yet");
        t.written(p);
        assertEquals(17, send(s, l, 100), "exactly the block: 1..17, then it stops");
        assertEquals(17, l.used);
        assertTrue(s.heldOut() >= 2);
    }

    @Test
    void aRefillIsAskedForAtHalfTheBlockSoASteadySenderNeverWaits() throws Exception {
        SequenceStateTable t = table(List.of());
        SaSequenceState s = t.attach(id(t, 0x1000, (byte) 1), true).state();
        FakeLive l = new FakeLive();
        s.bind(l);
        t.written(t.plan());
        int wakesBefore = wakes.get();
        for (int round = 0; round < 50; round++) {
            assertEquals(4, send(s, l, 4), "round " + round);
            SequenceStateTable.Plan p = t.plan(); // the writer keeps up
            if (p != null) {
                nanos.addAndGet(10_000_000L); // 10 ms per write
                t.written(p);
            }
        }
        assertEquals(200, l.used);
        assertEquals(0, s.heldOut(), "never held back");
        assertTrue(wakes.get() > wakesBefore, "the writer was woken for refills");
        assertTrue(Long.compareUnsigned(s.outLimit(), 200) > 0);
    }

    @Test
    void aFailedWriteKeepsTheSaWithinWhatIsOnDiskAndItAsksAgain() throws Exception {
        SequenceStateTable t = table(List.of());
        SaSequenceState s = t.attach(id(t, 0x1000, (byte) 1), true).state();
        FakeLive l = new FakeLive();
        s.bind(l);
        t.written(t.plan());
        long limit = s.outLimit();
        send(s, l, 12); // past half: asks
        SequenceStateTable.Plan p = t.plan();
        assertNotNull(p);
        t.failed(p); // disk full
        assertEquals(limit, s.outLimit());
        assertEquals(limit - 12, send(s, l, 1000), "the rest of the block, then nothing");
        assertEquals(limit, l.used, "stopped at the end of the reserved block");
        assertTrue(s.heldOut() > 0);
        SequenceStateTable.Plan again = t.plan();
        assertNotNull(again, "asks again after a failure");
        t.written(again);
        assertTrue(send(s, l, 1) == 1, "sends again once the disk takes the block");
    }

    @Test
    void inboundAcceptsOnlyUpToTheSavedMarkAndAsksForMoreWithTheNumberItSaw() throws Exception {
        SequenceStateTable t = table(List.of());
        SaSequenceState s = t.attach(id(t, 0x1000, (byte) 1), true).state();
        t.written(t.plan());
        assertEquals(9, s.inLimit(), "1 + first inbound block");
        assertTrue(s.mayAccept(9));
        assertFalse(s.mayAccept(5000), "a sender that jumped ahead (it restarted): above the mark");
        assertEquals(1, s.heldIn());
        SequenceStateTable.Plan p = t.plan();
        t.written(p);
        assertTrue(Long.compareUnsigned(s.inLimit(), 5000) > 0, "the next block starts at the number seen");
        assertTrue(s.mayAccept(5000));
    }

    @Test
    void aCleanStopWritesTheExactNumbersAndTheNextStartContinuesThem() throws Exception {
        SequenceStateTable t = table(List.of());
        SaIdentity id = id(t, 0x1000, (byte) 1);
        SaSequenceState s = t.attach(id, true).state();
        FakeLive l = new FakeLive();
        s.bind(l);
        t.written(t.plan());
        send(s, l, 10);
        l.top = 7;
        SequenceStateTable.Plan last = t.freeze();
        assertTrue(last.last());
        assertEquals(10, last.records().getFirst().outMark());
        assertEquals(7, last.records().getFirst().inMark());
        assertFalse(s.stillMayUseOut(11), "nothing above the exact mark after the freeze");
        assertFalse(s.mayAccept(8));
        assertNull(t.plan(), "no more writes after the last one");

        List<SequenceRecord> reread = StateFileCodec.decode(StateFileCodec.encode(last.records()));
        SequenceStateTable t2 = table(reread);
        SequenceStateTable.Attached a = t2.attach(id, true);
        assertTrue(a.continued());
        assertEquals(10, a.state().outStart(), "the sender continues above 10");
        assertEquals(7, a.state().inFloor(), "the receiver refuses 1..7");
    }

    @Test
    void afterACrashTheNextStartContinuesAboveEverythingReserved() throws Exception {
        SequenceStateTable t = table(List.of());
        SaIdentity id = id(t, 0x1000, (byte) 1);
        SaSequenceState s = t.attach(id, true).state();
        FakeLive l = new FakeLive();
        s.bind(l);
        SequenceStateTable.Plan onDisk = t.plan();
        t.written(onDisk);
        send(s, l, 5);
        // kill -9: no freeze; what is on disk is the last written plan
        SequenceStateTable t2 = table(StateFileCodec.decode(StateFileCodec.encode(onDisk.records())));
        SaSequenceState s2 = t2.attach(id, true).state();
        assertTrue(
                Long.compareUnsigned(s2.outStart(), 5) >= 0
                        && s2.outStart() == onDisk.records().getFirst().outMark(),
                "starts above every number that may have been used: " + s2.outStart());
    }

    @Test
    void theSameSpiWithFreshKeysStartsFreshAndTheOldRecordStays() throws Exception {
        SequenceStateTable t = table(List.of());
        SaIdentity oldKeys = id(t, 0x1000, (byte) 1);
        SaSequenceState s = t.attach(oldKeys, true).state();
        FakeLive l = new FakeLive();
        s.bind(l);
        t.written(t.plan());
        send(s, l, 10);
        List<SequenceRecord> file = t.freeze().records();
        SequenceStateTable t2 = table(file);
        SaIdentity newKeys = id(t2, 0x1000, (byte) 2);
        assertFalse(newKeys.equals(oldKeys), "another fingerprint");
        SequenceStateTable.Attached a = t2.attach(newKeys, true);
        assertFalse(a.continued(), "fresh keys: no saved marks");
        assertEquals(0, a.state().outStart());
        assertTrue(t2.knows(oldKeys), "the old keys' marks are kept: they may come back");
        assertEquals(2, t2.plan().records().size());
        SequenceStateTable t3 =
                new SequenceStateTable(new byte[32], List.of(), SMALL, nanos::get, seconds::get, () -> {});
        SequenceStateTable t4 = new SequenceStateTable(filled(7), List.of(), SMALL, nanos::get, seconds::get, () -> {});
        assertFalse(id(t3, 1, (byte) 1).equals(id(t4, 1, (byte) 1)), "another directory's salt, another fingerprint");
    }

    @Test
    void aReAddedSaWithTheSameKeysContinuesTheDeadOnesExactNumbers() throws Exception {
        SequenceStateTable t = table(List.of());
        SaIdentity id = id(t, 0x1000, (byte) 1);
        SaSequenceState s = t.attach(id, true).state();
        FakeLive l = new FakeLive();
        s.bind(l);
        t.written(t.plan());
        send(s, l, 6);
        l.top = 4;
        s.release(l); // the SA left the SAD (e.g. a reload)
        SequenceStateTable.Attached a = t.attach(id, true);
        assertSame(s, a.state());
        assertEquals(6, a.state().outStart());
        assertEquals(4, a.state().inFloor());
    }

    @Test
    void ikeRecordsGoWithTheirSaAndOldDormantRecordsArePruned() throws Exception {
        SequenceStateTable t0 = table(List.of());
        SaIdentity dormant = id(t0, 0x2000, (byte) 3);
        List<SequenceRecord> loaded = List.of(new SequenceRecord(dormant, 100, 50, seconds.get()));
        SequenceStateTable t = table(loaded);
        SaIdentity ike = id(t, 0x1000, (byte) 1);
        SaSequenceState s = t.attach(ike, false).state();
        FakeLive l = new FakeLive();
        s.bind(l);
        t.written(t.plan());
        s.release(l);
        s.requestOut(1);
        assertEquals(
                List.of(dormant),
                t.plan().records().stream().map(SequenceRecord::id).toList(),
                "the released IKE SA is not written; the dormant manual one is");
        seconds.addAndGet(101);
        s.requestOut(2);
        assertTrue(t.plan().records().isEmpty(), "past the retention the dormant record goes");
    }

    static byte[] filled(int b) {
        byte[] s = new byte[32];
        java.util.Arrays.fill(s, (byte) b);
        return s;
    }
}
