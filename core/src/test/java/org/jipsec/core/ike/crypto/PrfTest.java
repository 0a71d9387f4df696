package org.jipsec.core.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PrfTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    private static byte[] repeat(int b, int n) {
        byte[] out = new byte[n];
        java.util.Arrays.fill(out, (byte) b);
        return out;
    }

    /** RFC 4868 §2.7.1 PRF-HMAC-SHA-256 test cases 1-3 (key of the PRF's preferred length, 32 bytes). */
    @Test
    void rfc4868PrfHmacSha256() {
        assertArrayEquals(
                hex("198a607eb44bfbc69903a0f1cf2bbdc5ba0aa3f3d9ae3c1c7a3b1696a0b68cf7"),
                PrfAlgorithm.HMAC_SHA2_256.prf(repeat(0x0b, 32), "Hi There".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(
                hex("167f928588c5cc2eef8e3093caa0e87c9ff566a14794aa61648d81621a2a40c6"),
                PrfAlgorithm.HMAC_SHA2_256.prf(
                        hex("4a656665".repeat(8)), "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(
                hex("cdcb1220d1ecccea91e53aba3092f962e549fe6ce9ed7fdc43191fbde45c30b0"),
                PrfAlgorithm.HMAC_SHA2_256.prf(repeat(0xaa, 32), repeat(0xdd, 50)));
    }

    /** RFC 3566 §4.6 AES-XCBC-MAC test cases 1-4 (key 000102..0f), full 128-bit output. */
    @Test
    void rfc3566AesXcbcMac() {
        byte[] k = hex("000102030405060708090a0b0c0d0e0f");
        assertArrayEquals(hex("75f0251d528ac01c4573dfd584d79f29"), AesXcbcPrf.mac(k, new byte[0]));
        assertArrayEquals(hex("5b376580ae2f19afe7219ceef172756f"), AesXcbcPrf.mac(k, hex("000102")));
        assertArrayEquals(
                hex("d2a246fa349b68a79998a4394ff7a263"), AesXcbcPrf.mac(k, hex("000102030405060708090a0b0c0d0e0f")));
        assertArrayEquals(
                hex("47f51b4564966215b8985c63055ed308"),
                AesXcbcPrf.mac(k, hex("000102030405060708090a0b0c0d0e0f10111213")));
    }

    /** RFC 4434 §4 AES-XCBC-PRF-128 with keys of 16, 10 and 18 bytes, message 00..13. */
    @Test
    void rfc4434AesXcbcPrfKeyLengths() {
        byte[] m = hex("000102030405060708090a0b0c0d0e0f10111213");
        assertArrayEquals(
                hex("47f51b4564966215b8985c63055ed308"),
                PrfAlgorithm.AES128_XCBC.prf(hex("000102030405060708090a0b0c0d0e0f"), m));
        assertArrayEquals(
                hex("0fa087af7d866e7653434e602fdde835"), PrfAlgorithm.AES128_XCBC.prf(hex("00010203040506070809"), m));
        assertArrayEquals(
                hex("8cd3c93ae598a9803006ffb67c40e9e4"),
                PrfAlgorithm.AES128_XCBC.prf(hex("000102030405060708090a0b0c0d0e0fedcb"), m));
    }

    /**
     * prf+ (§2.13) against an independent computation (Python's hmac module:
     * {@code t=b""; for i in 1..: t=hmac.new(k, t+s+bytes([i]), h).digest()}), across several blocks.
     */
    @Test
    void prfPlusAgainstIndependentComputation() {
        byte[] seed = "jipsec prf+ seed".repeat(3).getBytes(StandardCharsets.US_ASCII);
        byte[] k32 = new byte[32];
        for (int i = 0; i < 32; i++) k32[i] = (byte) i;
        assertArrayEquals(
                hex("b20ef143a701577f82123f8b922d9e784a4bf556934c00cd70ceeb93fcacb0e000b1d703839232f040f8c24c"
                        + "262058877229bdcb0993ed4a4ed1ca7110dc1203b56bebd0278b65f992ba29e7c154be06e602b46c6d0c1c8a22de54c0d54d4"
                        + "06c86e12282"),
                PrfPlus.expand(PrfAlgorithm.HMAC_SHA2_256, k32, seed, 100));
        byte[] k64 = new byte[64];
        for (int i = 0; i < 64; i++) k64[i] = (byte) i;
        assertArrayEquals(
                hex("89f9dd706c9b010b5d68f3efc6cc7dd5fc4d5c7673c1aee34e17e24ad0679352231f0311ca003d0a82659cc8"
                        + "b099fa275ab67eb2ff48c6705485e9c4cadf27a4141292772f5dec5c7099ca3312276771d658090e9e52a219366abf5d6283ee"
                        + "24e323ab51f4207bcdf22c558d031a2509afb99e59bf363e77185c5410d31df6b84038f3e4c602c2751a4634e7d212d5a1db11"
                        + "db0f1765ee7c35bb2a1310dbb020213f4a42fb6279a079db38abed3ba46284319cfa7da6882f8686e5f6d7f99095057f2a4c79"
                        + "169e45"),
                PrfPlus.expand(PrfAlgorithm.HMAC_SHA2_512, k64, seed, 200));
    }

    @Test
    void prfPlusStopsAt255Blocks() {
        PrfPlus.expand(PrfAlgorithm.HMAC_SHA2_256, new byte[32], new byte[1], 255 * 32);
        assertThrows(
                IllegalArgumentException.class,
                () -> PrfPlus.expand(PrfAlgorithm.HMAC_SHA2_256, new byte[32], new byte[1], 255 * 32 + 1));
    }
}
