package org.jipsec.core.pfkey;

import static org.jipsec.core.pfkey.KeyParse.checkAddresses;
import static org.jipsec.core.pfkey.KeyParse.checkSatype;
import static org.jipsec.core.pfkey.KeyParse.refusal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.sad.SaLifetime;
import org.jipsec.core.sad.SaState;
import org.jipsec.core.sad.SaValues;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.sad.SecurityAssociationDatabase;
import org.jipsec.core.sad.TransformStateFactory;
import org.jipsec.core.spd.ReqidAllocator;

/**
 * The key management engine: what NetBSD's key.c and keysock.c do for PF_KEY v2 (RFC 2367, KAME extensions;
 * spec §1.9–§1.12, §4.6–§4.9, §4.12), without I/O. Sockets are numbers the io layer opens and closes; a request
 * goes in as bytes or a message and comes out as an {@link Outcome}: messages for sockets (ONE / ALL / REGISTERED
 * targets and promiscuous copies resolved, the requester last) and possibly a lazily built dump.
 *
 * <p>Split by job, one engine over one state: this class keeps the sockets and their delivery (keysock.c), the
 * request dispatch (key_parse), the data path's ACQUIRE and lookups, the timer and the sysctl dumps; the SA messages
 * are {@link SaRequests}, the SPD messages {@link SpdRequests}, the message checks {@link KeyParse} and the validated
 * SA values of ADD/UPDATE {@link SaParameters}.
 *
 * <p>Time comes from {@code clockSeconds} (wall-clock seconds; PF_KEY lifetimes report it), SPIs from
 * {@code random}. {@link #tick()} is key_timehandler: lifetimes, larval SAs, ACQUIRE entries, SP lifetimes.
 *
 * <p>Not thread-safe: one thread at a time (the io layer holds a lock around every call, dump streaming
 * included). Differences from NetBSD, each chosen on purpose:
 * <ul>
 *   <li>Errors NetBSD reports through send(2) (malformed message, spec §1.9 steps 1, 3, 4) are answered with the
 *       request's base header carrying the errno, because a stream socket cannot fail a write per message.</li>
 *   <li>Hard expiry sends a hard SADB_EXPIRE ({@link KeySettings#sendHardExpire}); hard limits are enforced in
 *       MATURE state too (NetBSD checks them only once DYING, so an SA with only a hard lifetime never died).</li>
 *   <li>Dumps are streamed completely (no truncation); promiscuous sockets get no copies of dump messages.</li>
 *   <li>An ACQUIRE is delivered at once (NetBSD queues it for the 1-second timer).</li>
 *   <li>"Local address" in the GETSPI duplicate check: jipsec does not know its addresses, so any alive SA with the
 *       same SPI counts as a duplicate.</li>
 * </ul>
 */
public final class KeyEngine {

    enum Target {
        ONE,
        ALL,
        REGISTERED
    }

    static final class SocketState {
        boolean promisc;
        boolean registered;
        int registeredSatypes;
    }

    private final KeySettings settings;
    private final LongSupplier clockSeconds;
    private final RandomGenerator random;
    private final PolicyStore policies;
    private final AlgorithmCatalog algorithms;
    private final SecurityAssociationDatabase sad = new SecurityAssociationDatabase();
    private final AcquireTable acquires = new AcquireTable();
    private final KeyStatistics.Counters stats = new KeyStatistics.Counters();
    private final PfkeyStatistics pfkeystat = new PfkeyStatistics();
    private final Map<Long, SocketState> sockets = new LinkedHashMap<>();
    private long lastSocketId;
    /** The key_newreqid counter; per-socket policies draw from it too, so automatic reqids come from one place. */
    private final ReqidAllocator reqids = new ReqidAllocator();
    /** The SA and SPD message handlers: parts of this engine, over the same state. */
    private final SaRequests saRequests;

    private final SpdRequests spdRequests;

    public KeyEngine(
            KeySettings settings,
            LongSupplier clockSeconds,
            RandomGenerator random,
            PolicyStore policies,
            AlgorithmCatalog algorithms) {
        this.settings = settings;
        this.clockSeconds = clockSeconds;
        this.random = random;
        this.policies = policies;
        this.algorithms = algorithms;
        this.saRequests = new SaRequests(this, acquires, random, algorithms, sockets, pfkeystat);
        this.spdRequests = new SpdRequests(this, pfkeystat);
    }

