package org.jipsec.core.pfkey;

import static org.jipsec.core.pfkey.KeyParse.addReply;
import static org.jipsec.core.pfkey.KeyParse.natTType;
import static org.jipsec.core.pfkey.KeyParse.required;
import static org.jipsec.core.pfkey.KeyParse.sa2Mode;
import static org.jipsec.core.pfkey.KeyParse.sa2Reqid;
import static org.jipsec.core.pfkey.KeyParse.saType;
import static org.jipsec.core.pfkey.KeyParse.saidx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.sad.SaState;
import org.jipsec.core.sad.SaValues;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.sad.SecurityAssociationDatabase;
import org.jipsec.core.sad.SecurityAssociationDatabase.Match;

/**
 * The key engine's SA messages (NetBSD key.c key_api_getspi, _update, _add, _delete, _get, _acquire, _register,
 * _flush, _dump, _promisc, _nat_map; spec §1.10, §4.7, §4.12), with GETSPI's SPI allocation and the admission step.
 * Part of {@link KeyEngine}: the same state, confined to the same caller.
 */
final class SaRequests {
    private final KeyEngine k;
    private final SecurityAssociationDatabase sad;
    private final AcquireTable acquires;
    private final KeySettings settings;
    private final RandomGenerator random;
    private final AlgorithmCatalog algorithms;
    private final Map<Long, KeyEngine.SocketState> sockets;
    private final PfkeyStatistics pfkeystat;

    SaRequests(
            KeyEngine k,
            AcquireTable acquires,
            RandomGenerator random,
            AlgorithmCatalog algorithms,
            Map<Long, KeyEngine.SocketState> sockets,
            PfkeyStatistics pfkeystat) {
        this.k = k;
        this.sad = k.sad();
        this.acquires = acquires;
        this.settings = k.settings();
        this.random = random;
        this.algorithms = algorithms;
        this.sockets = sockets;
        this.pfkeystat = pfkeystat;
    }

    /** key_api_getspi (spec §1.10, §4.7). */
    Outcome getspi(long socket, PfkeyMessage m) throws PfkeyException {
        SaType st = saType(m);
        Extension.Address src = required(m, Sadb.SADB_EXT_ADDRESS_SRC);
        Extension.Address dst = required(m, Sadb.SADB_EXT_ADDRESS_DST);
        SaIndex saidx = saidx(m, st, sa2Mode(m), sa2Reqid(m));
        int spi = allocateSpi(st, m.ext(Sadb.SADB_EXT_SPIRANGE, Extension.SpiRange.class));
        long now = k.now();
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
        return k.reply(socket, r, KeyEngine.Target.ONE);
    }

    /** The GETSPI range {min, max}: the SPIRANGE extension or net.key.spi_{min,max}_value; IPComp CPIs ≤ 0xffff. */
    long[] spiRange(SaType st, Optional<Extension.SpiRange> range) {
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
        KeyEngine.DrawnSpis d = k.drawn;
        k.drawn = null;
        if (d != null && d.min() == min && d.max() == max) {
            for (int spi : d.spis()) if (!sad.spiInUse(spi)) return spi; // k.drawn outside the lock: lookups only
            throw PfkeyException.inval("no free SPI in range");
        }
        for (int i = 0; i < Math.max(1, settings.spiTry); i++) {
            int spi = (int) (min + random.nextLong(max - min + 1));
            if (!sad.spiInUse(spi)) return spi;
        }
        throw PfkeyException.inval("no free SPI in range");
    }

    private void admit(SaType st, SaIndex saidx, SaValues p, boolean manual) throws PfkeyException {
        String why = k.admission.refusal(st, saidx, p, manual);
        if (why != null) {
            p.wipeKeys();
            throw new PfkeyException(Errno.EPERM, why);
        }
    }

