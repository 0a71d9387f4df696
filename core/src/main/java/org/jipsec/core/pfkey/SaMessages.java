package org.jipsec.core.pfkey;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.sad.SaLifetime;
import org.jipsec.core.sad.SaState;
import org.jipsec.core.sad.SecurityAssociation;

/** Builds the kernel → user messages of key.c (spec §1.11, §1.13). */
final class SaMessages {
    private SaMessages() {}

    private static Extension.Lifetime lifetime(int type, SaLifetime l) {
        return new Extension.Lifetime(type, l.allocations(), l.bytes(), l.addtimeSeconds(), l.usetimeSeconds());
    }

    private static Extension.Lifetime current(SecurityAssociation sa) {
        // key_setdumpsa: usetime 0 stays 0 (NetBSD converts it to the boot time; jipsec reports "never").
        return new Extension.Lifetime(
                Sadb.SADB_EXT_LIFETIME_CURRENT,
                sa.allocations() & 0xffffffffL,
                sa.bytes(),
                sa.createdSeconds(),
                sa.lastUsedSeconds());
    }

    private static Extension.Sa saExt(SecurityAssociation sa) {
        return new Extension.Sa(
                sa.spi(),
                sa.replayWindowBytes(),
                sa.state().number(),
                sa.authAlgorithm(),
                sa.encryptAlgorithm(),
                sa.flags());
    }

    private static Extension.Sa2 sa2(SecurityAssociation sa) {
        return new Extension.Sa2(sa.mode().number(), sa.sequence(), sa.reqid());
    }