    public KeySettings settings() {
        return settings;
    }

    public SecurityAssociationDatabase sad() {
        return sad;
    }

    /**
     * The data path's factory of per-SA transform state (the IPsec engine injects it): every SA gets its state when
     * it becomes MATURE (ADD, UPDATE) and loses it, keys zeroed, when it leaves the SAD (DELETE, FLUSH, hard
     * expiry, replacement). SAs usable already get theirs now.
     */
    public void setTransformFactory(TransformStateFactory factory) {
        sad.setTransformFactory(factory);
    }

    public PolicyStore policies() {
        return policies;
    }

    // ------------------------------------------------------------------------------------------------ sockets

    /** A new PF_KEY socket (key_attach). */
    public long openSocket() {
        long id = ++lastSocketId;
        sockets.put(id, new SocketState());
        return id;
    }

    /** Closing a socket drops its registrations and promiscuous mode (spec §4.12). */
    public void closeSocket(long id) {
        sockets.remove(id);
    }

    public int socketCount() {
        return sockets.size();
    }

    /** keysock.c key_sendup_mbuf: promiscuous copies to every promiscuous socket, then targets, the sender last. */
    void sendup(List<Delivery> out, Long sender, PfkeyMessage m, Target target) {
        pfkeystat.sent(m.type(), PfkeyCodec.encodedLength(m));
        for (Map.Entry<Long, SocketState> e : sockets.entrySet()) {
            long id = e.getKey();
            SocketState s = e.getValue();
            if (s.promisc) {
                out.add(new Delivery(id, m, true, false));
                stats.promiscCopies++;
                pfkeystat.inc(PfkeyStatistics.PFKEY_STAT_IN_MSGTYPE + Sadb.SADB_X_PROMISC); // key_sendup0
            }
            if (sender != null && id == sender) continue;
            pfkeystat.inc(PfkeyStatistics.PFKEY_STAT_IN_MSGTARGET + target.ordinal()); // every other socket
            boolean send = switch (target) {
                case ONE -> false;
                case ALL -> true;
                case REGISTERED -> s.registered;
            };
            if (send) {
                out.add(new Delivery(id, m, false, target == Target.REGISTERED));
                count(target);
            }
        }
        if (sender != null && sockets.containsKey(sender)) {
            out.add(new Delivery(sender, m, false, false));
            count(target);
        }
    }

    private void count(Target target) {
        switch (target) {
            case ONE -> stats.sentOne++;
            case ALL -> stats.sentAll++;
            case REGISTERED -> stats.sentRegistered++;
        }
    }

    /** A snapshot of the counters. */
    public KeyStatistics statistics() {
        return stats.snapshot();
    }

    /** NetBSD's {@code pfkeystat} ({@code net.key.stats}): a copy of the counters at keysock.h's indices. */
    public long[] pfkeyStatistics() {
        return pfkeystat.snapshot();
    }

    /** The socket layer could not queue a message for a socket (NetBSD: sbappendaddr failed, IN_NOMEM). */
    public void countDeliveryDropped() {
        pfkeystat.inc(PfkeyStatistics.PFKEY_STAT_IN_NOMEM);
    }

    /** A PF_KEY connection failed at the socket layer (PFKEY_STAT_SOCKERR). */
    public void countSocketError() {
        pfkeystat.inc(PfkeyStatistics.PFKEY_STAT_SOCKERR);
    }

    Outcome reply(long sender, PfkeyMessage m, Target target) {
        List<Delivery> out = new ArrayList<>();
        sendup(out, sender, m, target);
        return Outcome.of(out);
    }

    // ------------------------------------------------------------------------------------------------ requests

    /** GETSPI candidates drawn outside the engine lock for one request ({@link #drawSpiCandidates}). */
    record DrawnSpis(byte[] request, long min, long max, int[] spis) {}

    private static final ThreadLocal<DrawnSpis> DRAWN = new ThreadLocal<>();
    /** The current request's drawn candidates while {@link #handle(long, byte[])} runs (under the caller's lock). */
    DrawnSpis drawn;