    /** Whether {@code socket} sent SADB_REGISTER for {@code satype}: a key-management daemon (key_register). */
    private boolean registeredFor(long socket, int satype) {
        KeyEngine.SocketState s = sockets.get(socket);
        return s != null && satype > 0 && satype < Integer.SIZE && (s.registeredSatypes & (1 << satype)) != 0;
    }

    /** key_api_add. */
    Outcome add(long socket, PfkeyMessage m) throws PfkeyException {
        SaType st = saType(m);
        SaValues p = SaParameters.parse(algorithms, m, st, m.seq(), m.pid());
        SaIndex saidx = saidx(m, st, sa2Mode(m), sa2Reqid(m));
        if (sad.findBySpi(saidx, Match.REQID, p.spi()).isPresent()) {
            p.wipeKeys();
            throw new PfkeyException(Errno.EEXIST, "SA with SPI 0x" + Integer.toHexString(p.spi()) + " exists");
        }
        admit(st, saidx, p, !registeredFor(socket, m.satype()));
        sad.insert(saidx, Match.REQID, p, SaState.MATURE, k.now());
        p.wipeKeys();
        return k.reply(socket, addReply(m), KeyEngine.Target.ALL);
    }

    /** key_api_update: LARVAL (or MATURE/DYING) SA of the same pid replaced by a MATURE one. */
    Outcome update(long socket, PfkeyMessage m) throws PfkeyException {
        SaType st = saType(m);
        SaParameters.parse(algorithms, m, st, 0, 0).wipeKeys(); // validate everything first
        SaIndex saidx = saidx(m, st, sa2Mode(m), sa2Reqid(m));
        if (!sad.hasHead(saidx, Match.REQID)) throw new PfkeyException(Errno.ENOENT, "no SA head");
        int spi = m.sa().orElseThrow().spi();
        SecurityAssociation old = sad.findBySpi(saidx, Match.REQID, spi)
                .orElseThrow(() -> PfkeyException.inval("no SA with SPI 0x" + Integer.toHexString(spi)));
        if (old.pid() != m.pid()) throw PfkeyException.inval("pid mismatch");
        SaValues p = SaParameters.parse(algorithms, m, st, old.seq(), old.pid());
        admit(st, saidx, p, old.state() != SaState.LARVAL && !registeredFor(socket, m.satype()));
        sad.replace(old, p, SaState.MATURE);
        p.wipeKeys();
        return k.reply(socket, addReply(m), KeyEngine.Target.ALL);
    }

    /** key_api_delete: one SA by SPI, or every MATURE/DYING SA of the heads ("deleteall"). */
    Outcome delete(long socket, PfkeyMessage m) throws PfkeyException {
        SaType st = saType(m);
        SaIndex saidx = saidx(m, st, IpsecMode.ANY, 0);
        Optional<Extension.Sa> sa = m.sa();
        if (sa.isPresent()) {
            SecurityAssociation victim = sad.findBySpi(
                            saidx, Match.HEAD, sa.get().spi())
                    .orElseThrow(() -> new PfkeyException(Errno.ENOENT, "no such SA"));
            sad.remove(victim);
            return k.reply(
                    socket,
                    m.keepOnly(Sadb.SADB_EXT_SA, Sadb.SADB_EXT_ADDRESS_SRC, Sadb.SADB_EXT_ADDRESS_DST),
                    KeyEngine.Target.ALL);
        }
        for (SecurityAssociation x : sad.inHeads(saidx, Match.HEAD, SaState.MATURE, SaState.DYING)) sad.remove(x);
        return k.reply(socket, m.keepOnly(Sadb.SADB_EXT_ADDRESS_SRC, Sadb.SADB_EXT_ADDRESS_DST), KeyEngine.Target.ALL);
    }

