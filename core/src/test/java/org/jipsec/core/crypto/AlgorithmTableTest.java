package org.jipsec.core.crypto;

import static org.jipsec.core.crypto.AlgorithmKind.AUTHENTICATION;
import static org.jipsec.core.crypto.AlgorithmKind.COMPRESSION;
import static org.jipsec.core.crypto.AlgorithmKind.ENCRYPTION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The table against NetBSD's numbers, names and key limits (spec §1.8, §1.13, §2.2, §2.5). */
class AlgorithmTableTest {

    @ParameterizedTest(name = "{0} {1} = {2}, {3} bits")
    @CsvSource(delimiter = '|', textBlock = """
            ENCRYPTION     | des-cbc           | 2   | 64
            ENCRYPTION     | des-deriv         | 2   | 64
            ENCRYPTION     | des-32iv          | 2   | 64
            ENCRYPTION     | 3des-cbc          | 3   | 192
            ENCRYPTION     | cast128-cbc       | 6   | 40/48/56/64/72/80/88/96/104/112/120/128
            ENCRYPTION     | blowfish-cbc      | 7   | 40/448
            ENCRYPTION     | null              | 11  | 0/2048
            ENCRYPTION     | simple            | 11  | 0
            ENCRYPTION     | aes-cbc           | 12  | 128/192/256
            ENCRYPTION     | rijndael-cbc      | 12  | 128/192/256
            ENCRYPTION     | aes-ctr           | 13  | 160/224/288
            ENCRYPTION     | aes-ccm-8         | 14  | 152/216/280
            ENCRYPTION     | aes-ccm-12        | 15  | 152/216/280
            ENCRYPTION     | aes-ccm-16        | 16  | 152/216/280
            ENCRYPTION     | aes-gcm-8         | 18  | 160/224/288
            ENCRYPTION     | aes-gcm-12        | 19  | 160/224/288
            ENCRYPTION     | aes-gcm-16        | 20  | 160/224/288
            ENCRYPTION     | camellia-cbc      | 22  | 128/192/256
            ENCRYPTION     | aes-gmac          | 23  | 160/224/288
            ENCRYPTION     | chacha20-poly1305 | 251 | 288
            AUTHENTICATION | hmac-md5          | 2   | 128
            AUTHENTICATION | hmac-sha1         | 3   | 160
            AUTHENTICATION | hmac-sha256       | 5   | 256
            AUTHENTICATION | hmac-sha2-256     | 5   | 256
            AUTHENTICATION | hmac-sha384       | 6   | 384
            AUTHENTICATION | hmac-sha2-384     | 6   | 384
            AUTHENTICATION | hmac-sha512       | 7   | 512
            AUTHENTICATION | hmac-sha2-512     | 7   | 512
            AUTHENTICATION | hmac-ripemd160    | 8   | 160
            AUTHENTICATION | aes-xcbc-mac      | 9   | 128
            AUTHENTICATION | keyed-md5         | 249 | 128
            AUTHENTICATION | keyed-sha1        | 250 | 160
            AUTHENTICATION | null              | 251 | 0/2048
            AUTHENTICATION | tcp-md5           | 252 | 8/640
            AUTHENTICATION | aes-cmac-96       | 253 | 128
            COMPRESSION    | oui               | 1   | 0
            COMPRESSION    | deflate           | 2   | 0
            COMPRESSION    | lzs               | 3   | 0
            """)
    void setkeyNameHasNumberAndKeyLengths(AlgorithmKind kind, String name, int number, String bits) {
        Algorithm a = AlgorithmTable.byName(kind, name).orElseThrow();
        assertEquals(number, a.number());
        for (String b : bits.split("/")) assertTrue(a.keyBits().allows(Integer.parseInt(b)), name + " " + b);
    }