    /**
     * Called <em>outside</em> the engine lock by the thread that will then call {@link #handle(long, byte[])} with the
     * same array under the lock (PfkeyServer's reader): if {@code raw} is a GETSPI whose range needs a search, its
     * {@code net.key.spi_try} random candidates (key_do_getnewspi's loop) are drawn now, so that under the lock GETSPI
     * only checks them against the SAD. A GETSPI over a huge range with a large {@code spi_try} then never holds the
     * lock the data plane needs while it draws, and the work under the lock is bounded by {@code spi_try} (the sysctl
     * refuses values above {@link org.jipsec.core.sysctl.Sysctl#SPI_TRY_MAX}) lookups.
     *
     * <p>Reads only the settings (volatile) and the random source, which is then used from two threads: it must be
     * thread-safe (jipsecd's {@code SecureRandom} is). Without this call GETSPI draws under the caller's lock.
     */
    public void drawSpiCandidates(byte[] raw) {
        DRAWN.remove();
        if (raw.length < PfkeyCodec.BASE_BYTES || (raw[1] & 0xff) != Sadb.SADB_GETSPI) return;
        PfkeyMessage m;
        try {
            m = PfkeyCodec.decode(raw);
        } catch (PfkeyException e) {
            return; // answered under the lock
        }
        Optional<SaType> st = SaType.of(m.satype());
        if (st.isEmpty()) return;
        long[] range = saRequests.spiRange(st.get(), m.ext(Sadb.SADB_EXT_SPIRANGE, Extension.SpiRange.class));
        if (range[0] >= range[1]) return;
        int[] spis = new int[Math.max(1, settings.spiTry)];
        for (int i = 0; i < spis.length; i++) spis[i] = (int) (range[0] + random.nextLong(range[1] - range[0] + 1));
        DRAWN.set(new DrawnSpis(raw, range[0], range[1], spis));
    }

    /** A request as bytes, exactly one message (keysock.c key_output → key_parse). */
    public Outcome handle(long socket, byte[] raw) {
        DrawnSpis d = DRAWN.get();
        DRAWN.remove();
        drawn = d != null && d.request() == raw ? d : null;
        try {
            return handleRaw(socket, raw);
        } finally {
            drawn = null;
        }
    }

    private Outcome handleRaw(long socket, byte[] raw) {
        pfkeystat.request(raw);
        stats.requests++;
        stats.requestBytes += raw.length;
        if (raw.length >= 2) stats.requestsByType[raw[1] & 0xff]++;
        if (raw.length > PfkeyCodec.BASE_BYTES && (raw[1] & 0xff) == Sadb.SADB_X_PROMISC)
            return promiscForward(socket, raw);
        PfkeyMessage msg;
        try {
            msg = PfkeyCodec.decode(raw);
        } catch (PfkeyException e) {
            return headerError(socket, raw, e);
        }
        try {
            return handle(socket, msg);
        } finally {
            wipeKeys(msg); // issue #12: the decoded KEY extensions die with the request (the SAD holds its own copy)
        }
    }

    /** Zeroes the key bytes of a message's KEY extensions (a request once handled, a dump once encoded). */
    public static void wipeKeys(PfkeyMessage m) {
        for (Extension e : m.extensions()) if (e instanceof Extension.Key k) k.wipe();
    }

    private Outcome headerError(long socket, byte[] raw, PfkeyException e) {
        pfkeystat.malformed(e.malformation());
        stats.malformed++;
        stats.refusedByErrno[e.errno().number()]++;
        if (raw.length < PfkeyCodec.BASE_BYTES) return Outcome.NONE;
        PfkeyMessage echo = new PfkeyMessage(
                raw[0] & 0xff,
                raw[1] & 0xff,
                e.errno().number(),
                raw[3] & 0xff,
                PfkeyCodec.u16(raw, 6),
                PfkeyCodec.i32(raw, 8),
                PfkeyCodec.i32(raw, 12),
                List.of());
        return reply(socket, echo, Target.ONE);
    }

