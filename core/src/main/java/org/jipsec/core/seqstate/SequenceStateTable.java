package org.jipsec.core.seqstate;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.xform.SequenceGuard;

/**
 * Every SA's saved sequence state (issue #12) and the plans of what to write: the model of a state directory, with
 * the file I/O left to the caller. The caller's writer loop:
 *
 * <pre>
 *   plan = table.plan()            // null: nothing to reserve
 *   write StateFileCodec.encode(plan.records()), fsync file and directory
 *   table.written(plan)            // the packet path may now use the new blocks
 *   (or table.failed(plan): the SAs stay within what is on disk, asking again)
 * </pre>
 *
 * <p>Blocks adapt to each SA's rate: they start at {@link Settings#firstOut}/{@link Settings#firstIn} numbers, double
 * when the previous block lasted under a second (quadruple when packets had to wait), halve when it lasted over a
 * minute, within the settings' bounds; a block is asked for when half of the last one is left, so at a steady rate
 * the write has about half a second to finish before any packet waits. The outbound blocks can be generous (numbers
 * skipped after a crash cost nothing); the inbound ones are small to start with, because after a crash the receiver
 * refuses up to one block of numbers above the last one it accepted, and a sender that did not restart has to send
 * past them.
 *
 * <p>A clean stop ({@link #freeze}) writes the exact numbers used, so stop and start skip nothing. Records of SAs
 * not present keep their marks (the same keys may come back) until {@link Settings#retentionSeconds} after they
 * were last written. SAs a key-management daemon negotiated ({@code manual} false: fresh keys from a key exchange)
 * are never written: their keys live only in the SAD, as in NetBSD's kernel, and die with it — after a restart the
 * daemon negotiates new ones — so a record of them could only clutter the file. Their state still guards the packet
 * path while they live. A negotiated SA whose identity (SPI, addresses and key fingerprint) matches a saved record
 * continues it and is kept as manual: the same keys must never restart their counter, whoever installs them.
 *
 * <p>Threads: {@link #attach}, {@link #guardFor} run on the engine's thread, {@link #plan}/{@link #written} on the
 * writer's; the table's monitor is held only for map work, never for I/O or by the packet path.
 */
public final class SequenceStateTable {

    /** Block sizes (numbers) and how long records of absent SAs are kept. */
    public record Settings(
            int firstOut, int minOut, int maxOut, int firstIn, int minIn, int maxIn, long retentionSeconds) {
        public static final Settings DEFAULTS = new Settings(4096, 1024, 1 << 22, 64, 64, 1 << 20, 90L * 86400);

        public Settings {
            if (minOut < 2 || minIn < 2 || firstOut < minOut || firstOut > maxOut || firstIn < minIn || firstIn > maxIn)
                throw new IllegalArgumentException("block sizes");
        }
    }

    /** What {@link #attach} found: the state, and whether it continues saved marks. */
    public record Attached(SaSequenceState state, boolean continued) {}

    /** One write: every record, and the limits each SA gets once it is on disk. */
    public record Plan(List<SequenceRecord> records, List<Raise> raises, boolean last) {}

    /** Limits that become usable when the plan's write completed. */
    public record Raise(SaSequenceState state, long out, long in) {}

    private final byte[] salt;
    private final Settings settings;
    private final LongSupplier nanoTime;
    private final LongSupplier epochSeconds;
    private final Runnable wake;
    private final Map<SaIdentity, SequenceRecord> dormant = new LinkedHashMap<>();
    private final Map<SaIdentity, SaSequenceState> states = new LinkedHashMap<>();
    private boolean frozen;