    /** key_setdumpsa (GET, DUMP): the SA with its keys, in NetBSD's extension order. */
    static PfkeyMessage saDump(SecurityAssociation sa, int type, int seq, int pid) {
        List<Extension> x = new ArrayList<>();
        x.add(saExt(sa));
        x.add(sa2(sa));
        if (sa.hasLifetimes()) {
            x.add(lifetime(Sadb.SADB_EXT_LIFETIME_HARD, sa.hardLifetime()));
            x.add(lifetime(Sadb.SADB_EXT_LIFETIME_SOFT, sa.softLifetime()));
        }
        x.add(current(sa));
        x.add(Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, sa.source()));
        x.add(Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, sa.destination()));
        if (sa.state() != SaState.DEAD) {
            sa.authKey().ifPresent(k -> x.add(new Extension.Key(Sadb.SADB_EXT_KEY_AUTH, sa.authKeyBits(), k)));
            sa.encryptKey().ifPresent(k -> x.add(new Extension.Key(Sadb.SADB_EXT_KEY_ENCRYPT, sa.encryptKeyBits(), k)));
        }
        x.add(new Extension.NatTType(sa.natTType()));
        if (sa.natTType() != 0) {
            x.add(new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_SPORT, sa.natTSourcePort()));
            x.add(new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_DPORT, sa.natTDestinationPort()));
            if (sa.natTFragLength() != 0xffff) x.add(new Extension.NatTFrag(sa.natTFragLength()));
        }
        return PfkeyMessage.of(type, sa.saType().number(), seq, pid, x);
    }

    /** key_expire: soft (LIFETIME_SOFT) or, jipsec's addition, hard (LIFETIME_HARD) SADB_EXPIRE (spec §1.11). */
    static PfkeyMessage expire(SecurityAssociation sa, boolean hard) {
        List<Extension> x = new ArrayList<>();
        x.add(saExt(sa));
        x.add(sa2(sa));
        x.add(current(sa));
        x.add(
                hard
                        ? lifetime(Sadb.SADB_EXT_LIFETIME_HARD, sa.hardLifetime())
                        : lifetime(Sadb.SADB_EXT_LIFETIME_SOFT, sa.softLifetime()));
        x.add(Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, sa.source()));
        x.add(Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, sa.destination()));
        return PfkeyMessage.of(Sadb.SADB_EXPIRE, sa.saType().number(), sa.seq(), 0, x);
    }

    private static List<Extension> spSelector(StoredPolicy p) {
        PolicySelector s = p.selector();
        return List.of(
                new Extension.Address(Sadb.SADB_EXT_ADDRESS_SRC, s.upperProtocol(), s.sourcePrefixBits(), s.source()),
                new Extension.Address(
                        Sadb.SADB_EXT_ADDRESS_DST, s.upperProtocol(), s.destinationPrefixBits(), s.destination()));
    }

    /** key_setdumpsp (X_SPDGET, X_SPDDUMP): SRC, DST, X_POLICY; no lifetimes (as NetBSD). */
    static PfkeyMessage spDump(StoredPolicy p, int type, int seq, int pid) {
        List<Extension> x = new ArrayList<>(spSelector(p));
        x.add(new Extension.Policy(p.policy()));
        return PfkeyMessage.of(type, Sadb.SADB_SATYPE_UNSPEC, seq, pid, x);
    }

    /** key_spdexpire (spec §1.11). */
    static PfkeyMessage spExpire(StoredPolicy p) {
        List<Extension> x = new ArrayList<>();
        x.add(new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_CURRENT, 0, 0, p.createdSeconds(), p.lastUsedSeconds()));
        x.add(new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_HARD, 0, 0, p.lifetimeSeconds(), p.validtimeSeconds()));
        x.addAll(spSelector(p));
        x.add(new Extension.Policy(p.policy()));
        return PfkeyMessage.of(Sadb.SADB_X_SPDEXPIRE, Sadb.SADB_SATYPE_UNSPEC, 0, 0, x);
    }

    /** key_acquire's message (spec §1.11): SRC, DST (full prefix, proto 255), [X_POLICY without requests], PROPOSAL. */
    static PfkeyMessage acquire(
            SaIndex saidx, int seq, Optional<XPolicy> policy, Optional<Extension.Proposal> proposal) {
        List<Extension> x = new ArrayList<>();
        x.add(Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, saidx.source()));
        x.add(Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, saidx.destination()));
        policy.ifPresent(
                p -> x.add(new Extension.Policy(new XPolicy(p.type(), p.direction(), p.id(), p.flags(), List.of()))));
        proposal.ifPresent(x::add);
        return PfkeyMessage.of(Sadb.SADB_ACQUIRE, saidx.saType().number(), seq, 0, x);
    }

    private static Extension.Comb comb(int auth, int authMin, int authMax, int enc, int encMin, int encMax) {
        // key_getcomb_setlifetime: allocations 1/1, bytes 0/0, addtime 69120/86400, usetime 23040/28800
        return new Extension.Comb(
                auth, enc, 0, authMin, authMax, encMin, encMax, 1, 1, 0, 0, 69120, 86400, 23040, 28800);
    }

    /** key_getprop (spec §1.11): the ACQUIRE proposal for {@code saType}; empty if no comb. */
    static Optional<Extension.Proposal> proposal(SaType saType, AlgorithmCatalog catalog, KeySettings s) {
        List<Extension.Comb> combs = new ArrayList<>();
        switch (saType) {
            case ESP -> {
                List<Extension.Comb> ah = ahCombs(catalog, s);
                for (Algorithm a : catalog.all(AlgorithmKind.ENCRYPTION)) {
                    if (a.number() < 1 || a.number() > 250 || a.keyBits().maxBits() < s.espKeymin) continue;
                    int min = Math.max(a.keyBits().minBits(), s.espKeymin);
                    int max = a.keyBits().maxBits();
                    if (s.espAuth != 0) {
                        for (Extension.Comb c : ah) {
                            combs.add(comb(c.auth(), c.authMinBits(), c.authMaxBits(), a.number(), min, max));
                        }
                    } else {
                        combs.add(comb(0, 0, 0, a.number(), min, max));
                    }
                }
            }
            case AH -> combs.addAll(ahCombs(catalog, s));
            case IPCOMP -> {
                for (Algorithm a : catalog.all(AlgorithmKind.COMPRESSION)) combs.add(comb(0, 0, 0, a.number(), 0, 0));
            }
            default -> {}
        }
        return combs.isEmpty() ? Optional.empty() : Optional.of(new Extension.Proposal(32, combs));
    }

    /** key_getcomb_ah: HMAC-MD5/SHA1/SHA2 whose min key ≥ ah_keymin, prepended (so in descending number order). */
    private static List<Extension.Comb> ahCombs(AlgorithmCatalog catalog, KeySettings s) {
        List<Extension.Comb> out = new ArrayList<>();
        for (Algorithm a : catalog.all(AlgorithmKind.AUTHENTICATION)) {
            int n = a.number();
            if (n != 2 && n != 3 && n != 5 && n != 6 && n != 7) continue;
            if (a.keyBits().minBits() < s.ahKeymin) continue;
            out.addFirst(comb(n, a.keyBits().minBits(), a.keyBits().maxBits(), 0, 0, 0));
        }
        out.sort((x, y) -> Integer.compare(y.auth(), x.auth()));
        return out;
    }

    /** key_api_register's reply body (spec §1.10, §1.13): SUPPORTED_AUTH and SUPPORTED_ENCRYPT, each if non-empty. */
    static List<Extension> supported(AlgorithmCatalog catalog) {
        List<Extension> x = new ArrayList<>();
        List<Extension.Alg> auth = new ArrayList<>();
        for (Algorithm a : catalog.all(AlgorithmKind.AUTHENTICATION)) {
            if (a.number() < 1 || a.number() > 251) continue;
            auth.add(new Extension.Alg(
                    a.number(), 0, a.keyBits().minBits(), a.keyBits().maxBits()));
        }
        List<Extension.Alg> enc = new ArrayList<>();
        for (Algorithm a : catalog.all(AlgorithmKind.ENCRYPTION)) {
            if (a.number() < 1 || a.number() > 250) continue;
            // sadb_alg_ivlen = the cipher block size, as NetBSD fills it
            enc.add(new Extension.Alg(
                    a.number(),
                    a.blockBytes(),
                    a.keyBits().minBits(),
                    a.keyBits().maxBits()));
        }
        auth.sort((p, q) -> Integer.compare(p.id(), q.id()));
        enc.sort((p, q) -> Integer.compare(p.id(), q.id()));
        if (!auth.isEmpty()) x.add(new Extension.Supported(Sadb.SADB_EXT_SUPPORTED_AUTH, auth));
        if (!enc.isEmpty()) x.add(new Extension.Supported(Sadb.SADB_EXT_SUPPORTED_ENCRYPT, enc));
        return x;
    }
}
