package org.jipsec.core.crypto;

import static org.jipsec.core.crypto.AlgorithmKind.AUTHENTICATION;
import static org.jipsec.core.crypto.AlgorithmKind.COMPRESSION;
import static org.jipsec.core.crypto.AlgorithmKind.ENCRYPTION;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.crypto.engines.BlowfishEngine;
import org.bouncycastle.crypto.engines.CAST5Engine;
import org.bouncycastle.crypto.engines.CamelliaEngine;
import org.jipsec.core.crypto.Algorithm.FlagAlias;

/**
 * The one algorithm table: every encryption, authentication and compression algorithm jipsec knows, with its
 * PF_KEY number (NetBSD pfkeyv2.h), setkey names and key lengths as NetBSD accepts them (spec §1.8, §1.13,
 * §2.5). One row per PF_KEY number; setkey names that also set SA flags ({@code des-deriv}) are
 * {@link FlagAlias flag aliases} of their row.
 *
 * <h2>Where the numbers come from</h2>
 * <ul>
 *   <li>NetBSD {@code sys/net/pfkeyv2.h} (spec §1.8) for every row with {@code netbsd = true}, and for
 *       aes-gcm-8/-12 (18, 19: NetBSD defines {@code SADB_X_EALG_AESGCM8/12} but its kernel has no xform).</li>
 *   <li>Linux {@code include/uapi/linux/pfkeyv2.h} where NetBSD has none: {@code SADB_X_EALG_AES_CCM_ICV8/12/16}
 *       = 14/15/16 (checked against the header through the search tool).</li>
 *   <li>Private-use numbers (RFC 2407 §4.4.4 reserves 249–255) where neither has one. ChaCha20-Poly1305:
 *       OpenBSD uses 22 (NetBSD's and Linux's Camellia) and FreeBSD 15 (Linux's AES-CCM-12), so neither fits
 *       one table; jipsec uses 251 (free in every pfkeyv2.h read: NetBSD uses 250, Linux 252/253).
 *       AES-CMAC-96: no BSD or Linux pfkeyv2.h defines it (libreswan calls its constant "private use");
 *       jipsec uses 253, free in the authentication space (NetBSD uses 249–252).</li>
 * </ul>
 *
 * <h2>Key lengths</h2>
 * Bits, salt included (RFC 3686 §5.1 and RFC 4106 §8.1: 4 bytes; RFC 4309 §7.1: 3 bytes; RFC 7634 §4:
 * 4 bytes). NetBSD's kernel checks only [min, max] bytes (spec §4.10); the table lists the lengths the
 * cipher really takes (AES 128/192/256, not 136), as setkey.8 documents them (spec §2.5). Camellia:
 * setkey.8 says 128/192/256 while the kernel xform's limits are 8..32 bytes — the table follows the cipher.
 *
 * <h2>Left out</h2>
 * {@code twofish-cbc} (a setkey token whose value on NetBSD is -1, "unsupported algorithm"), Skipjack (250,
 * kernel only, no setkey token), the GMAC auth numbers 11–13 (set by NetBSD's kernel internally for GCM/GMAC
 * SAs, never by a user), {@code 3des-deriv} (documented but not a token).
 */
public final class AlgorithmTable {

    /** {@code SADB_X_EXT_IV4B}: 4-byte IV (old ESP only). */
    public static final int SADB_X_EXT_IV4B = 0x0010;
    /** {@code SADB_X_EXT_DERIV}: DES derived IV (draft-ietf-ipsec-ciph-des-derived-01). */
    public static final int SADB_X_EXT_DERIV = 0x0020;

    private static final List<FlagAlias> NO_FLAGS = List.of();

    private static final List<Algorithm> ALL = build();

    private AlgorithmTable() {}

