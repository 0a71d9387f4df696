package org.jipsec.core.config;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecLevel;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.pfkey.StoredPolicy;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.sad.SaLifetime;
import org.jipsec.core.sad.SecurityAssociation;

/**
 * Whether a running SA or policy is what a planned one would install — then it is kept as it is. Compared: for an SA
 * everything key.c key_setsaval takes from an SADB_ADD (SA type, SPI, the requested index: addresses and NAT-T ports, mode, reqid,
 * algorithms, keys and their bit lengths, flags, replay window, NAT-T type/fragment size/original addresses, hard
 * and soft lifetimes) and that it is usable (MATURE or DYING); for a policy the selector, type, direction, the
 * request chain as key_api_spdadd stores it (reqid 0 unless {@code unique}; a {@code unique} request without a
 * manual reqid matches any automatic one) and the hard lifetime.
 */
final class SameConfiguration {
    private SameConfiguration() {}

    /**
     * @param requested the index the configuration's {@code add} gave for {@code sa} ({@link Installed#requested}), or
     *                  null for an SA it did not add: then the SA's own index is compared
     */
    static boolean sa(SecurityAssociation sa, SaIndex requested, PlannedSa planned) {
        if (!sa.state().usable() || sa.spi() != planned.spi()) return false;
        if (!(requested != null ? requested : sa.index()).equals(planned.index())) return false;
        PfkeyMessage m = planned.addMessage(0);
        Extension.Sa x = m.sa().orElseThrow();
        if (sa.authAlgorithm() != x.auth()
                || sa.encryptAlgorithm() != x.encrypt()
                || sa.flags() != x.flags()
                || sa.replayWindowBytes() != x.replay()) {
            return false;
        }
        if (!sameKey(sa.authKey(), sa.authKeyBits(), m.key(Sadb.SADB_EXT_KEY_AUTH))
                || !sameKey(sa.encryptKey(), sa.encryptKeyBits(), m.key(Sadb.SADB_EXT_KEY_ENCRYPT))) {
            return false;
        }
        int natType = m.ext(Sadb.SADB_X_EXT_NAT_T_TYPE, Extension.NatTType.class)
                .map(Extension.NatTType::natType)
                .orElse(0);
        int frag = natType == 0
                ? 0xffff
                : m.ext(Sadb.SADB_X_EXT_NAT_T_FRAG, Extension.NatTFrag.class)
                        .map(Extension.NatTFrag::fragLen)
                        .orElse(0xffff);
        Optional<Endpoint> oai = natType == 0
                ? Optional.empty()
                : m.address(Sadb.SADB_X_EXT_NAT_T_OAI).map(Extension.Address::endpoint);
        Optional<Endpoint> oar = natType == 0
                ? Optional.empty()
                : m.address(Sadb.SADB_X_EXT_NAT_T_OAR).map(Extension.Address::endpoint);
        if (sa.natTType() != natType
                || sa.natTFragLength() != frag
                || !sa.natTOriginalInitiator().equals(oai)
                || !sa.natTOriginalResponder().equals(oar)) {
            return false;
        }
        Optional<Extension.Lifetime> hard = m.lifetime(Sadb.SADB_EXT_LIFETIME_HARD);
        Optional<Extension.Lifetime> soft = m.lifetime(Sadb.SADB_EXT_LIFETIME_SOFT);
        if (sa.hasLifetimes() != hard.isPresent()) return false;
        return !sa.hasLifetimes()
                || (sa.hardLifetime().equals(lifetime(hard.get()))
                        && sa.softLifetime()
                                .equals(soft.map(SameConfiguration::lifetime).orElse(SaLifetime.NONE)));
    }

    private static SaLifetime lifetime(Extension.Lifetime l) {
        return new SaLifetime(l.allocations(), l.bytes(), l.addtime(), l.usetime());
    }

    /** Constant-time comparison of the SA's key with the planned one; the copies are zeroed. */
    private static boolean sameKey(Optional<byte[]> have, int haveBits, Optional<Extension.Key> want) {
        byte[] a = have.orElse(new byte[0]);
        byte[] b = want.map(Extension.Key::key).orElse(new byte[0]);
        try {
            return haveBits == want.map(Extension.Key::bits).orElse(0) && MessageDigest.isEqual(a, b);
        } finally {
            Arrays.fill(a, (byte) 0);
            Arrays.fill(b, (byte) 0);
        }
    }

    static boolean policy(StoredPolicy live, PlannedPolicy planned) {
        if (live.kernelOrigin() || !live.selector().equals(planned.selector())) return false;
        if (live.policy().type() != planned.policy().type()
                || live.policy().direction() != planned.policy().direction()) {
            return false;
        }
        Optional<Extension.Lifetime> hard = planned.message().lifetime(Sadb.SADB_EXT_LIFETIME_HARD);
        if (live.lifetimeSeconds() != hard.map(Extension.Lifetime::addtime).orElse(0L)
                || live.validtimeSeconds()
                        != hard.map(Extension.Lifetime::usetime).orElse(0L)) {
            return false;
        }
        List<IpsecRequest> have = live.policy().requests(),
                want = planned.policy().requests();
        if (have.size() != want.size()) return false;
        for (int i = 0; i < have.size(); i++) {
            IpsecRequest h = have.get(i), w = want.get(i);
            if (h.protocol() != w.protocol()
                    || h.mode() != w.mode()
                    || h.level() != w.level()
                    || !h.source().equals(w.source())
                    || !h.destination().equals(w.destination())) {
                return false;
            }
            if (w.level() == IpsecLevel.UNIQUE) {
                boolean automatic = w.reqid() == 0 || w.reqid() > Sadb.IPSEC_MANUAL_REQID_MAX;
                if (automatic ? h.reqid() <= Sadb.IPSEC_MANUAL_REQID_MAX : h.reqid() != w.reqid()) return false;
            }
        }
        return true;
    }
}
