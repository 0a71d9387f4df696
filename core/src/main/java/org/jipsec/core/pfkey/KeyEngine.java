package org.jipsec.core.pfkey;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.sad.SaLifetime;
import org.jipsec.core.sad.SaState;
import org.jipsec.core.sad.SaValues;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.sad.SecurityAssociationDatabase;
import org.jipsec.core.sad.SecurityAssociationDatabase.Match;
import org.jipsec.core.sad.TransformStateFactory;
import org.jipsec.core.spd.ReqidAllocator;

/**
 * The key management engine: what NetBSD's key.c and keysock.c do for PF_KEY v2 (RFC 2367, KAME extensions;
 * spec §1.9–§1.12, §4.6–§4.9, §4.12), without I/O. Sockets are numbers the io layer opens and closes; a request
 * goes in as bytes or a message and comes out as an {@link Outcome}: messages for sockets (ONE / ALL / REGISTERED
 * targets and promiscuous copies resolved, the requester last) and possibly a lazily built dump.
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

    private enum Target {
        ONE,
        ALL,
        REGISTERED
    }

    private static final class SocketState {
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
    private void sendup(List<Delivery> out, Long sender, PfkeyMessage m, Target target) {
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

    private Outcome reply(long sender, PfkeyMessage m, Target target) {
        List<Delivery> out = new ArrayList<>();
        sendup(out, sender, m, target);
        return Outcome.of(out);
    }

    // ------------------------------------------------------------------------------------------------ requests

    /** GETSPI candidates drawn outside the engine lock for one request ({@link #drawSpiCandidates}). */
    private record DrawnSpis(byte[] request, long min, long max, int[] spis) {}

    private static final ThreadLocal<DrawnSpis> DRAWN = new ThreadLocal<>();
    /** The current request's drawn candidates while {@link #handle(long, byte[])} runs (under the caller's lock). */
    private DrawnSpis drawn;

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
        long[] range = spiRange(st.get(), m.ext(Sadb.SADB_EXT_SPIRANGE, Extension.SpiRange.class));
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
                case Sadb.SADB_GETSPI -> getspi(socket, msg);
                case Sadb.SADB_UPDATE -> update(socket, msg);
                case Sadb.SADB_ADD -> add(socket, msg);
                case Sadb.SADB_DELETE -> delete(socket, msg);
                case Sadb.SADB_GET -> get(socket, msg);
                case Sadb.SADB_ACQUIRE -> acquireRequest(socket, msg);
                case Sadb.SADB_REGISTER -> register(socket, msg);
                case Sadb.SADB_FLUSH -> flush(socket, msg);
                case Sadb.SADB_DUMP -> dump(socket, msg);
                case Sadb.SADB_X_PROMISC -> promisc(socket, msg);
                case Sadb.SADB_X_SPDUPDATE, Sadb.SADB_X_SPDADD, Sadb.SADB_X_SPDSETIDX -> spdAdd(socket, msg);
                case Sadb.SADB_X_SPDDELETE -> spdDelete(socket, msg);
                case Sadb.SADB_X_SPDDELETE2 -> spdDelete2(socket, msg);
                case Sadb.SADB_X_SPDGET -> spdGet(socket, msg);
                case Sadb.SADB_X_SPDFLUSH -> spdFlush(socket, msg);
                case Sadb.SADB_X_SPDDUMP -> spdDump(socket, msg);
                case Sadb.SADB_X_NAT_T_NEW_MAPPING -> natTNewMapping(msg);
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

    /**
     * key_senderror: the request echoed with the errno. Its KEY extensions are left out: key_senderror echoes the whole
     * request, so NetBSD hands a refused ADD's keys to every promiscuous socket, while a successful ADD's broadcast
     * strips them (key_getmsgbuf_x1); the sender knows its keys and matches the reply by type, seq and pid.
     */
    private static PfkeyMessage refusal(PfkeyMessage msg, int errno) {
        if (!msg.has(Sadb.SADB_EXT_KEY_AUTH) && !msg.has(Sadb.SADB_EXT_KEY_ENCRYPT)) return msg.withErrno(errno);
        List<Extension> kept = new ArrayList<>();
        for (Extension e : msg.extensions()) if (!(e instanceof Extension.Key)) kept.add(e);
        return msg.withErrno(errno).withExtensions(kept);
    }

    /** key_parse satype check (spec §1.9 step 5). */
    private static void checkSatype(PfkeyMessage m) throws PfkeyException {
        int t = m.type();
        switch (m.satype()) {
            case Sadb.SADB_SATYPE_UNSPEC -> {
                if (t == Sadb.SADB_GETSPI
                        || t == Sadb.SADB_UPDATE
                        || t == Sadb.SADB_ADD
                        || t == Sadb.SADB_DELETE
                        || t == Sadb.SADB_GET
                        || t == Sadb.SADB_ACQUIRE
                        || t == Sadb.SADB_EXPIRE) {
                    throw PfkeyException.inval("satype UNSPEC not allowed for " + Sadb.messageName(t));
                }
            }
            case Sadb.SADB_SATYPE_AH,
                    Sadb.SADB_SATYPE_ESP,
                    Sadb.SADB_X_SATYPE_IPCOMP,
                    Sadb.SADB_X_SATYPE_TCPSIGNATURE -> {
                if (t == Sadb.SADB_X_SPDADD
                        || t == Sadb.SADB_X_SPDDELETE
                        || t == Sadb.SADB_X_SPDGET
                        || t == Sadb.SADB_X_SPDDUMP
                        || t == Sadb.SADB_X_SPDFLUSH
                        || t == Sadb.SADB_X_SPDSETIDX
                        || t == Sadb.SADB_X_SPDUPDATE
                        || t == Sadb.SADB_X_SPDDELETE2) {
                    throw PfkeyException.inval("satype " + m.satype() + " not allowed for " + Sadb.messageName(t));
                }
            }
            case Sadb.SADB_SATYPE_RSVP, Sadb.SADB_SATYPE_OSPFV2, Sadb.SADB_SATYPE_RIPV2, Sadb.SADB_SATYPE_MIP ->
                throw new PfkeyException(Errno.EOPNOTSUPP, "satype " + m.satype());
            case 1 -> {
                if (t != Sadb.SADB_X_PROMISC) throw PfkeyException.inval("satype 1 only with X_PROMISC");
            }
            default -> throw PfkeyException.inval("invalid satype " + m.satype());
        }
    }

    /** key_parse address check (spec §1.9 step 6). */
    private static void checkAddresses(PfkeyMessage m) throws PfkeyException {
        Optional<Extension.Address> s = m.address(Sadb.SADB_EXT_ADDRESS_SRC);
        Optional<Extension.Address> d = m.address(Sadb.SADB_EXT_ADDRESS_DST);
        if (s.isEmpty() || d.isEmpty()) return;
        Extension.Address src = s.get();
        Extension.Address dst = d.get();
        if (src.proto() != dst.proto()) throw PfkeyException.inval("upper layer protocol mismatch");
        if (src.endpoint().isIpv6() != dst.endpoint().isIpv6()) throw PfkeyException.inval("address family mismatch");
        int bits = src.endpoint().addressBits();
        if (src.prefixLen() > bits || dst.prefixLen() > bits) throw PfkeyException.inval("prefix length");
    }

    private static SaType saType(PfkeyMessage m) throws PfkeyException {
        return SaType.of(m.satype()).orElseThrow(() -> PfkeyException.inval("satype"));
    }

    private static Extension.Address required(PfkeyMessage m, int type) throws PfkeyException {
        return m.address(type).orElseThrow(() -> PfkeyException.inval("missing address extension " + type));
    }

    private static IpsecMode sa2Mode(PfkeyMessage m) throws PfkeyException {
        Optional<Extension.Sa2> sa2 = m.sa2();
        if (sa2.isEmpty()) return IpsecMode.ANY;
        int n = sa2.get().mode();
        return IpsecMode.of(n).orElseThrow(() -> PfkeyException.inval("mode " + n));
    }

    private static int sa2Reqid(PfkeyMessage m) throws PfkeyException {
        int r = m.sa2().map(Extension.Sa2::reqid).orElse(0);
        if (r < 0 || r > 0xffff) throw PfkeyException.inval("reqid " + Integer.toUnsignedString(r));
        return r;
    }

    /** The saidx of an SA message: ports zeroed, then the NAT-T ports applied (spec §1.10 GETSPI). */
    private static SaIndex saidx(PfkeyMessage m, SaType st, IpsecMode mode, int reqid) throws PfkeyException {
        Endpoint src = required(m, Sadb.SADB_EXT_ADDRESS_SRC).endpoint().withPort(0);
        Endpoint dst = required(m, Sadb.SADB_EXT_ADDRESS_DST).endpoint().withPort(0);
        if (m.has(Sadb.SADB_X_EXT_NAT_T_TYPE)) {
            var sp = m.ext(Sadb.SADB_X_EXT_NAT_T_SPORT, Extension.NatTPort.class)
                    .orElseThrow(() -> PfkeyException.inval("NAT-T without SPORT"));
            var dp = m.ext(Sadb.SADB_X_EXT_NAT_T_DPORT, Extension.NatTPort.class)
                    .orElseThrow(() -> PfkeyException.inval("NAT-T without DPORT"));
            src = src.withPort(sp.port());
            dst = dst.withPort(dp.port());
        }
        return new SaIndex(st, mode, reqid, src, dst);
    }

    private long now() {
        return clockSeconds.getAsLong();
    }

    // ------------------------------------------------------------------------------------------------ SA messages

    /** key_api_getspi (spec §1.10, §4.7). */
    private Outcome getspi(long socket, PfkeyMessage m) throws PfkeyException {
        SaType st = saType(m);
        Extension.Address src = required(m, Sadb.SADB_EXT_ADDRESS_SRC);
        Extension.Address dst = required(m, Sadb.SADB_EXT_ADDRESS_DST);
        SaIndex saidx = saidx(m, st, sa2Mode(m), sa2Reqid(m));
        int spi = allocateSpi(st, m.ext(Sadb.SADB_EXT_SPIRANGE, Extension.SpiRange.class));
        long now = now();
        SecurityAssociation sa =
                sad.insert(saidx, Match.REQID, SaValues.larval(spi, m.seq(), m.pid()), SaState.LARVAL, now);
        if (m.seq() != 0) acquires.reset(m.seq(), now);
        PfkeyMessage r = new PfkeyMessage(
                Sadb.PF_KEY_V2,
                Sadb.SADB_GETSPI,
                0,
                m.satype(),
                0,
                sa.seq(),
                m.pid(),
                List.of(new Extension.Sa(spi, 0, 0, 0, 0, 0), src, dst));
        return reply(socket, r, Target.ONE);
    }

    /** The GETSPI range {min, max}: the SPIRANGE extension or net.key.spi_{min,max}_value; IPComp CPIs ≤ 0xffff. */
    private long[] spiRange(SaType st, Optional<Extension.SpiRange> range) {
        long min = range.map(r -> Integer.toUnsignedLong(r.min())).orElse(Integer.toUnsignedLong(settings.spiMinValue));
        long max = range.map(r -> Integer.toUnsignedLong(r.max())).orElse(Integer.toUnsignedLong(settings.spiMaxValue));
        if (st == SaType.IPCOMP) {
            min = Math.min(min, 0xffff);
            max = Math.min(max, 0xffff);
            if (min > max) {
                long t = min;
                min = max;
                max = t;
            }
        }
        return new long[] {min, max};
    }

    /** key_do_getnewspi (spec §4.7). */
    private int allocateSpi(SaType st, Optional<Extension.SpiRange> range) throws PfkeyException {
        long[] r = spiRange(st, range);
        long min = r[0], max = r[1];
        if (min > max) throw PfkeyException.inval("SPI range min > max");
        if (min == max) {
            if (sad.spiInUse((int) min)) throw PfkeyException.inval("SPI " + min + " in use");
            return (int) min;
        }
        DrawnSpis d = drawn;
        drawn = null;
        if (d != null && d.min() == min && d.max() == max) {
            for (int spi : d.spis()) if (!sad.spiInUse(spi)) return spi; // drawn outside the lock: lookups only
            throw PfkeyException.inval("no free SPI in range");
        }
        for (int i = 0; i < Math.max(1, settings.spiTry); i++) {
            int spi = (int) (min + random.nextLong(max - min + 1));
            if (!sad.spiInUse(spi)) return spi;
        }
        throw PfkeyException.inval("no free SPI in range");
    }

    /** key_setsaval + key_init_xform (spec §4.10 "SA sanity"): everything ADD/UPDATE need, validated. */
    private SaValues parameters(PfkeyMessage m, SaType st, int seq, int pid) throws PfkeyException {
        Extension.Sa sa = m.sa().orElseThrow(() -> PfkeyException.inval("missing SA extension"));
        required(m, Sadb.SADB_EXT_ADDRESS_SRC);
        required(m, Sadb.SADB_EXT_ADDRESS_DST);
        Optional<Extension.Key> authKey = m.key(Sadb.SADB_EXT_KEY_AUTH);
        Optional<Extension.Key> encKey = m.key(Sadb.SADB_EXT_KEY_ENCRYPT);
        // key_api_add/key_api_update: ESP needs KEY_ENCRYPT, AH needs KEY_AUTH — except AH with the null
        // algorithm: setkey sends no KEY_AUTH for "-A null" (ipsec-tools parse.y, ALG_AUTH_NOKEY leaves p_key_auth
        // NULL and setkeymsg_add adds KEY_AUTH only "if (p_key_auth)"), and NetBSD's own tests expect
        // "add … ah 10000 -A null;" to be accepted silently (tests/net/ipsec/t_ipsec_ah_keys.sh, algorithms.sh:
        // null "only accept 0 length"). The SA then has a zero-length key, which the null transform ignores.
        boolean ahNullNoKey = st == SaType.AH && sa.auth() == Sadb.SADB_X_AALG_NULL;
        if ((st == SaType.ESP && encKey.isEmpty()) || (st == SaType.AH && authKey.isEmpty() && !ahNullNoKey)) {
            throw PfkeyException.inval("missing key extension");
        }
        Optional<Extension.Lifetime> hard = m.lifetime(Sadb.SADB_EXT_LIFETIME_HARD);
        Optional<Extension.Lifetime> soft = m.lifetime(Sadb.SADB_EXT_LIFETIME_SOFT);
        if (hard.isPresent() != soft.isPresent()) throw PfkeyException.inval("LIFETIME_HARD and _SOFT go together");
        long spi = Integer.toUnsignedLong(sa.spi());
        int flags = sa.flags();
        switch (st) {
            case AH, ESP -> {
                if (spi <= 255) throw PfkeyException.inval("SPI " + spi + " is reserved");
            }
            case IPCOMP -> {
                if ((flags & Sadb.SADB_X_EXT_RAWCPI) == 0 && spi >= 0x10000) throw PfkeyException.inval("CPI > 0xffff");
            }
            default -> {}
        }
        int both = Sadb.SADB_X_EXT_OLD | Sadb.SADB_X_EXT_DERIV;
        if (st == SaType.ESP && (flags & both) == both) throw PfkeyException.inval("DERIV with old ESP");
        if (st == SaType.ESP && (flags & Sadb.SADB_X_EXT_IV4B) != 0 && (flags & Sadb.SADB_X_EXT_OLD) == 0) {
            throw PfkeyException.inval("IV4B without OLD");
        }
        if (st == SaType.AH && (flags & Sadb.SADB_X_EXT_DERIV) != 0) throw PfkeyException.inval("DERIV with AH");
        if ((st == SaType.AH || st == SaType.TCPSIGNATURE) && sa.encrypt() != Sadb.SADB_EALG_NONE) {
            throw PfkeyException.inval("encryption algorithm given to AH/TCP");
        }
        if (st == SaType.IPCOMP && sa.auth() != Sadb.SADB_AALG_NONE) {
            throw PfkeyException.inval("authentication algorithm given to IPComp");
        }
        if (authKey.isPresent()) {
            if (st != SaType.AH && st != SaType.ESP && st != SaType.TCPSIGNATURE)
                throw PfkeyException.inval("KEY_AUTH");
            if (authKey.get().bits() == 0 && sa.auth() != Sadb.SADB_X_AALG_NULL)
                throw PfkeyException.inval("empty auth key");
        }
        if (encKey.isPresent()) {
            if (st == SaType.ESP) {
                if (encKey.get().bits() == 0 && sa.encrypt() != Sadb.SADB_EALG_NULL) {
                    throw PfkeyException.inval("empty encryption key");
                }
            } else if (st != SaType.IPCOMP || encKey.get().bits() != 0) {
                throw PfkeyException.inval("KEY_ENCRYPT");
            }
        }
        // algorithms and key lengths against the one table (esp_init / ah_init0 / ipcomp_init)
        switch (st) {
            case AH -> checkAlgorithm(AlgorithmKind.AUTHENTICATION, sa.auth(), authKey);
            case ESP -> {
                checkAlgorithm(AlgorithmKind.ENCRYPTION, sa.encrypt(), encKey);
                if (sa.auth() != Sadb.SADB_AALG_NONE) checkAlgorithm(AlgorithmKind.AUTHENTICATION, sa.auth(), authKey);
            }
            case IPCOMP -> {
                if (algorithms.byNumber(AlgorithmKind.COMPRESSION, sa.encrypt()).isEmpty()) {
                    throw PfkeyException.inval("unsupported compression algorithm " + sa.encrypt());
                }
            }
            case TCPSIGNATURE -> {
                if (sa.auth() != 252) throw PfkeyException.inval("TCP signature needs tcp-md5");
                int bits = authKey.map(Extension.Key::bits).orElse(0);
                if (bits < 8 || bits > 640) throw PfkeyException.inval("tcp-md5 key length");
            }
            default -> throw new PfkeyException(Errno.EOPNOTSUPP, "satype " + st);
        }
        int natType = 0;
        int frag = 0xffff;
        Endpoint oai = null;
        Endpoint oar = null;
        Optional<Extension.NatTType> nat = m.ext(Sadb.SADB_X_EXT_NAT_T_TYPE, Extension.NatTType.class);
        if (nat.isPresent()) {
            if (!m.has(Sadb.SADB_X_EXT_NAT_T_SPORT) || !m.has(Sadb.SADB_X_EXT_NAT_T_DPORT)) {
                throw PfkeyException.inval("NAT-T type without ports");
            }
            natType = nat.get().natType();
            frag = m.ext(Sadb.SADB_X_EXT_NAT_T_FRAG, Extension.NatTFrag.class)
                    .map(Extension.NatTFrag::fragLen)
                    .orElse(0xffff);
            oai = m.address(Sadb.SADB_X_EXT_NAT_T_OAI)
                    .map(Extension.Address::endpoint)
                    .orElse(null);
            oar = m.address(Sadb.SADB_X_EXT_NAT_T_OAR)
                    .map(Extension.Address::endpoint)
                    .orElse(null);
        }
        return new SaValues(
                sa.spi(),
                sa.auth(),
                authKey.map(Extension.Key::key).orElse(null),
                authKey.map(Extension.Key::bits).orElse(0),
                sa.encrypt(),
                encKey.map(Extension.Key::key).orElse(null),
                encKey.map(Extension.Key::bits).orElse(0),
                flags,
                sa.replay(),
                natType,
                frag,
                oai,
                oar,
                hard.map(KeyEngine::lifetime).orElse(null),
                soft.map(KeyEngine::lifetime).orElse(null),
                seq,
                pid);
    }

    private static SaLifetime lifetime(Extension.Lifetime l) {
        return new SaLifetime(l.allocations(), l.bytes(), l.addtime(), l.usetime());
    }

    private void checkAlgorithm(AlgorithmKind kind, int number, Optional<Extension.Key> key) throws PfkeyException {
        Algorithm a = algorithms
                .byNumber(kind, number)
                .orElseThrow(() -> PfkeyException.inval("unsupported " + kind + " algorithm " + number));
        int bits = key.map(Extension.Key::bits).orElse(0);
        if (!a.keyBits().allows(bits)) {
            throw PfkeyException.inval("invalid key length " + bits + " for " + a.name() + " ("
                    + a.keyBits().describe() + ")");
        }
    }

    /** The ADD/UPDATE reply: the request's extensions in key.c's order, keys stripped (spec §1.10). */
    private static PfkeyMessage addReply(PfkeyMessage m) {
        return m.withErrno(0)
                .keepOnly(
                        Sadb.SADB_EXT_SA,
                        Sadb.SADB_X_EXT_SA2,
                        Sadb.SADB_EXT_ADDRESS_SRC,
                        Sadb.SADB_EXT_ADDRESS_DST,
                        Sadb.SADB_EXT_LIFETIME_HARD,
                        Sadb.SADB_EXT_LIFETIME_SOFT,
                        Sadb.SADB_EXT_IDENTITY_SRC,
                        Sadb.SADB_EXT_IDENTITY_DST,
                        Sadb.SADB_X_EXT_NAT_T_TYPE,
                        Sadb.SADB_X_EXT_NAT_T_SPORT,
                        Sadb.SADB_X_EXT_NAT_T_DPORT,
                        Sadb.SADB_X_EXT_NAT_T_OAI,
                        Sadb.SADB_X_EXT_NAT_T_OAR,
                        Sadb.SADB_X_EXT_NAT_T_FRAG);
    }

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

    private volatile SaAdmission admission = (t, i, v, m) -> null;

    /** Sets the {@link SaAdmission} (default: every SA admitted). */
    public void setAdmission(SaAdmission a) {
        this.admission = java.util.Objects.requireNonNull(a);
    }

    private void admit(SaType st, SaIndex saidx, SaValues p, boolean manual) throws PfkeyException {
        String why = admission.refusal(st, saidx, p, manual);
        if (why != null) {
            p.wipeKeys();
            throw new PfkeyException(Errno.EPERM, why);
        }
    }

    /** Whether {@code socket} sent SADB_REGISTER for {@code satype}: a key-management daemon (key_register). */
    private boolean registeredFor(long socket, int satype) {
        SocketState s = sockets.get(socket);
        return s != null && satype > 0 && satype < Integer.SIZE && (s.registeredSatypes & (1 << satype)) != 0;
    }

    /** key_api_add. */
    private Outcome add(long socket, PfkeyMessage m) throws PfkeyException {
        SaType st = saType(m);
        SaValues p = parameters(m, st, m.seq(), m.pid());
        SaIndex saidx = saidx(m, st, sa2Mode(m), sa2Reqid(m));
        if (sad.findBySpi(saidx, Match.REQID, p.spi()).isPresent()) {
            p.wipeKeys();
            throw new PfkeyException(Errno.EEXIST, "SA with SPI 0x" + Integer.toHexString(p.spi()) + " exists");
        }
        admit(st, saidx, p, !registeredFor(socket, m.satype()));
        sad.insert(saidx, Match.REQID, p, SaState.MATURE, now());
        p.wipeKeys();
        return reply(socket, addReply(m), Target.ALL);
    }

    /** key_api_update: LARVAL (or MATURE/DYING) SA of the same pid replaced by a MATURE one. */
    private Outcome update(long socket, PfkeyMessage m) throws PfkeyException {
        SaType st = saType(m);
        parameters(m, st, 0, 0).wipeKeys(); // validate everything first
        SaIndex saidx = saidx(m, st, sa2Mode(m), sa2Reqid(m));
        if (!sad.hasHead(saidx, Match.REQID)) throw new PfkeyException(Errno.ENOENT, "no SA head");
        int spi = m.sa().orElseThrow().spi();
        SecurityAssociation old = sad.findBySpi(saidx, Match.REQID, spi)
                .orElseThrow(() -> PfkeyException.inval("no SA with SPI 0x" + Integer.toHexString(spi)));
        if (old.pid() != m.pid()) throw PfkeyException.inval("pid mismatch");
        SaValues p = parameters(m, st, old.seq(), old.pid());
        admit(st, saidx, p, old.state() != SaState.LARVAL && !registeredFor(socket, m.satype()));
        sad.replace(old, p, SaState.MATURE);
        p.wipeKeys();
        return reply(socket, addReply(m), Target.ALL);
    }

    /** key_api_delete: one SA by SPI, or every MATURE/DYING SA of the heads ("deleteall"). */
    private Outcome delete(long socket, PfkeyMessage m) throws PfkeyException {
        SaType st = saType(m);
        SaIndex saidx = saidx(m, st, IpsecMode.ANY, 0);
        Optional<Extension.Sa> sa = m.sa();
        if (sa.isPresent()) {
            SecurityAssociation victim = sad.findBySpi(
                            saidx, Match.HEAD, sa.get().spi())
                    .orElseThrow(() -> new PfkeyException(Errno.ENOENT, "no such SA"));
            sad.remove(victim);
            return reply(
                    socket,
                    m.keepOnly(Sadb.SADB_EXT_SA, Sadb.SADB_EXT_ADDRESS_SRC, Sadb.SADB_EXT_ADDRESS_DST),
                    Target.ALL);
        }
        for (SecurityAssociation x : sad.inHeads(saidx, Match.HEAD, SaState.MATURE, SaState.DYING)) sad.remove(x);
        return reply(socket, m.keepOnly(Sadb.SADB_EXT_ADDRESS_SRC, Sadb.SADB_EXT_ADDRESS_DST), Target.ALL);
    }

    /** key_api_get. */
    private Outcome get(long socket, PfkeyMessage m) throws PfkeyException {
        SaType st = saType(m);
        Extension.Sa sa = m.sa().orElseThrow(() -> PfkeyException.inval("missing SA extension"));
        SaIndex saidx = saidx(m, st, IpsecMode.ANY, 0);
        SecurityAssociation found = sad.findBySpi(saidx, Match.HEAD, sa.spi())
                .orElseThrow(() -> new PfkeyException(Errno.ENOENT, "no such SA"));
        return reply(socket, SaMessages.saDump(found, Sadb.SADB_GET, m.seq(), m.pid()), Target.ONE);
    }

    /** key_api_acquire: an error report from the KMd (16 bytes) or a user-requested ACQUIRE. */
    private Outcome acquireRequest(long socket, PfkeyMessage m) throws PfkeyException {
        if (m.extensions().isEmpty()) {
            if (m.seq() != 0) acquires.reset(m.seq(), now());
            return Outcome.NONE;
        }
        SaType st = saType(m);
        if (!m.has(Sadb.SADB_EXT_PROPOSAL)) throw PfkeyException.inval("missing PROPOSAL");
        SaIndex saidx = saidx(m, st, IpsecMode.ANY, 0);
        if (sad.hasHead(saidx, Match.MODE_REQID)) throw new PfkeyException(Errno.EEXIST, "SA exists");
        List<Delivery> out = new ArrayList<>(acquire(saidx, Optional.empty()).deliveries());
        sendup(out, socket, m, Target.REGISTERED);
        return Outcome.of(out);
    }

    /** key_api_register (spec §1.10, §1.13, §4.12). */
    private Outcome register(long socket, PfkeyMessage m) throws PfkeyException {
        SocketState s = sockets.get(socket);
        if (m.satype() != Sadb.SADB_SATYPE_UNSPEC) {
            int bit = 1 << m.satype();
            if ((s.registeredSatypes & bit) != 0) throw new PfkeyException(Errno.EEXIST, "already registered");
            s.registeredSatypes |= bit;
            s.registered = true;
        }
        PfkeyMessage r = new PfkeyMessage(
                Sadb.PF_KEY_V2,
                Sadb.SADB_REGISTER,
                0,
                m.satype(),
                0,
                m.seq(),
                m.pid(),
                SaMessages.supported(algorithms));
        return reply(socket, r, Target.REGISTERED);
    }

    /** key_api_flush. */
    private Outcome flush(long socket, PfkeyMessage m) throws PfkeyException {
        SaType st = saType(m);
        for (SecurityAssociation sa : sad.snapshot(st)) sad.remove(sa);
        return reply(socket, m.withExtensions(List.of()), Target.ALL);
    }

    /** key_api_dump: streamed to the requester, seq counting down to 0. */
    private Outcome dump(long socket, PfkeyMessage m) throws PfkeyException {
        SaType st = saType(m);
        List<SecurityAssociation> all = sad.snapshot(st);
        if (all.isEmpty()) throw new PfkeyException(Errno.ENOENT, "no SAD entries");
        int pid = m.pid();
        DumpStream<SecurityAssociation> stream =
                new DumpStream<>(all, sa -> countedDump(SaMessages.saDump(sa, Sadb.SADB_DUMP, 0, pid)));
        pfkeystat.inc(PfkeyStatistics.PFKEY_STAT_IN_TOTAL); // key_api_dump: the chain counts once
        return new Outcome(List.of(), Optional.of(new Outcome.Dump(socket, stream)));
    }

    /** A dump message as it is built (under the engine lock): its bytes count as IN_BYTES of the dump chain. */
    private PfkeyMessage countedDump(PfkeyMessage m) {
        pfkeystat.dumpBytes(PfkeyCodec.encodedLength(m)); // the seq set afterwards does not change the length
        return m;
    }

    /** key_api_promisc with a bare header: satype 1 on, 0 off; the request is echoed to everyone. */
    private Outcome promisc(long socket, PfkeyMessage m) throws PfkeyException {
        if (!m.extensions().isEmpty()) throw PfkeyException.inval("X_PROMISC with extensions");
        if (m.satype() > 1) throw PfkeyException.inval("X_PROMISC satype");
        sockets.get(socket).promisc = m.satype() == 1;
        return reply(socket, m, Target.ALL);
    }

    private static Optional<Extension.NatTType> natTType(PfkeyMessage m) {
        return m.ext(Sadb.SADB_X_EXT_NAT_T_TYPE, Extension.NatTType.class);
    }

    /** key_api_nat_map: validated, then nothing ("Unused by racoon"), no reply. */
    private Outcome natTNewMapping(PfkeyMessage m) throws PfkeyException {
        if (natTType(m).isEmpty() || !m.has(Sadb.SADB_X_EXT_NAT_T_SPORT) || !m.has(Sadb.SADB_X_EXT_NAT_T_DPORT)) {
            throw PfkeyException.inval("NAT-T mapping needs type and ports");
        }
        return Outcome.NONE;
    }

    // ------------------------------------------------------------------------------------------------ SPD messages

    private static Extension.Policy requiredPolicy(PfkeyMessage m) throws PfkeyException {
        return m.policy().orElseThrow(() -> PfkeyException.inval("missing X_POLICY"));
    }

    private static PolicySelector selector(PfkeyMessage m, PolicyDirection dir) throws PfkeyException {
        Extension.Address src = required(m, Sadb.SADB_EXT_ADDRESS_SRC);
        Extension.Address dst = required(m, Sadb.SADB_EXT_ADDRESS_DST);
        if (dir != PolicyDirection.INBOUND && dir != PolicyDirection.OUTBOUND) {
            throw PfkeyException.inval("policy direction must be in or out");
        }
        return new PolicySelector(dir, src.endpoint(), src.prefixLen(), dst.endpoint(), dst.prefixLen(), src.proto());
    }

    /** key_api_spdadd for X_SPDADD, X_SPDUPDATE and X_SPDSETIDX (spec §1.10, §1.12). */
    private Outcome spdAdd(long socket, PfkeyMessage m) throws PfkeyException {
        Extension.Policy xpl = requiredPolicy(m);
        XPolicy x = xpl.policy();
        PolicySelector sel = selector(m, x.direction());
        if (x.type() == PolicyType.ENTRUST || x.type() == PolicyType.BYPASS) {
            throw PfkeyException.inval("policy type " + x.type().keyword() + " not allowed in the SPD");
        }
        if (x.type() == PolicyType.IPSEC && x.requests().isEmpty() && m.type() != Sadb.SADB_X_SPDSETIDX) {
            throw PfkeyException.inval("ipsec policy without requests");
        }
        List<IpsecRequest> requests = new ArrayList<>();
        if (x.type() == PolicyType.IPSEC) {
            for (IpsecRequest r : x.requests()) {
                if (r.mode() != IpsecMode.TRANSPORT && r.mode() != IpsecMode.TUNNEL) {
                    throw PfkeyException.inval("request mode " + r.mode().keyword());
                }
            }
        }
        Optional<StoredPolicy> existing = policies.findExact(sel);
        if (existing.isPresent()
                && (m.type() != Sadb.SADB_X_SPDUPDATE || existing.get().kernelOrigin())) {
            throw new PfkeyException(Errno.EEXIST, "policy exists");
        }
        // all checks passed: from here on the request takes effect
        if (x.type() == PolicyType.IPSEC) {
            for (IpsecRequest r : x.requests()) {
                int reqid = switch (r.level()) {
                    case UNIQUE -> (r.reqid() == 0 || r.reqid() > Sadb.IPSEC_MANUAL_REQID_MAX) ? newReqid() : r.reqid();
                    default -> 0;
                };
                requests.add(new IpsecRequest(r.protocol(), r.mode(), r.level(), reqid, r.source(), r.destination()));
            }
        }
        Optional<Extension.Lifetime> hard = m.lifetime(Sadb.SADB_EXT_LIFETIME_HARD);
        StoredPolicy added = policies.add(
                sel,
                new XPolicy(x.type(), x.direction(), 0, 0, requests),
                hard.map(Extension.Lifetime::addtime).orElse(0L),
                hard.map(Extension.Lifetime::usetime).orElse(0L),
                m.type() == Sadb.SADB_X_SPDUPDATE);
        int id = added.id();
        List<Extension> ext = new ArrayList<>();
        ext.add(new Extension.Policy(x.withId(id)));
        hard.ifPresent(ext::add);
        ext.add(m.address(Sadb.SADB_EXT_ADDRESS_SRC).orElseThrow());
        ext.add(m.address(Sadb.SADB_EXT_ADDRESS_DST).orElseThrow());
        return reply(socket, m.withExtensions(ext), Target.ALL);
    }

    /** key_newreqid (spec §1.12): 0x4001, 0x4002, …, 0xffff, 0x4000, … */
    private int newReqid() {
        return reqids.next();
    }

    /**
     * The engine's automatic-reqid counter. Per-socket {@code unique} policies (setsockopt) draw from it too, as
     * NetBSD's {@code _key_msg2sp} calls {@code key_newreqid} for both, so a socket's reqid never repeats one the
     * SPD handed out.
     */
    public ReqidAllocator reqids() {
        return reqids;
    }

    /** key_api_spddelete: by exact selector; user-origin only; not found → EINVAL. */
    private Outcome spdDelete(long socket, PfkeyMessage m) throws PfkeyException {
        XPolicy x = requiredPolicy(m).policy();
        PolicySelector sel = selector(m, x.direction());
        StoredPolicy p = policies.findExact(sel)
                .filter(sp -> !sp.kernelOrigin())
                .orElseThrow(() -> PfkeyException.inval("no such policy"));
        policies.remove(p.id());
        List<Extension> ext = List.of(
                new Extension.Policy(x.withId(p.id())),
                m.address(Sadb.SADB_EXT_ADDRESS_SRC).orElseThrow(),
                m.address(Sadb.SADB_EXT_ADDRESS_DST).orElseThrow());
        return reply(socket, m.withExtensions(ext), Target.ALL);
    }

    /** key_api_spddelete2: by id; user-origin only; not found → EINVAL. */
    private Outcome spdDelete2(long socket, PfkeyMessage m) throws PfkeyException {
        Extension.Policy xpl = requiredPolicy(m);
        StoredPolicy p = policies.byId(xpl.policy().id())
                .filter(sp -> !sp.kernelOrigin())
                .orElseThrow(() ->
                        PfkeyException.inval("no policy with id " + xpl.policy().id()));
        policies.remove(p.id());
        return reply(socket, m.keepOnly(Sadb.SADB_X_EXT_POLICY), Target.ALL);
    }

    /** key_api_spdget: by id; not found → ENOENT. */
    private Outcome spdGet(long socket, PfkeyMessage m) throws PfkeyException {
        int id = requiredPolicy(m).policy().id();
        StoredPolicy p = policies.byId(id).orElseThrow(() -> new PfkeyException(Errno.ENOENT, "no policy " + id));
        return reply(socket, SaMessages.spDump(p, Sadb.SADB_X_SPDGET, m.seq(), m.pid()), Target.ONE);
    }

    /** key_api_spdflush: a bare header only; user-origin entries. */
    private Outcome spdFlush(long socket, PfkeyMessage m) throws PfkeyException {
        if (!m.extensions().isEmpty()) throw PfkeyException.inval("X_SPDFLUSH takes no extensions");
        policies.flushUserPolicies();
        return reply(socket, m, Target.ALL);
    }

    /** key_api_spddump: streamed, seq counting down to 0. */
    private Outcome spdDump(long socket, PfkeyMessage m) throws PfkeyException {
        List<StoredPolicy> all = new ArrayList<>(policies.snapshot());
        if (all.isEmpty()) throw new PfkeyException(Errno.ENOENT, "no SPD entries");
        int pid = m.pid();
        DumpStream<StoredPolicy> stream =
                new DumpStream<>(all, p -> countedDump(SaMessages.spDump(p, Sadb.SADB_X_SPDDUMP, 0, pid)));
        pfkeystat.inc(PfkeyStatistics.PFKEY_STAT_IN_TOTAL);
        return new Outcome(List.of(), Optional.of(new Outcome.Dump(socket, stream)));
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
