package org.jipsec.core.seqstate;

import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.AlgorithmTable;
import org.jipsec.core.ipsec.SaType;

/**
 * Manually keyed counter-mode SAs (issue #12). AES-CTR, AES-CCM, AES-GCM, AES-GMAC and ChaCha20-Poly1305 derive
 * each packet's nonce from the sequence number (RFC 3686 §2.1, RFC 4309 §3.1, RFC 4106 §3.1, RFC 4543 §3.1, RFC 7634
 * §2): the same key with a counter that starts at 1 again repeats every nonce, which leaks the plaintexts' XOR and
 * (GCM, GMAC) the authentication key. RFC 4106 §8.1 therefore forbids statically configured keys; jipsec allows
 * them only with saved sequence state — and says so loudly when an SA comes without it.
 */
public final class StaticKeys {

    private StaticKeys() {}

    /** Whether an SA of {@code satype} with {@code encryptAlgorithm} has counter-derived nonces (the algorithm table says). */
    public static boolean counterMode(SaType satype, int encryptAlgorithm) {
        return satype == SaType.ESP
                && AlgorithmTable.byNumber(AlgorithmKind.ENCRYPTION, encryptAlgorithm)
                        .map(org.jipsec.core.crypto.Algorithm::counterMode)
                        .orElse(false);
    }

    /**
     * The warning for a manually keyed counter-mode SA loaded without saved sequence state: {@code where} says which
     * state is missing ("no record in /var/lib/jipsec", "running without a state directory").
     */
    public static String warning(String sa, int encryptAlgorithm, String where) {
        String alg = AlgorithmTable.byNumber(AlgorithmKind.ENCRYPTION, encryptAlgorithm)
                .map(org.jipsec.core.crypto.Algorithm::name)
                .orElse("algorithm " + encryptAlgorithm);
        return "WARNING: " + sa + " (" + alg + ") is manually keyed with a counter-mode cipher and has no saved "
                + "sequence state (" + where + "): its sequence numbers, which are its nonces, start at 1. If these "
                + "keys were ever used before (an earlier run whose state is lost, another host), nonces repeat under "
                + "the key and its traffic can be decrypted and forged (RFC 4106 §8.1 forbids static keys for these "
                + "ciphers). Use IKE, or fresh keys.";
    }

    /** The refusal under {@code --strict-keys}. */
    public static String refusal(String sa, int encryptAlgorithm, String where) {
        String alg = AlgorithmTable.byNumber(AlgorithmKind.ENCRYPTION, encryptAlgorithm)
                .map(org.jipsec.core.crypto.Algorithm::name)
                .orElse("algorithm " + encryptAlgorithm);
        return "refused (--strict-keys): " + sa + " (" + alg + ") is manually keyed with a counter-mode cipher and has "
                + "no saved sequence state (" + where + "), so its nonces may repeat (RFC 4106 §8.1). Use IKE, or load "
                + "fresh keys once without --strict-keys.";
    }
}