    @Test
    void everyNetbsdSetkeyTokenIsInTheTable() {
        // spec §2.2 (token.l 1.15) plus NetBSD-current's aes-gcm-16 and aes-gmac; twofish-cbc is -1 on NetBSD
        for (String e : List.of(
                "des-cbc",
                "3des-cbc",
                "blowfish-cbc",
                "cast128-cbc",
                "aes-cbc",
                "rijndael-cbc",
                "aes-ctr",
                "camellia-cbc",
                "des-deriv",
                "des-32iv",
                "null",
                "simple",
                "aes-gcm-16",
                "aes-gmac")) {
            assertTrue(AlgorithmTable.byName(ENCRYPTION, e).isPresent(), e);
        }
        for (String a : List.of(
                "hmac-md5",
                "hmac-sha1",
                "keyed-md5",
                "keyed-sha1",
                "hmac-sha2-256",
                "hmac-sha256",
                "hmac-sha2-384",
                "hmac-sha384",
                "hmac-sha2-512",
                "hmac-sha512",
                "hmac-ripemd160",
                "aes-xcbc-mac",
                "tcp-md5",
                "null")) {
            assertTrue(AlgorithmTable.byName(AUTHENTICATION, a).isPresent(), a);
        }
        for (String c : List.of("oui", "deflate", "lzs")) {
            assertTrue(AlgorithmTable.byName(COMPRESSION, c).isPresent(), c);
        }
        assertTrue(AlgorithmTable.byName(ENCRYPTION, "twofish-cbc").isEmpty());
    }

    @Test
    void oneRowPerNumberAndName() {
        for (AlgorithmKind kind : AlgorithmKind.values()) {
            Set<Integer> numbers = new HashSet<>();
            Set<String> names = new HashSet<>();
            for (Algorithm a : AlgorithmTable.all(kind)) {
                assertTrue(numbers.add(a.number()), "duplicate number " + a);
                assertTrue(names.add(a.name()), "duplicate name " + a);
                for (String alias : a.aliases()) assertTrue(names.add(alias), "duplicate alias " + alias);
                for (Algorithm.FlagAlias f : a.flagAliases()) assertTrue(names.add(f.name()), "duplicate " + f);
                assertTrue(a.number() >= 1 && a.number() <= 255, a + " does not fit sadb_sa_*'s byte");
            }
        }
    }

    @Test
    void desDerivIsDesCbcWithTheDerivFlag() {
        Algorithm a = AlgorithmTable.byName(ENCRYPTION, "des-deriv").orElseThrow();
        assertEquals("des-cbc", a.name());
        assertEquals(0x20, a.saFlagsFor("des-deriv"));
        assertEquals(0x10, a.saFlagsFor("des-32iv"));
        assertEquals(0, a.saFlagsFor("des-cbc"));
        assertEquals(a, AlgorithmTable.byNumber(ENCRYPTION, 2).orElseThrow());
    }

    @Test
    void registerReplyLimitsMatchNetbsd() {
        // spec §1.13: SUPPORTED_ENCRYPT min/max bits (camellia: NetBSD's 64 is looser than the cipher; see table doc)
        assertLimits(ENCRYPTION, 2, 64, 64);
        assertLimits(ENCRYPTION, 3, 192, 192);
        assertLimits(ENCRYPTION, 6, 40, 128);
        assertLimits(ENCRYPTION, 7, 40, 448);
        assertLimits(ENCRYPTION, 11, 0, 2048);
        assertLimits(ENCRYPTION, 12, 128, 256);
        assertLimits(ENCRYPTION, 13, 160, 288);
        assertLimits(ENCRYPTION, 20, 160, 288);
        assertLimits(ENCRYPTION, 23, 160, 288);
        assertLimits(AUTHENTICATION, 2, 128, 128);
        assertLimits(AUTHENTICATION, 3, 160, 160);
        assertLimits(AUTHENTICATION, 5, 256, 256);
        assertLimits(AUTHENTICATION, 6, 384, 384);
        assertLimits(AUTHENTICATION, 7, 512, 512);
        assertLimits(AUTHENTICATION, 8, 160, 160);
        assertLimits(AUTHENTICATION, 9, 128, 128);
        assertLimits(AUTHENTICATION, 249, 128, 128);
        assertLimits(AUTHENTICATION, 250, 160, 160);
        assertLimits(AUTHENTICATION, 251, 0, 2048);
    }