    /**
     * @param salt         the directory's fingerprint salt ({@link KeyFingerprint})
     * @param loaded       the records read from the state file
     * @param nanoTime     a monotonic clock (block sizing)
     * @param epochSeconds wall-clock seconds (the records' {@code savedAt}, pruning)
     * @param wake         wakes the writer; called on the packet path, must not block
     */
    public SequenceStateTable(
            byte[] salt,
            List<SequenceRecord> loaded,
            Settings settings,
            LongSupplier nanoTime,
            LongSupplier epochSeconds,
            Runnable wake) {
        this.salt = salt.clone();
        this.settings = Objects.requireNonNull(settings);
        this.nanoTime = Objects.requireNonNull(nanoTime);
        this.epochSeconds = Objects.requireNonNull(epochSeconds);
        this.wake = Objects.requireNonNull(wake);
        for (SequenceRecord r : loaded) dormant.put(r.id(), r);
    }

    /** The identity of an SA with these values (keys read, not kept). */
    public SaIdentity identity(
            int satype,
            int spi,
            InetAddress src,
            InetAddress dst,
            int encryptAlgorithm,
            byte[] encryptKey,
            int authAlgorithm,
            byte[] authKey) {
        return new SaIdentity(
                satype,
                spi,
                src.getAddress(),
                dst.getAddress(),
                KeyFingerprint.of(salt, satype, encryptAlgorithm, encryptKey, authAlgorithm, authKey));
    }

    /** The identity of {@code sa}. */
    public SaIdentity identity(SecurityAssociation sa) {
        byte[] ek = sa.encryptKey().orElse(null);
        byte[] ak = sa.authKey().orElse(null);
        try {
            return identity(
                    sa.saType().number(),
                    sa.spi(),
                    sa.source().address(),
                    sa.destination().address(),
                    sa.encryptAlgorithm(),
                    ek,
                    sa.authAlgorithm(),
                    ak);
        } finally {
            if (ek != null) Arrays.fill(ek, (byte) 0);
            if (ak != null) Arrays.fill(ak, (byte) 0);
        }
    }

    /** Whether saved marks exist for {@code id} (on disk or made in this process). */
    public synchronized boolean knows(SaIdentity id) {
        return states.containsKey(id) || dormant.containsKey(id);
    }

    /**
     * The state of {@code id}: the one in use, else one continuing the saved record, else a fresh one from 0. Either
     * way its first blocks are asked for at once (the writer reserves them before the SA's first packet, if it can).
     *
     * @param manual false for an SA an IKE daemon installed (its record goes when the SA goes)
     */
    public synchronized Attached attach(SaIdentity id, boolean manual) {
        SaSequenceState s = states.get(id);
        if (s != null) {
            if (manual) s.manual = true; // the same keys, now also installed by hand
            return new Attached(s, true);
        }
        SequenceRecord r = dormant.remove(id);
        s = new SaSequenceState(
                id,
                r == null ? 0 : r.outMark(),
                r == null ? 0 : r.inMark(),
                manual || r != null,
                settings.firstOut(),
                settings.firstIn(),
                wake);
        states.put(id, s);
        if (!frozen) {
            s.requestOut(s.loadedOut + 1);
            s.requestIn(s.loadedIn + 1);
        }
        return new Attached(s, r != null);
    }

    /**
     * The engine's hook ({@code IpsecEngine.setSequenceGuards}): the guard of an SA with sequence numbers (ESP, AH);
     * {@link SequenceGuard#NONE} for IPComp, which has none.
     */
    public SequenceGuard guardFor(SecurityAssociation sa) {
        if (sa.saType() != SaType.ESP && sa.saType() != SaType.AH) return SequenceGuard.NONE;
        SaIdentity id = identity(sa);
        synchronized (this) {
            SaSequenceState s = states.get(id); // admitted already: keep how it came
            if (s != null) return s;
        }
        return attach(id, true).state();
    }

    /** The states attached in this process (status, tests). */
    public synchronized List<SaSequenceState> states() {
        return List.copyOf(states.values());
    }

    /** Packets held back (not sent, not accepted) for want of saved numbers, over every SA. */
    public synchronized long held() {
        long n = 0;
        for (SaSequenceState s : states.values()) n += s.heldOut() + s.heldIn();
        return n;
    }

