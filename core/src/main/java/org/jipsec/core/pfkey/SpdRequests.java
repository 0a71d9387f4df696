package org.jipsec.core.pfkey;

import static org.jipsec.core.pfkey.KeyParse.requiredPolicy;
import static org.jipsec.core.pfkey.KeyParse.selector;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;

/**
 * The key engine's SPD messages (NetBSD key.c key_api_spdadd for X_SPDADD/X_SPDUPDATE/X_SPDSETIDX, _spddelete,
 * _spddelete2, _spdget, _spdflush, _spddump; spec §1.10, §1.12). Part of {@link KeyEngine}: the same state, confined
 * to the same caller.
 */
final class SpdRequests {
    private final KeyEngine k;
    private final PolicyStore policies;
    private final PfkeyStatistics pfkeystat;

    SpdRequests(KeyEngine k, PfkeyStatistics pfkeystat) {
        this.k = k;
        this.policies = k.policies();
        this.pfkeystat = pfkeystat;
    }

    /** key_api_spdadd for X_SPDADD, X_SPDUPDATE and X_SPDSETIDX (spec §1.10, §1.12). */
    Outcome spdAdd(long socket, PfkeyMessage m) throws PfkeyException {
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
        return k.reply(socket, m.withExtensions(ext), KeyEngine.Target.ALL);
    }

    /** key_newreqid (spec §1.12): 0x4001, 0x4002, …, 0xffff, 0x4000, … */
    private int newReqid() {
        return k.reqids().next();
    }

    /** key_api_spddelete: by exact selector; user-origin only; not found → EINVAL. */
    Outcome spdDelete(long socket, PfkeyMessage m) throws PfkeyException {
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
        return k.reply(socket, m.withExtensions(ext), KeyEngine.Target.ALL);
    }

    /** key_api_spddelete2: by id; user-origin only; not found → EINVAL. */
    Outcome spdDelete2(long socket, PfkeyMessage m) throws PfkeyException {
        Extension.Policy xpl = requiredPolicy(m);
        StoredPolicy p = policies.byId(xpl.policy().id())
                .filter(sp -> !sp.kernelOrigin())
                .orElseThrow(() ->
                        PfkeyException.inval("no policy with id " + xpl.policy().id()));
        policies.remove(p.id());
        return k.reply(socket, m.keepOnly(Sadb.SADB_X_EXT_POLICY), KeyEngine.Target.ALL);
    }

    /** key_api_spdget: by id; not found → ENOENT. */
    Outcome spdGet(long socket, PfkeyMessage m) throws PfkeyException {
        int id = requiredPolicy(m).policy().id();
        StoredPolicy p = policies.byId(id).orElseThrow(() -> new PfkeyException(Errno.ENOENT, "no policy " + id));
        return k.reply(socket, SaMessages.spDump(p, Sadb.SADB_X_SPDGET, m.seq(), m.pid()), KeyEngine.Target.ONE);
    }

    /** key_api_spdflush: a bare header only; user-origin entries. */
    Outcome spdFlush(long socket, PfkeyMessage m) throws PfkeyException {
        if (!m.extensions().isEmpty()) throw PfkeyException.inval("X_SPDFLUSH takes no extensions");
        policies.flushUserPolicies();
        return k.reply(socket, m, KeyEngine.Target.ALL);
    }

    /** key_api_spddump: streamed, seq counting down to 0. */
    Outcome spdDump(long socket, PfkeyMessage m) throws PfkeyException {
        List<StoredPolicy> all = new ArrayList<>(policies.snapshot());
        if (all.isEmpty()) throw new PfkeyException(Errno.ENOENT, "no SPD entries");
        int pid = m.pid();
        DumpStream<StoredPolicy> stream =
                new DumpStream<>(all, p -> k.countedDump(SaMessages.spDump(p, Sadb.SADB_X_SPDDUMP, 0, pid)));
        pfkeystat.inc(PfkeyStatistics.PFKEY_STAT_IN_TOTAL);
        return new Outcome(List.of(), Optional.of(new Outcome.Dump(socket, stream)));
    }
}