    private static void assertLimits(AlgorithmKind kind, int number, int min, int max) {
        Algorithm a = AlgorithmTable.byNumber(kind, number).orElseThrow();
        assertEquals(min, a.keyBits().minBits(), a.toString());
        assertEquals(max, a.keyBits().maxBits(), a.toString());
    }

    @Test
    void sizesFollowTheRfcs() {
        Algorithm gcm = AlgorithmTable.byName(ENCRYPTION, "aes-gcm-16").orElseThrow();
        assertEquals(8, gcm.ivBytes());
        assertEquals(16, gcm.icvBytes());
        assertEquals(4, gcm.saltBytes());
        assertTrue(gcm.combinedMode());
        Algorithm ccm = AlgorithmTable.byName(ENCRYPTION, "aes-ccm-12").orElseThrow();
        assertEquals(3, ccm.saltBytes());
        assertEquals(12, ccm.icvBytes());
        Algorithm cbc = AlgorithmTable.byName(ENCRYPTION, "aes-cbc").orElseThrow();
        assertEquals(16, cbc.ivBytes());
        assertFalse(cbc.combinedMode());
        assertEquals(
                16,
                AlgorithmTable.byName(AUTHENTICATION, "hmac-sha256")
                        .orElseThrow()
                        .icvBytes());
        assertEquals(
                12,
                AlgorithmTable.byName(AUTHENTICATION, "hmac-sha1").orElseThrow().icvBytes());
    }

    @Test
    void wrongKeyLengthIsRefusedNamingTheAllowedLengths() {
        Algorithm aes = AlgorithmTable.byName(ENCRYPTION, "aes-cbc").orElseThrow();
        InvalidKeyLengthException e = assertThrows(InvalidKeyLengthException.class, () -> aes.newCipher(new byte[17]));
        assertEquals("Invalid key length: aes-cbc takes keys of 128/192/256 bits, not 136", e.getMessage());
        Algorithm bf = AlgorithmTable.byName(ENCRYPTION, "blowfish-cbc").orElseThrow();
        e = assertThrows(InvalidKeyLengthException.class, () -> bf.newCipher(new byte[57]));
        assertTrue(e.getMessage().contains("40 to 448"), e.getMessage());
        Algorithm gcm = AlgorithmTable.byName(ENCRYPTION, "aes-gcm-16").orElseThrow();
        assertThrows(InvalidKeyLengthException.class, () -> gcm.newAead(new byte[16])); // salt missing
    }

    @Test
    void everyKeyedRowBuildsItsTransform() throws Exception {
        for (Algorithm a : AlgorithmTable.all()) {
            if (a.factory() instanceof Algorithm.Factory.None) continue;
            byte[] key = new byte[a.keyBits().maxBits() / 8];
            switch (a.factory()) {
                case Algorithm.Factory.Cipher c ->
                    assertEquals(a, a.newCipher(key).algorithm());
                case Algorithm.Factory.Aead c ->
                    assertEquals(a.icvBytes(), a.newAead(key).icvLength());
                case Algorithm.Factory.Integrity c ->
                    assertEquals(a.icvBytes(), a.newIntegrity(key).icvLength());
                case Algorithm.Factory.None n -> {}
            }
        }
    }

    @Test
    void compressionRowsSayWhatTheKernelImplements() {
        assertTrue(AlgorithmTable.byName(COMPRESSION, "deflate").orElseThrow().implemented());
        assertFalse(AlgorithmTable.byName(COMPRESSION, "oui").orElseThrow().implemented());
        assertFalse(AlgorithmTable.byName(COMPRESSION, "lzs").orElseThrow().implemented());
    }

    @Test
    void additionsAreMarkedAsNotNetbsd() {
        for (String e :
                List.of("aes-gcm-8", "aes-gcm-12", "aes-ccm-8", "aes-ccm-12", "aes-ccm-16", "chacha20-poly1305")) {
            assertFalse(AlgorithmTable.byName(ENCRYPTION, e).orElseThrow().netbsd(), e);
        }
        assertFalse(AlgorithmTable.byName(AUTHENTICATION, "aes-cmac-96")
                .orElseThrow()
                .netbsd());
        assertTrue(AlgorithmTable.byName(ENCRYPTION, "aes-gcm-16").orElseThrow().netbsd());
    }
}