    private static List<Algorithm> build() {
        List<Algorithm> rows = List.of(
                // ---- encryption (sadb_sa_encrypt) ----
                new Algorithm(
                        ENCRYPTION,
                        2,
                        "SADB_EALG_DESCBC",
                        "des-cbc",
                        List.of(),
                        "des-cbc",
                        KeyLengths.of(64),
                        8,
                        8,
                        0,
                        0,
                        true,
                        true,
                        List.of(
                                new FlagAlias("des-deriv", SADB_X_EXT_DERIV, "ESP only, not with esp-old"),
                                new FlagAlias("des-32iv", SADB_X_EXT_IV4B, "esp-old only")),
                        "RFC 2405; RFC 1829 (esp-old)",
                        (Algorithm.Factory.Cipher) (a, k) -> new JceCbcCipher(a, k, "DES", 8)),
                new Algorithm(
                        ENCRYPTION,
                        3,
                        "SADB_EALG_3DESCBC",
                        "3des-cbc",
                        List.of(),
                        "3des-cbc",
                        KeyLengths.of(192),
                        8,
                        8,
                        0,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 2451",
                        (Algorithm.Factory.Cipher) (a, k) -> new JceCbcCipher(a, k, "DESede", 8)),
                new Algorithm(
                        ENCRYPTION,
                        6,
                        "SADB_X_EALG_CAST128CBC",
                        "cast128-cbc",
                        List.of(),
                        "cast128-cbc",
                        KeyLengths.range(40, 128, 8),
                        8,
                        8,
                        0,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 2451, RFC 2144",
                        (Algorithm.Factory.Cipher) (a, k) -> new BcCbcCipher(a, k, CAST5Engine::new)),
                new Algorithm(
                        ENCRYPTION,
                        7,
                        "SADB_X_EALG_BLOWFISHCBC",
                        "blowfish-cbc",
                        List.of(),
                        "blowfish-cbc",
                        KeyLengths.range(40, 448, 8),
                        8,
                        8,
                        0,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 2451",
                        (Algorithm.Factory.Cipher) (a, k) -> new BcCbcCipher(a, k, BlowfishEngine::new)),
                new Algorithm(
                        ENCRYPTION,
                        11,
                        "SADB_EALG_NULL",
                        "null",
                        List.of("simple"),
                        "null",
                        KeyLengths.range(0, 2048, 8),
                        4,
                        0,
                        0,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 2410 (\"simple\": obsolete, setkey warns)",
                        (Algorithm.Factory.Cipher) NullCipher::new),
                new Algorithm(
                        ENCRYPTION,
                        12,
                        "SADB_X_EALG_RIJNDAELCBC",
                        "aes-cbc",
                        List.of("rijndael-cbc"),
                        "aes-cbc",
                        KeyLengths.of(128, 192, 256),
                        16,
                        16,
                        0,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 3602",
                        (Algorithm.Factory.Cipher) (a, k) -> new JceCbcCipher(a, k, "AES", 16)),
                // NetBSD's aes_ctr xform has blocksize 16 (REGISTER reports 16); RFC 3686 §3.2 needs only 4-byte
                // alignment, which AesCtrCipher.blockSize() reports and its decrypt accepts.
                new Algorithm(
                        ENCRYPTION,
                        13,
                        "SADB_X_EALG_AESCTR",
                        "aes-ctr",
                        List.of(),
                        "aes-ctr",
                        KeyLengths.of(160, 224, 288),
                        16,
                        8,
                        0,
                        4,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 3686",
                        (Algorithm.Factory.Cipher) AesCtrCipher::new),
                new Algorithm(
                        ENCRYPTION,
                        14,
                        "SADB_X_EALG_AES_CCM_ICV8",
                        "aes-ccm-8",
                        List.of(),
                        "14",
                        KeyLengths.of(152, 216, 280),
                        4,
                        8,
                        8,
                        3,
                        false,
                        true,
                        NO_FLAGS,
                        "RFC 4309 (Linux number)",
                        (Algorithm.Factory.Aead) (a, k) -> new JdkCcmAead(a, k, 8)),
                new Algorithm(
                        ENCRYPTION,
                        15,
                        "SADB_X_EALG_AES_CCM_ICV12",
                        "aes-ccm-12",
                        List.of(),
                        "15",
                        KeyLengths.of(152, 216, 280),
                        4,
                        8,
                        12,
                        3,
                        false,
                        true,
                        NO_FLAGS,
                        "RFC 4309 (Linux number)",
                        (Algorithm.Factory.Aead) (a, k) -> new JdkCcmAead(a, k, 12)),
                new Algorithm(
                        ENCRYPTION,
                        16,
                        "SADB_X_EALG_AES_CCM_ICV16",
                        "aes-ccm-16",
                        List.of(),
                        "16",
                        KeyLengths.of(152, 216, 280),
                        4,
                        8,
                        16,
                        3,
                        false,
                        true,
                        NO_FLAGS,
                        "RFC 4309 (Linux number)",
                        (Algorithm.Factory.Aead) (a, k) -> new JdkCcmAead(a, k, 16)),
                new Algorithm(
                        ENCRYPTION,
                        18,
                        "SADB_X_EALG_AESGCM8",
                        "aes-gcm-8",
                        List.of(),
                        "18",
                        KeyLengths.of(160, 224, 288),
                        4,
                        8,
                        8,
                        4,
                        false,
                        true,
                        NO_FLAGS,
                        "RFC 4106 (NetBSD number, no NetBSD xform)",
                        (Algorithm.Factory.Aead) (a, k) -> new JdkTruncatedGcmAead(a, k, 8)),
                new Algorithm(
                        ENCRYPTION,
                        19,
                        "SADB_X_EALG_AESGCM12",
                        "aes-gcm-12",
                        List.of(),
                        "19",
                        KeyLengths.of(160, 224, 288),
                        4,
                        8,
                        12,
                        4,
                        false,
                        true,
                        NO_FLAGS,
                        "RFC 4106 (NetBSD number, no NetBSD xform)",
                        (Algorithm.Factory.Aead) (a, k) -> new JceAead(a, k, JceAead.Kind.GCM, 12)),
                new Algorithm(
                        ENCRYPTION,
                        20,
                        "SADB_X_EALG_AESGCM16",
                        "aes-gcm-16",
                        List.of(),
                        "20",
                        KeyLengths.of(160, 224, 288),
                        4,
                        8,
                        16,
                        4,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 4106",
                        (Algorithm.Factory.Aead) (a, k) -> new JceAead(a, k, JceAead.Kind.GCM, 16)),
                new Algorithm(
                        ENCRYPTION,
                        22,
                        "SADB_X_EALG_CAMELLIACBC",
                        "camellia-cbc",
                        List.of(),
                        "camellia-cbc",
                        KeyLengths.of(128, 192, 256),
                        16,
                        16,
                        0,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 4312",
                        (Algorithm.Factory.Cipher) (a, k) -> new BcCbcCipher(a, k, CamelliaEngine::new)),
                new Algorithm(
                        ENCRYPTION,
                        23,
                        "SADB_X_EALG_AESGMAC",
                        "aes-gmac",
                        List.of(),
                        "23",
                        KeyLengths.of(160, 224, 288),
                        4,
                        8,
                        16,
                        4,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 4543",
                        (Algorithm.Factory.Aead) (a, k) -> new JceAead(a, k, JceAead.Kind.GMAC, 16)),
                new Algorithm(
                        ENCRYPTION,
                        251,
                        "SADB_X_EALG_CHACHA20POLY1305",
                        "chacha20-poly1305",
                        List.of(),
                        "251",
                        KeyLengths.of(288),
                        4,
                        8,
                        16,
                        4,
                        false,
                        true,
                        NO_FLAGS,
                        "RFC 7634 (jipsec private-use number)",
                        (Algorithm.Factory.Aead) (a, k) -> new JceAead(a, k, JceAead.Kind.CHACHA20_POLY1305, 16)),

                // ---- authentication (sadb_sa_auth) ----
                new Algorithm(
                        AUTHENTICATION,
                        2,
                        "SADB_AALG_MD5HMAC",
                        "hmac-md5",
                        List.of(),
                        "hmac-md5",
                        KeyLengths.of(128),
                        0,
                        0,
                        12,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 2403",
                        (Algorithm.Factory.Integrity) (a, k) -> HmacIntegrity.create(a, k, "HmacMD5", 12)),
                new Algorithm(
                        AUTHENTICATION,
                        3,
                        "SADB_AALG_SHA1HMAC",
                        "hmac-sha1",
                        List.of(),
                        "hmac-sha1",
                        KeyLengths.of(160),
                        0,
                        0,
                        12,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 2404",
                        (Algorithm.Factory.Integrity) (a, k) -> HmacIntegrity.create(a, k, "HmacSHA1", 12)),
                new Algorithm(
                        AUTHENTICATION,
                        5,
                        "SADB_X_AALG_SHA2_256",
                        "hmac-sha256",
                        List.of("hmac-sha2-256"),
                        "hmac-sha256",
                        KeyLengths.of(256),
                        0,
                        0,
                        16,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 4868",
                        (Algorithm.Factory.Integrity) (a, k) -> HmacIntegrity.create(a, k, "HmacSHA256", 16)),
                new Algorithm(
                        AUTHENTICATION,
                        6,
                        "SADB_X_AALG_SHA2_384",
                        "hmac-sha384",
                        List.of("hmac-sha2-384"),
                        "hmac-sha384",
                        KeyLengths.of(384),
                        0,
                        0,
                        24,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 4868",
                        (Algorithm.Factory.Integrity) (a, k) -> HmacIntegrity.create(a, k, "HmacSHA384", 24)),
                new Algorithm(
                        AUTHENTICATION,
                        7,
                        "SADB_X_AALG_SHA2_512",
                        "hmac-sha512",
                        List.of("hmac-sha2-512"),
                        "hmac-sha512",
                        KeyLengths.of(512),
                        0,
                        0,
                        32,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 4868",
                        (Algorithm.Factory.Integrity) (a, k) -> HmacIntegrity.create(a, k, "HmacSHA512", 32)),
                new Algorithm(
                        AUTHENTICATION,
                        8,
                        "SADB_X_AALG_RIPEMD160HMAC",
                        "hmac-ripemd160",
                        List.of(),
                        "hmac-ripemd160",
                        KeyLengths.of(160),
                        0,
                        0,
                        12,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 2857",
                        (Algorithm.Factory.Integrity) (a, k) -> BcMacIntegrity.hmacRipemd160(a, k, 12)),
                new Algorithm(
                        AUTHENTICATION,
                        9,
                        "SADB_X_AALG_AES_XCBC_MAC",
                        "aes-xcbc-mac",
                        List.of(),
                        "aes-xcbc-mac",
                        KeyLengths.of(128),
                        0,
                        0,
                        12,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 3566",
                        (Algorithm.Factory.Integrity) (a, k) -> new AesXcbcMac96(a, k, 12)),
                new Algorithm(
                        AUTHENTICATION,
                        249,
                        "SADB_X_AALG_MD5",
                        "keyed-md5",
                        List.of(),
                        "md5",
                        KeyLengths.of(128),
                        0,
                        0,
                        16,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 1828 (KAME keyed MD5)",
                        (Algorithm.Factory.Integrity) (a, k) -> new KeyedHashIntegrity(a, k, "MD5")),
                new Algorithm(
                        AUTHENTICATION,
                        250,
                        "SADB_X_AALG_SHA",
                        "keyed-sha1",
                        List.of(),
                        "sha",
                        KeyLengths.of(160),
                        0,
                        0,
                        20,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 1852 (KAME keyed SHA-1)",
                        (Algorithm.Factory.Integrity) (a, k) -> new KeyedHashIntegrity(a, k, "SHA-1")),
                new Algorithm(
                        AUTHENTICATION,
                        251,
                        "SADB_X_AALG_NULL",
                        "null",
                        List.of(),
                        "null",
                        KeyLengths.range(0, 2048, 8),
                        0,
                        0,
                        12,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "KAME (for debugging)",
                        (Algorithm.Factory.Integrity) NullIntegrity::new),
                // TCP-MD5 keys are stored for TCP (RFC 2385); IPsec never computes with them.
                new Algorithm(
                        AUTHENTICATION,
                        252,
                        "SADB_X_AALG_TCP_MD5",
                        "tcp-md5",
                        List.of(),
                        "tcp-md5",
                        KeyLengths.range(8, 640, 8),
                        0,
                        0,
                        16,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 2385",
                        Algorithm.Factory.NONE),
                new Algorithm(
                        AUTHENTICATION,
                        253,
                        "SADB_X_AALG_AES_CMAC_96",
                        "aes-cmac-96",
                        List.of(),
                        "253",
                        KeyLengths.of(128),
                        0,
                        0,
                        12,
                        0,
                        false,
                        true,
                        NO_FLAGS,
                        "RFC 4494 (jipsec private-use number)",
                        (Algorithm.Factory.Integrity) (a, k) -> BcMacIntegrity.aesCmac(a, k, 12)),

                // ---- compression (IPComp calg) ----
                // setkey accepts all three tokens; NetBSD's kernel implements deflate only (spec §1.8), so an
                // SA with oui or lzs is refused (EINVAL) — jipsec does the same (implemented = false).
                new Algorithm(
                        COMPRESSION,
                        1,
                        "SADB_X_CALG_OUI",
                        "oui",
                        List.of(),
                        "oui",
                        KeyLengths.of(0),
                        0,
                        0,
                        0,
                        0,
                        true,
                        false,
                        NO_FLAGS,
                        "RFC 2393",
                        Algorithm.Factory.NONE),
                new Algorithm(
                        COMPRESSION,
                        2,
                        "SADB_X_CALG_DEFLATE",
                        "deflate",
                        List.of(),
                        "deflate",
                        KeyLengths.of(0),
                        0,
                        0,
                        0,
                        0,
                        true,
                        true,
                        NO_FLAGS,
                        "RFC 2394",
                        Algorithm.Factory.NONE),
                new Algorithm(
                        COMPRESSION,
                        3,
                        "SADB_X_CALG_LZS",
                        "lzs",
                        List.of(),
                        "lzs",
                        KeyLengths.of(0),
                        0,
                        0,
                        0,
                        0,
                        true,
                        false,
                        NO_FLAGS,
                        "RFC 2395",
                        Algorithm.Factory.NONE));
        return rows.stream()
                .sorted(Comparator.comparing(Algorithm::kind).thenComparingInt(Algorithm::number))
                .toList();
    }

    /** Every row, encryption first, then authentication, then compression, each by PF_KEY number. */
    public static List<Algorithm> all() {
        return ALL;
    }

    public static List<Algorithm> all(AlgorithmKind kind) {
        return ALL.stream().filter(a -> a.kind() == kind).toList();
    }

    public static Optional<Algorithm> byNumber(AlgorithmKind kind, int number) {
        return ALL.stream()
                .filter(a -> a.kind() == kind && a.number() == number)
                .findFirst();
    }

    /** By canonical setkey name, alias or flag alias; see {@link Algorithm#saFlagsFor} for the flags a name sets. */
    public static Optional<Algorithm> byName(AlgorithmKind kind, String setkeyName) {
        return ALL.stream()
                .filter(a -> a.kind() == kind && a.isNamed(setkeyName))
                .findFirst();
    }
}