    /** X_PROMISC longer than a base header: the payload, itself a message, goes to every socket (key_api_promisc). */
    private Outcome promiscForward(long socket, byte[] raw) {
        try {
            if (PfkeyCodec.frameLength(raw) != raw.length) {
                throw PfkeyException.malformed(PfkeyException.Malformation.BAD_LENGTH, "sadb_msg_len");
            }
            if ((raw[0] & 0xff) != Sadb.PF_KEY_V2) {
                throw PfkeyException.malformed(PfkeyException.Malformation.BAD_VERSION, "version");
            }
            if (raw.length > Sadb.MAX_REQUEST_BYTES) throw new PfkeyException(Errno.ENOBUFS, "too large");
            byte[] inner = java.util.Arrays.copyOfRange(raw, PfkeyCodec.BASE_BYTES, raw.length);
            PfkeyMessage payload = PfkeyCodec.decode(inner, 0, inner.length, Sadb.MAX_REQUEST_BYTES);
            return reply(socket, payload, Target.ALL);
        } catch (PfkeyException e) {
            return headerError(socket, raw, e);
        }
    }

    /** A decoded request (key_parse from the satype check on). Failures are answered with the request + errno. */
    public Outcome handle(long socket, PfkeyMessage request) {
        if (!sockets.containsKey(socket)) return Outcome.NONE;
        // A request's sadb_msg_errno means nothing (except in a KMd's bare ACQUIRE error report, key_acquire2):
        // every reply and broadcast built from it carries 0 on success, as key.c sets newmsg->sadb_msg_errno = 0
        // (key_api_spdadd, key_api_spdflush, key_api_delete...) and key_senderror sets the error on failure.
        boolean kmdError =
                request.type() == Sadb.SADB_ACQUIRE && request.extensions().isEmpty();
        PfkeyMessage msg = request.errno() == 0 || kmdError ? request : request.withErrno(0);
        try {
            try {
                checkSatype(msg);
            } catch (PfkeyException e) {
                pfkeystat.keyParseRefusal(PfkeyStatistics.PFKEY_STAT_OUT_INVSATYPE);
                throw e;
            }
            try {
                checkAddresses(msg);
            } catch (PfkeyException e) {
                pfkeystat.keyParseRefusal(-1);
                throw e;
            }
            return switch (msg.type()) {
                case Sadb.SADB_GETSPI -> saRequests.getspi(socket, msg);
                case Sadb.SADB_UPDATE -> saRequests.update(socket, msg);
                case Sadb.SADB_ADD -> saRequests.add(socket, msg);
                case Sadb.SADB_DELETE -> saRequests.delete(socket, msg);
                case Sadb.SADB_GET -> saRequests.get(socket, msg);
                case Sadb.SADB_ACQUIRE -> saRequests.acquireRequest(socket, msg);
                case Sadb.SADB_REGISTER -> saRequests.register(socket, msg);
                case Sadb.SADB_FLUSH -> saRequests.flush(socket, msg);
                case Sadb.SADB_DUMP -> saRequests.dump(socket, msg);
                case Sadb.SADB_X_PROMISC -> saRequests.promisc(socket, msg);
                case Sadb.SADB_X_SPDUPDATE, Sadb.SADB_X_SPDADD, Sadb.SADB_X_SPDSETIDX ->
                    spdRequests.spdAdd(socket, msg);
                case Sadb.SADB_X_SPDDELETE -> spdRequests.spdDelete(socket, msg);
                case Sadb.SADB_X_SPDDELETE2 -> spdRequests.spdDelete2(socket, msg);
                case Sadb.SADB_X_SPDGET -> spdRequests.spdGet(socket, msg);
                case Sadb.SADB_X_SPDFLUSH -> spdRequests.spdFlush(socket, msg);
                case Sadb.SADB_X_SPDDUMP -> spdRequests.spdDump(socket, msg);
                case Sadb.SADB_X_NAT_T_NEW_MAPPING -> saRequests.natTNewMapping(msg);
                // spec §1.9 step 7: RESERVED, EXPIRE, X_PCHANGE, X_SPDACQUIRE, X_SPDEXPIRE have no handler
                default -> {
                    pfkeystat.keyParseRefusal(PfkeyStatistics.PFKEY_STAT_OUT_INVMSGTYPE);
                    throw PfkeyException.inval("no handler for " + Sadb.messageName(msg.type()));
                }
            };
        } catch (PfkeyException e) {
            stats.refusedByErrno[e.errno().number()]++;
            return reply(socket, refusal(msg, e.errno().number()), Target.ONE);
        } catch (IllegalArgumentException e) {
            // a value the message carries that our value types refuse (e.g. reqid out of range)
            stats.refusedByErrno[Errno.EINVAL.number()]++;
            return reply(socket, refusal(msg, Errno.EINVAL.number()), Target.ONE);
        }
    }

