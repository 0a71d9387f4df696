package org.jipsec.core.pfkey;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.sad.SaLifetime;

/**
 * The key engine's message checks and field readers (NetBSD key.c's key_parse checks, spec §1.9 steps 5 and 6, and
 * the helpers its key_api_* handlers share): pure functions of a decoded message.
 */
final class KeyParse {
    private KeyParse() {}

    /**
     * key_senderror: the request echoed with the errno. Its KEY extensions are left out: key_senderror echoes the whole
     * request, so NetBSD hands a refused ADD's keys to every promiscuous socket, while a successful ADD's broadcast
     * strips them (key_getmsgbuf_x1); the sender knows its keys and matches the reply by type, seq and pid.
     */
    static PfkeyMessage refusal(PfkeyMessage msg, int errno) {
        if (!msg.has(Sadb.SADB_EXT_KEY_AUTH) && !msg.has(Sadb.SADB_EXT_KEY_ENCRYPT)) return msg.withErrno(errno);
        List<Extension> kept = new ArrayList<>();
        for (Extension e : msg.extensions()) if (!(e instanceof Extension.Key)) kept.add(e);
        return msg.withErrno(errno).withExtensions(kept);
    }

    /** key_parse satype check (spec §1.9 step 5). */
    static void checkSatype(PfkeyMessage m) throws PfkeyException {
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
    static void checkAddresses(PfkeyMessage m) throws PfkeyException {
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

    static SaType saType(PfkeyMessage m) throws PfkeyException {
        return SaType.of(m.satype()).orElseThrow(() -> PfkeyException.inval("satype"));
    }

    static Extension.Address required(PfkeyMessage m, int type) throws PfkeyException {
        return m.address(type).orElseThrow(() -> PfkeyException.inval("missing address extension " + type));
    }

    static IpsecMode sa2Mode(PfkeyMessage m) throws PfkeyException {
        Optional<Extension.Sa2> sa2 = m.sa2();
        if (sa2.isEmpty()) return IpsecMode.ANY;
        int n = sa2.get().mode();
        return IpsecMode.of(n).orElseThrow(() -> PfkeyException.inval("mode " + n));
    }

    static int sa2Reqid(PfkeyMessage m) throws PfkeyException {
        int r = m.sa2().map(Extension.Sa2::reqid).orElse(0);
        if (r < 0 || r > 0xffff) throw PfkeyException.inval("reqid " + Integer.toUnsignedString(r));
        return r;
    }

    /** The saidx of an SA message: ports zeroed, then the NAT-T ports applied (spec §1.10 GETSPI). */
    static SaIndex saidx(PfkeyMessage m, SaType st, IpsecMode mode, int reqid) throws PfkeyException {
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

    static SaLifetime lifetime(Extension.Lifetime l) {
        return new SaLifetime(l.allocations(), l.bytes(), l.addtime(), l.usetime());
    }

    /** The ADD/UPDATE reply: the request's extensions in key.c's order, keys stripped (spec §1.10). */
    static PfkeyMessage addReply(PfkeyMessage m) {
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

    static Optional<Extension.NatTType> natTType(PfkeyMessage m) {
        return m.ext(Sadb.SADB_X_EXT_NAT_T_TYPE, Extension.NatTType.class);
    }

    static Extension.Policy requiredPolicy(PfkeyMessage m) throws PfkeyException {
        return m.policy().orElseThrow(() -> PfkeyException.inval("missing X_POLICY"));
    }

    static PolicySelector selector(PfkeyMessage m, PolicyDirection dir) throws PfkeyException {
        Extension.Address src = required(m, Sadb.SADB_EXT_ADDRESS_SRC);
        Extension.Address dst = required(m, Sadb.SADB_EXT_ADDRESS_DST);
        if (dir != PolicyDirection.INBOUND && dir != PolicyDirection.OUTBOUND) {
            throw PfkeyException.inval("policy direction must be in or out");
        }
        return new PolicySelector(dir, src.endpoint(), src.prefixLen(), dst.endpoint(), dst.prefixLen(), src.proto());
    }
}
