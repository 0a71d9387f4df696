package org.jipsec.core.pfkey;

import static org.jipsec.core.pfkey.KeyParse.required;

import java.util.Optional;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.sad.SaValues;

/**
 * key_setsaval + key_init_xform (spec §4.10 "SA sanity"): the values of an SADB_ADD/UPDATE, validated against the
 * message rules and the one algorithm table.
 */
final class SaParameters {
    private SaParameters() {}

    /** key_setsaval + key_init_xform (spec §4.10 "SA sanity"): everything ADD/UPDATE need, validated. */
    static SaValues parse(AlgorithmCatalog algorithms, PfkeyMessage m, SaType st, int seq, int pid)
            throws PfkeyException {
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
            case AH -> checkAlgorithm(algorithms, AlgorithmKind.AUTHENTICATION, sa.auth(), authKey);
            case ESP -> {
                checkAlgorithm(algorithms, AlgorithmKind.ENCRYPTION, sa.encrypt(), encKey);
                if (sa.auth() != Sadb.SADB_AALG_NONE)
                    checkAlgorithm(algorithms, AlgorithmKind.AUTHENTICATION, sa.auth(), authKey);
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
                hard.map(KeyParse::lifetime).orElse(null),
                soft.map(KeyParse::lifetime).orElse(null),
                seq,
                pid);
    }

    private static void checkAlgorithm(
            AlgorithmCatalog algorithms, AlgorithmKind kind, int number, Optional<Extension.Key> key)
            throws PfkeyException {
        Algorithm a = algorithms
                .byNumber(kind, number)
                .orElseThrow(() -> PfkeyException.inval("unsupported " + kind + " algorithm " + number));
        int bits = key.map(Extension.Key::bits).orElse(0);
        if (!a.keyBits().allows(bits)) {
            throw PfkeyException.inval("invalid key length " + bits + " for " + a.name() + " ("
                    + a.keyBits().describe() + ")");
        }
    }
}