    long now() {
        return clockSeconds.getAsLong();
    }

    // ------------------------------------------------------------------------------------------------ SA messages

    /**
     * A last word on each SA about to be installed (issue #12: saved sequence state, {@code --strict-keys}): told of
     * every SADB_ADD and SADB_UPDATE. {@code manual} is false for an SA a key-management daemon negotiated: the
     * SADB_UPDATE of a LARVAL SA made by SADB_GETSPI (racoon's and charon's inbound SAs), or an SADB_ADD/UPDATE from
     * a socket that sent SADB_REGISTER for the SA's type (their outbound SAs; RFC 2367 §3.1.2: REGISTER is how a
     * key-management daemon announces itself; NetBSD's key_register registers nothing for an UNSPEC REGISTER,
     * setkey's, spec §1.10). Any other
     * SADB_ADD — setkey, {@code --config} — is manual keying. A non-null answer refuses the message with EPERM; the
     * callee says why in its own log (the PF_KEY reply has only an errno). It may read the keys, not keep them.
     */
    @FunctionalInterface
    public interface SaAdmission {
        String refusal(SaType type, SaIndex index, SaValues values, boolean manual);
    }

    volatile SaAdmission admission = (t, i, v, m) -> null;

    /** Sets the {@link SaAdmission} (default: every SA admitted). */
    public void setAdmission(SaAdmission a) {
        this.admission = java.util.Objects.requireNonNull(a);
    }

    /** A dump message as it is built (under the engine lock): its bytes count as IN_BYTES of the dump chain. */
    PfkeyMessage countedDump(PfkeyMessage m) {
        pfkeystat.dumpBytes(PfkeyCodec.encodedLength(m)); // the seq set afterwards does not change the length
        return m;
    }

    // ------------------------------------------------------------------------------------------------ SPD messages

    /**
     * The engine's automatic-reqid counter. Per-socket {@code unique} policies (setsockopt) draw from it too, as
     * NetBSD's {@code _key_msg2sp} calls {@code key_newreqid} for both, so a socket's reqid never repeats one the
     * SPD handed out.
     */
    public ReqidAllocator reqids() {
        return reqids;
    }

    // ------------------------------------------------------------------------------------------------ data path

    /**
     * key_acquire (spec §4.7): the data path found no SA for {@code saidx}. Rate limited per saidx; the ACQUIRE goes
     * to registered sockets at once.
     */
    public Outcome acquire(SaIndex saidx, Optional<StoredPolicy> policy) {
        AcquireTable.Entry e = acquires.trigger(saidx, now(), settings);
        if (e == null) return Outcome.NONE;
        PfkeyMessage msg = SaMessages.acquire(
                saidx,
                e.seq,
                policy.map(StoredPolicy::policy),
                SaMessages.proposal(saidx.saType(), algorithms, settings));
        List<Delivery> out = new ArrayList<>();
        sendup(out, null, msg, Target.REGISTERED);
        return Outcome.of(out);
    }

    /** Outbound SA for a request (spec §4.6), honouring {@code net.key.prefered_oldsa}. */
    public Optional<SecurityAssociation> lookupOutbound(SaIndex request) {
        return sad.lookupOutbound(request, settings.preferedOldsa != 0);
    }

    /** Inbound SA by (destination, protocol, SPI), O(1) (spec §4.6). */
    public Optional<SecurityAssociation> lookupInbound(java.net.InetAddress destination, SaType saType, int spi) {
        return sad.lookupInbound(destination, saType, spi);
    }

    // ------------------------------------------------------------------------------------------------ timer

