package org.jipsec.core.setkey;

import java.util.HashMap;
import java.util.Map;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.AlgorithmTable;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;

/**
 * setkey's key-length check (libipsec {@code ipsec_check_keylen}, spec §2.1): before parsing, setkey sends
 * SADB_REGISTER and keeps the SUPPORTED lists; a key is accepted when {@code minbits ≤ bits ≤ maxbits}, otherwise
 * {@code Invalid key length}; an algorithm missing from the list is {@code Not supported}.
 *
 * <p>jipsec is stricter than NetBSD in one respect: within the range, the length must also be one the algorithm table
 * allows (aes-cbc takes 128, 192 or 256 bits, not 160) — NetBSD's kernel would accept the SA and fail later in
 * opencrypto. The message is the same.
 */
@FunctionalInterface
public interface KeyLengthCheck {

    String INVALID_KEY_LENGTH = "Invalid key length";
    String NOT_SUPPORTED = "Not supported";

    /** Returns null when {@code keyBits} is acceptable for {@code alg}, else the message setkey prints. */
    String refuse(Algorithm alg, int keyBits);

    /** The algorithm table alone (for {@code -n} without a daemon). */
    KeyLengthCheck TABLE = (alg, keyBits) -> alg.keyBits().allows(keyBits) ? null : INVALID_KEY_LENGTH;

    /** From a SADB_REGISTER reply's SUPPORTED_AUTH / SUPPORTED_ENCRYPT extensions. */
    static KeyLengthCheck fromRegisterReply(PfkeyMessage reply) {
        Map<Integer, Extension.Alg> auth = new HashMap<>(), enc = new HashMap<>();
        reply.ext(Sadb.SADB_EXT_SUPPORTED_AUTH, Extension.Supported.class)
                .ifPresent(s -> s.algs().forEach(a -> auth.put(a.id(), a)));
        reply.ext(Sadb.SADB_EXT_SUPPORTED_ENCRYPT, Extension.Supported.class)
                .ifPresent(s -> s.algs().forEach(a -> enc.put(a.id(), a)));
        return (alg, keyBits) -> {
            if (alg.kind() == AlgorithmKind.COMPRESSION) return null; // IPComp has no key and no SUPPORTED list
            // jipsec's private-use numbers above SADB_EALG_MAX (250) / SADB_AALG_MAX (251) — chacha20-poly1305,
            // aes-cmac-96 — are never in SUPPORTED (key_api_register lists only up to the maxima): the table decides
            int max = alg.kind() == AlgorithmKind.AUTHENTICATION ? 251 : 250;
            if (alg.number() > max) return TABLE.refuse(alg, keyBits);
            Extension.Alg s = (alg.kind() == AlgorithmKind.AUTHENTICATION ? auth : enc).get(alg.number());
            if (s == null) return NOT_SUPPORTED;
            if (keyBits < s.minBits() || keyBits > s.maxBits()) return INVALID_KEY_LENGTH;
            return TABLE.refuse(alg, keyBits);
        };
    }

    /** The table's row for a number (used by callers that only have a number). */
    static java.util.Optional<Algorithm> row(AlgorithmKind kind, int number) {
        return AlgorithmTable.byNumber(kind, number);
    }
}