    /** The next write, or null when no SA asks for a block. */
    public synchronized Plan plan() {
        if (frozen) return null;
        List<Raise> raises = new ArrayList<>();
        long now = nanoTime.getAsLong();
        for (SaSequenceState s : states.values()) {
            boolean out = s.outPending, in = s.inPending;
            if (!out && !in) continue;
            s.outPending = false; // cleared before the wants are read
            s.inPending = false;
            long newOut = s.outLimit(), newIn = s.inLimit();
            if (out) {
                s.outBlock =
                        nextBlock(s.outBlock, s.outRanOut, s.outReservedAt, now, settings.minOut(), settings.maxOut());
                newOut = SaSequenceState.unsignedMax(newOut, add(s.wantOut(), s.outBlock));
            }
            if (in) {
                s.inBlock = nextBlock(s.inBlock, s.inRanOut, s.inReservedAt, now, settings.minIn(), settings.maxIn());
                newIn = SaSequenceState.unsignedMax(newIn, add(s.wantIn(), s.inBlock));
            }
            raises.add(new Raise(s, newOut, newIn));
        }
        if (raises.isEmpty()) return null;
        return new Plan(records(raises), List.copyOf(raises), false);
    }

    /** The plan's write is on disk: its SAs may use their new blocks. */
    public synchronized void written(Plan p) {
        long now = nanoTime.getAsLong();
        for (Raise r : p.raises()) {
            SaSequenceState s = r.state();
            if (Long.compareUnsigned(r.out(), s.outLimit()) > 0) {
                s.outReservedAt = now;
                s.outRanOut = false;
            }
            if (Long.compareUnsigned(r.in(), s.inLimit()) > 0) {
                s.inReservedAt = now;
                s.inRanOut = false;
            }
            s.raise(r.out(), r.in());
        }
    }

    /** The plan's write failed: its SAs keep their limits and ask again. */
    public synchronized void failed(Plan p) {
        for (Raise r : p.raises()) {
            SaSequenceState s = r.state();
            if (Long.compareUnsigned(r.out(), s.outLimit()) > 0) s.outPending = true;
            if (Long.compareUnsigned(r.in(), s.inLimit()) > 0) s.inPending = true;
        }
    }

    /**
     * A clean stop: every SA's limits come down to the numbers it actually used (nothing above them is used after
     * this), and the returned plan — the last — writes exactly those, so the next start continues without a gap.
     */
    public synchronized Plan freeze() {
        frozen = true;
        List<Raise> exact = new ArrayList<>();
        for (SaSequenceState s : states.values()) {
            long[] v = s.freeze();
            exact.add(new Raise(s, v[0], v[1]));
        }
        return new Plan(records(exact), List.of(), true);
    }

    /** Every record to write: the SAs of this process (with {@code raises}' limits), then the dormant ones. */
    private List<SequenceRecord> records(List<Raise> raises) {
        java.util.IdentityHashMap<SaSequenceState, Raise> by = new java.util.IdentityHashMap<>();
        for (Raise r : raises) by.put(r.state(), r);
        long now = epochSeconds.getAsLong();
        List<SequenceRecord> out = new ArrayList<>();
        for (SaSequenceState s : states.values()) {
            if (!s.manual) continue; // negotiated keys die with the SAD
            Raise r = by.get(s);
            out.add(new SequenceRecord(
                    s.id(), r != null ? r.out() : s.outLimit(), r != null ? r.in() : s.inLimit(), now));
        }
        dormant.values().removeIf(r -> now - r.savedAt() > settings.retentionSeconds());
        out.addAll(dormant.values());
        return out;
    }

    private static int nextBlock(int block, boolean ranOut, long reservedAt, long now, int min, int max) {
        if (reservedAt == 0) return block; // the first block: no rate known yet
        long since = now - reservedAt;
        long b = block;
        if (ranOut) b = b * 4;
        else if (since < 1_000_000_000L) b = b * 2;
        else if (since > 60_000_000_000L) b = b / 2;
        return (int) Math.max(min, Math.min(max, b));
    }

    /** {@code a + b} unsigned, saturating at 2^64 - 1. */
    private static long add(long a, long b) {
        long s = a + b;
        return Long.compareUnsigned(s, a) < 0 ? -1L : s;
    }
}