    /** key_api_get. */
    Outcome get(long socket, PfkeyMessage m) throws PfkeyException {
        SaType st = saType(m);
        Extension.Sa sa = m.sa().orElseThrow(() -> PfkeyException.inval("missing SA extension"));
        SaIndex saidx = saidx(m, st, IpsecMode.ANY, 0);
        SecurityAssociation found = sad.findBySpi(saidx, Match.HEAD, sa.spi())
                .orElseThrow(() -> new PfkeyException(Errno.ENOENT, "no such SA"));
        return k.reply(socket, SaMessages.saDump(found, Sadb.SADB_GET, m.seq(), m.pid()), KeyEngine.Target.ONE);
    }

    /** key_api_acquire: an error report from the KMd (16 bytes) or a user-requested ACQUIRE. */
    Outcome acquireRequest(long socket, PfkeyMessage m) throws PfkeyException {
        if (m.extensions().isEmpty()) {
            if (m.seq() != 0) acquires.reset(m.seq(), k.now());
            return Outcome.NONE;
        }
        SaType st = saType(m);
        if (!m.has(Sadb.SADB_EXT_PROPOSAL)) throw PfkeyException.inval("missing PROPOSAL");
        SaIndex saidx = saidx(m, st, IpsecMode.ANY, 0);
        if (sad.hasHead(saidx, Match.MODE_REQID)) throw new PfkeyException(Errno.EEXIST, "SA exists");
        List<Delivery> out = new ArrayList<>(k.acquire(saidx, Optional.empty()).deliveries());
        k.sendup(out, socket, m, KeyEngine.Target.REGISTERED);
        return Outcome.of(out);
    }

    /** key_api_register (spec §1.10, §1.13, §4.12). */
    Outcome register(long socket, PfkeyMessage m) throws PfkeyException {
        KeyEngine.SocketState s = sockets.get(socket);
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
        return k.reply(socket, r, KeyEngine.Target.REGISTERED);
    }

    /** key_api_flush. */
    Outcome flush(long socket, PfkeyMessage m) throws PfkeyException {
        SaType st = saType(m);
        for (SecurityAssociation sa : sad.snapshot(st)) sad.remove(sa);
        return k.reply(socket, m.withExtensions(List.of()), KeyEngine.Target.ALL);
    }

    /** key_api_dump: streamed to the requester, seq counting down to 0. */
    Outcome dump(long socket, PfkeyMessage m) throws PfkeyException {
        SaType st = saType(m);
        List<SecurityAssociation> all = sad.snapshot(st);
        if (all.isEmpty()) throw new PfkeyException(Errno.ENOENT, "no SAD entries");
        int pid = m.pid();
        DumpStream<SecurityAssociation> stream =
                new DumpStream<>(all, sa -> k.countedDump(SaMessages.saDump(sa, Sadb.SADB_DUMP, 0, pid)));
        pfkeystat.inc(PfkeyStatistics.PFKEY_STAT_IN_TOTAL); // key_api_dump: the chain counts once
        return new Outcome(List.of(), Optional.of(new Outcome.Dump(socket, stream)));
    }

    /** key_api_promisc with a bare header: satype 1 on, 0 off; the request is echoed to everyone. */
    Outcome promisc(long socket, PfkeyMessage m) throws PfkeyException {
        if (!m.extensions().isEmpty()) throw PfkeyException.inval("X_PROMISC with extensions");
        if (m.satype() > 1) throw PfkeyException.inval("X_PROMISC satype");
        sockets.get(socket).promisc = m.satype() == 1;
        return k.reply(socket, m, KeyEngine.Target.ALL);
    }

    /** key_api_nat_map: validated, then nothing ("Unused by racoon"), no reply. */
    Outcome natTNewMapping(PfkeyMessage m) throws PfkeyException {
        if (natTType(m).isEmpty() || !m.has(Sadb.SADB_X_EXT_NAT_T_SPORT) || !m.has(Sadb.SADB_X_EXT_NAT_T_DPORT)) {
            throw PfkeyException.inval("NAT-T mapping needs type and ports");
        }
        return Outcome.NONE;
    }
}
