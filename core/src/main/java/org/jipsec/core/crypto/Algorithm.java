package org.jipsec.core.crypto;

import java.util.List;
import java.util.Objects;

/**
 * One row of jipsec's single algorithm table ({@link AlgorithmTable}): PF_KEY number, setkey names, key
 * lengths, sizes and implementation. Nothing else in jipsec keeps a second list of algorithms.
 *
 * @param kind        which PF_KEY namespace {@link #number} belongs to
 * @param number      the PF_KEY number ({@code sadb_sa_encrypt}, {@code sadb_sa_auth} or calg)
 * @param pfkeyName   the pfkeyv2.h constant, e.g. {@code SADB_X_EALG_AESCBC}
 * @param name        canonical setkey name, e.g. {@code aes-cbc}
 * @param aliases     further setkey names accepted on input, e.g. {@code rijndael-cbc}
 * @param dumpName    how {@code setkey -D} prints it (NetBSD pfkey_dump.c), a decimal number where NetBSD has none
 * @param keyBits     accepted key lengths in bits, salt included
 * @param blockBytes  cipher block size (alignment of ESP payload); 0 for integrity/compression
 * @param ivBytes     explicit IV bytes on the wire
 * @param icvBytes    ICV bytes (integrity algorithms and AEADs)
 * @param saltBytes   trailing key bytes that are salt/nonce, not cipher key (RFC 3686/4106/4309/4543/7634)
 * @param netbsd      true if NetBSD's setkey/kernel accepts it; false for jipsec's additions
 * @param implemented false for rows whose setkey token NetBSD accepts but whose SA its kernel (and jipsec)
 *                    refuses with EINVAL (IPComp {@code oui}, {@code lzs}: the kernel implements deflate only)
 * @param flagAliases setkey names that select this same PF_KEY number <em>and</em> set {@code sadb_sa_flags}
 *                    bits, e.g. {@code des-deriv} = des-cbc + {@code SADB_X_EXT_DERIV} (spec §2.2). They are
 *                    names of this row, not rows of their own, so the table keeps one row per PF_KEY number.
 * @param reference   the defining document, e.g. "RFC 4106"
 * @param factory     creates a keyed transform; never null (compression rows use {@link Factory#NONE})
 */
public record Algorithm(
        AlgorithmKind kind,
        int number,
        String pfkeyName,
        String name,
        List<String> aliases,
        String dumpName,
        KeyLengths keyBits,
        int blockBytes,
        int ivBytes,
        int icvBytes,
        int saltBytes,
        boolean netbsd,
        boolean implemented,
        List<FlagAlias> flagAliases,
        String reference,
        Factory factory) {

    public Algorithm {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(name);
        aliases = List.copyOf(aliases);
        flagAliases = List.copyOf(flagAliases);
        Objects.requireNonNull(keyBits);
        Objects.requireNonNull(factory);
    }

    /**
     * The original 14-component form (no flag aliases, implemented): kept so rows built by tests and fixtures
     * elsewhere still compile.
     */
    public Algorithm(
            AlgorithmKind kind,
            int number,
            String pfkeyName,
            String name,
            List<String> aliases,
            String dumpName,
            KeyLengths keyBits,
            int blockBytes,
            int ivBytes,
            int icvBytes,
            int saltBytes,
            boolean netbsd,
            String reference,
            Factory factory) {
        this(
                kind,
                number,
                pfkeyName,
                name,
                aliases,
                dumpName,
                keyBits,
                blockBytes,
                ivBytes,
                icvBytes,
                saltBytes,
                netbsd,
                true,
                List.of(),
                reference,
                factory);
    }

    /** True for ESP combined-mode algorithms (they need no separate integrity algorithm). */
    public boolean combinedMode() {
        return factory instanceof Factory.Aead;
    }

    /**
     * True for ESP ciphers whose IV is a counter under the key (AES-CTR, AES-CCM, AES-GCM, AES-GMAC,
     * ChaCha20-Poly1305: the rows with a salt, RFC 3686/4309/4106/4543/7634): a (key, IV) pair used twice leaks
     * the plaintexts' XOR (and with GCM/GMAC the authentication key), so these RFCs forbid static keys
     * (RFC 4106 §8.1). jipsec's IV is the SA's sequence counter.
     */
    public boolean counterMode() {
        return kind == AlgorithmKind.ENCRYPTION && saltBytes > 0;
    }

    /** Whether {@code setkeyName} names this algorithm (canonical name, alias or flag alias; case-sensitive as setkey). */
    public boolean isNamed(String setkeyName) {
        return name.equals(setkeyName)
                || aliases.contains(setkeyName)
                || flagAliases.stream().anyMatch(f -> f.name().equals(setkeyName));
    }

    /** The {@code sadb_sa_flags} bits that {@code setkeyName} sets (0 for the canonical name and plain aliases). */
    public int saFlagsFor(String setkeyName) {
        for (FlagAlias f : flagAliases) {
            if (f.name().equals(setkeyName)) return f.saFlags();
        }
        return 0;
    }

    /**
     * A setkey name that means this algorithm plus SA flag bits (spec §2.2: {@code des-deriv} sets
     * {@code SADB_X_EXT_DERIV 0x20}; {@code des-32iv} sets {@code SADB_X_EXT_IV4B 0x10} and needs {@code esp-old}).
     */
    public record FlagAlias(String name, int saFlags, String note) {
        public FlagAlias {
            Objects.requireNonNull(name);
            Objects.requireNonNull(note);
        }
    }

    /** Refuses a key length the table does not allow. */
    public void checkKeyBits(int bits) throws InvalidKeyLengthException {
        if (!keyBits.allows(bits)) throw new InvalidKeyLengthException(this, bits);
    }

    public CipherTransform newCipher(byte[] key) throws InvalidKeyLengthException {
        checkKeyBits(key.length * 8);
        if (factory instanceof Factory.Cipher f) return f.create(this, key);
        throw new IllegalStateException(name + " is not a plain ESP cipher");
    }

    public AeadTransform newAead(byte[] key) throws InvalidKeyLengthException {
        checkKeyBits(key.length * 8);
        if (factory instanceof Factory.Aead f) return f.create(this, key);
        throw new IllegalStateException(name + " is not a combined-mode algorithm");
    }

    public IntegrityTransform newIntegrity(byte[] key) throws InvalidKeyLengthException {
        checkKeyBits(key.length * 8);
        if (factory instanceof Factory.Integrity f) return f.create(this, key);
        throw new IllegalStateException(name + " is not an integrity algorithm");
    }

    /** How a row builds its keyed transform. The key array is copied by the implementation. */
    public sealed interface Factory {
        /** For rows that have no keyed transform (compression, TCP-MD5 which jipsec only stores). */
        Factory NONE = new None();

        record None() implements Factory {}

        @FunctionalInterface
        non-sealed interface Cipher extends Factory {
            CipherTransform create(Algorithm alg, byte[] key);
        }

        @FunctionalInterface
        non-sealed interface Aead extends Factory {
            AeadTransform create(Algorithm alg, byte[] key);
        }

        @FunctionalInterface
        non-sealed interface Integrity extends Factory {
            IntegrityTransform create(Algorithm alg, byte[] key);
        }
    }

    @Override
    public String toString() {
        return kind + " " + name + " (" + number + ")";
    }
}