    /** key_timehandler (spec §4.1, §4.7, §4.9): call once a second. */
    public Outcome tick() {
        long now = now();
        List<Delivery> out = new ArrayList<>();
        for (StoredPolicy p : policies.expire(now)) sendup(out, null, SaMessages.spExpire(p), Target.REGISTERED);
        List<SecurityAssociation> kill = new ArrayList<>();
        List<SecurityAssociation> hardKill = new ArrayList<>();
        List<SecurityAssociation> dying = new ArrayList<>();
        sad.forEachTimed(sa -> {
            switch (sa.state()) {
                case LARVAL -> {
                    if (now - sa.createdSeconds() > settings.larvalLifetime) kill.add(sa);
                }
                case MATURE -> {
                    if (!sa.hasLifetimes()) return;
                    if (hardExceeded(sa, now)) {
                        hardKill.add(sa);
                        return;
                    }
                    SaLifetime soft = sa.softLifetime();
                    if (soft.addtimeSeconds() != 0 && now - sa.createdSeconds() > soft.addtimeSeconds()) {
                        if (sa.allocations() == 0) hardKill.add(sa); // never used: dies (NetBSD: silently)
                        else dying.add(sa);
                    } else if (soft.bytes() != 0 && sa.bytes() > soft.bytes()) {
                        dying.add(sa);
                    }
                }
                case DYING -> {
                    if (sa.hasLifetimes() && hardExceeded(sa, now)) hardKill.add(sa);
                }
                case DEAD -> kill.add(sa);
            }
        });
        for (SecurityAssociation sa : kill) sad.remove(sa);
        for (SecurityAssociation sa : dying) {
            sad.changeState(sa, SaState.DYING);
            sendup(out, null, SaMessages.expire(sa, false), Target.REGISTERED);
        }
        for (SecurityAssociation sa : hardKill) {
            if (settings.sendHardExpire) sendup(out, null, SaMessages.expire(sa, true), Target.REGISTERED);
            sad.remove(sa);
        }
        acquires.expire(now, settings);
        return Outcome.of(out);
    }

    private static boolean hardExceeded(SecurityAssociation sa, long now) {
        SaLifetime hard = sa.hardLifetime();
        return (hard.addtimeSeconds() != 0 && now - sa.createdSeconds() > hard.addtimeSeconds())
                || (hard.bytes() != 0 && sa.bytes() > hard.bytes());
    }

    /**
     * {@code net.key.dumpsa.<satype>} (spec §5.4): the SADB_DUMP messages of that SA type concatenated (pid 0, seq
     * counting down to 0); empty if there are none or the satype is unknown.
     */
    public byte[] dumpSaBytes(int satype) {
        Optional<SaType> st = SaType.of(satype);
        if (st.isEmpty()) return new byte[0];
        return concat(new DumpStream<>(sad.snapshot(st.get()), sa -> SaMessages.saDump(sa, Sadb.SADB_DUMP, 0, 0)));
    }

    /** {@code net.key.dumpsp}: every X_SPDDUMP message concatenated. */
    public byte[] dumpSpBytes() {
        return concat(new DumpStream<>(
                new ArrayList<>(policies.snapshot()), p -> SaMessages.spDump(p, Sadb.SADB_X_SPDDUMP, 0, 0)));
    }

    /**
     * The messages encoded back to back, in one array sized once (a growing buffer would leave copies of the keys
     * behind); each message's keys and each encoded part are zeroed once copied. The caller owns the result.
     */
    private static byte[] concat(DumpStream<?> stream) {
        List<byte[]> parts = new ArrayList<>();
        long total = 0;
        while (stream.hasNext()) {
            PfkeyMessage m = stream.next();
            byte[] b = PfkeyCodec.encode(m);
            wipeKeys(m);
            parts.add(b);
            total += b.length;
        }
        byte[] out = new byte[(int) Math.min(total, Integer.MAX_VALUE - 8)];
        int off = 0;
        for (byte[] b : parts) {
            int n = Math.min(b.length, out.length - off);
            System.arraycopy(b, 0, out, off, n);
            off += n;
            java.util.Arrays.fill(b, (byte) 0);
        }
        return out;
    }

    /** Consistency of every structure (tests, fuzzing): empty when all is well. */
    public List<String> checkInvariants() {
        List<String> problems = new ArrayList<>(sad.checkInvariants());
        if (!acquires.consistent()) problems.add("ACQUIRE table indexes disagree");
        for (StoredPolicy p : policies.snapshot()) {
            if (!policies.byId(p.id())
                    .map(q -> q.selector().equals(p.selector()))
                    .orElse(false)) {
                problems.add("policy id index: " + p.id());
            }
            if (policies.findExact(p.selector()).map(StoredPolicy::id).orElse(-1) != p.id()) {
                problems.add("policy selector index: " + p.id());
            }
        }
        if (policies.snapshot().size() != policies.size()) problems.add("policy count");
        return problems;
    }
}
