package org.jipsec.core.ike.crypto;

import java.util.List;
import java.util.Optional;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.AlgorithmTable;

/**
 * IKEv2 transform IDs (IANA "IKEv2 Transform Type 1/3" registries) of the encryption and integrity algorithms
 * jipsec negotiates, mapped to rows of the one algorithm table ({@link AlgorithmTable}) by PF_KEY number. Key,
 * IV, ICV and salt sizes come from the row; this table holds only what IKE adds: the IANA number, whether a
 * Key Length attribute is sent (§3.3.5), strongSwan's proposal keyword, and the IKE-specific IV length for
 * the SK payload (§3.14: the cipher's block size for CBC; 8 bytes for the AEADs, RFC 5282 §3, RFC 7634 §3).
 * The same rows serve ESP (their PF_KEY numbers go to SADB_ADD) and the SK payload.
 */
public final class IkeTransforms {
    private IkeTransforms() {}

    /** Transform type numbers (RFC 7296 §3.3.2). */
    public static final int ENCR = 1;

    public static final int PRF = 2;
    public static final int INTEG = 3;
    public static final int DH = 4;
    public static final int ESN = 5;

    /** ENCR IDs. */
    public static final int ENCR_AES_CBC = 12;

    public static final int ENCR_AES_GCM_16 = 20;
    public static final int ENCR_CHACHA20_POLY1305 = 28;

    /** INTEG IDs. */
    public static final int AUTH_HMAC_SHA1_96 = 2;

    public static final int AUTH_AES_XCBC_96 = 5;
    public static final int AUTH_HMAC_SHA2_256_128 = 12;
    public static final int AUTH_HMAC_SHA2_384_192 = 13;
    public static final int AUTH_HMAC_SHA2_512_256 = 14;

    /** ESN IDs (§3.3.2). */
    public static final int ESN_NONE = 0;

    public static final int ESN_ON = 1;

    /**
     * One encryption transform at one key length.
     *
     * @param ianaId      ENCR transform ID
     * @param keyBits     cipher key bits without salt (the Key Length attribute's value, §3.3.5)
     * @param keyAttribute true if the Key Length attribute is sent (AES: yes; ChaCha20-Poly1305: no, RFC 7634 §2)
     * @param strongSwanName the proposal keyword ({@code aes128}, {@code aes256gcm16}, {@code chacha20poly1305})
     * @param row         the algorithm table row (PF_KEY number, sizes, implementation)
     */
    public record Encryption(int ianaId, int keyBits, boolean keyAttribute, String strongSwanName, Algorithm row) {
        public boolean aead() {
            return row.combinedMode();
        }

        /** Key bytes to take from prf+ (§2.14, §2.17): key plus salt for the AEADs. */
        public int keyBytes() {
            return keyBits / 8 + row.saltBytes();
        }

        /** IV bytes in the SK payload (§3.14). */
        public int skIvBytes() {
            return aead() ? 8 : row.blockBytes();
        }
    }

    /** One integrity transform; the ICV length is the row's (truncated, RFC 4868 §2.3). */
    public record Integrity(int ianaId, String strongSwanName, Algorithm row) {
        public int keyBytes() {
            return row.keyBits().minBits() / 8;
        }
    }

    private static Algorithm row(AlgorithmKind kind, int pfkey) {
        return AlgorithmTable.byNumber(kind, pfkey).orElseThrow();
    }

    private static final List<Encryption> ENCRYPTION = List.of(
            new Encryption(ENCR_AES_CBC, 128, true, "aes128", row(AlgorithmKind.ENCRYPTION, 12)),
            new Encryption(ENCR_AES_CBC, 192, true, "aes192", row(AlgorithmKind.ENCRYPTION, 12)),
            new Encryption(ENCR_AES_CBC, 256, true, "aes256", row(AlgorithmKind.ENCRYPTION, 12)),
            new Encryption(ENCR_AES_GCM_16, 128, true, "aes128gcm16", row(AlgorithmKind.ENCRYPTION, 20)),
            new Encryption(ENCR_AES_GCM_16, 192, true, "aes192gcm16", row(AlgorithmKind.ENCRYPTION, 20)),
            new Encryption(ENCR_AES_GCM_16, 256, true, "aes256gcm16", row(AlgorithmKind.ENCRYPTION, 20)),
            new Encryption(ENCR_CHACHA20_POLY1305, 256, false, "chacha20poly1305", row(AlgorithmKind.ENCRYPTION, 251)));

    private static final List<Integrity> INTEGRITY = List.of(
            new Integrity(AUTH_HMAC_SHA1_96, "sha1", row(AlgorithmKind.AUTHENTICATION, 3)),
            new Integrity(AUTH_AES_XCBC_96, "aesxcbc", row(AlgorithmKind.AUTHENTICATION, 9)),
            new Integrity(AUTH_HMAC_SHA2_256_128, "sha256", row(AlgorithmKind.AUTHENTICATION, 5)),
            new Integrity(AUTH_HMAC_SHA2_384_192, "sha384", row(AlgorithmKind.AUTHENTICATION, 6)),
            new Integrity(AUTH_HMAC_SHA2_512_256, "sha512", row(AlgorithmKind.AUTHENTICATION, 7)));

    public static List<Encryption> encryption() {
        return ENCRYPTION;
    }

    public static List<Integrity> integrity() {
        return INTEGRITY;
    }

    /**
     * The encryption transform for an ENCR ID and Key Length attribute (absent = 0). §3.3.5: an algorithm with a
     * variable key needs the attribute; ChaCha20-Poly1305 must not carry one (RFC 7634 §2).
     */
    public static Optional<Encryption> encryption(int ianaId, int keyBitsAttribute) {
        for (Encryption e : ENCRYPTION) {
            if (e.ianaId == ianaId && (e.keyAttribute ? e.keyBits == keyBitsAttribute : keyBitsAttribute == 0)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    public static Optional<Encryption> encryptionByName(String strongSwanName) {
        return ENCRYPTION.stream()
                .filter(e -> e.strongSwanName.equals(strongSwanName))
                .findFirst();
    }

    public static Optional<Integrity> integrity(int ianaId) {
        return INTEGRITY.stream().filter(i -> i.ianaId == ianaId).findFirst();
    }

    public static Optional<Integrity> integrityByName(String strongSwanName) {
        return INTEGRITY.stream()
                .filter(i -> i.strongSwanName.equals(strongSwanName))
                .findFirst();
    }
}
