package org.jipsec.core.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.jipsec.core.ike.codec.InvalidSyntaxException;
import org.junit.jupiter.api.Test;

class KeyExchangeTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    /** A random source that hands out fixed bytes (the JDK's X25519 key generator draws the 32-byte scalar). */
    static final class FixedRandom extends SecureRandom {
        private final byte[] bytes;
        private int at;

        FixedRandom(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public void nextBytes(byte[] out) {
            for (int i = 0; i < out.length; i++) out[i] = bytes[at++ % bytes.length];
        }
    }

    /** RFC 5903 §8.1: 256-bit random ECP group; KE data is x||y, the shared secret x only (RFC 7296 §2.14). */
    @Test
    void rfc5903Ecp256() throws Exception {
        byte[] gi = hex("DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180"
                + "5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3");
        byte[] gr = hex("D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63"
                + "56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB");
        byte[] girx = hex("D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE");
        KeyExchange i = KeyExchange.fromPrivate(
                DhGroup.ECP_256, hex("C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433"), gi);
        KeyExchange r = KeyExchange.fromPrivate(
                DhGroup.ECP_256, hex("C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53"), gr);
        assertArrayEquals(girx, i.sharedSecret(gr));
        assertArrayEquals(girx, r.sharedSecret(gi));
    }

    /** RFC 5903 §8.2: 384-bit random ECP group. */
    @Test
    void rfc5903Ecp384() throws Exception {
        byte[] gr = hex("E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D 0D1AC43A 0336DEF9"
                + "6FDA41D0 774A3571 DCFBEC7A ACF31964 72169E83 8430367F 66EEBE3C 6E70C416 DD5F0C68 759DD1FF"
                + "F83FA401 42209DFF 5EAAD96D B9E6386C");
        KeyExchange i = KeyExchange.fromPrivate(
                DhGroup.ECP_384,
                hex("099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C"
                        + "6B3C0F16 0647B674 14DCE655 E35B5380 41E649EE 3FAEF896 783AB194"),
                new byte[96]);
        assertArrayEquals(
                hex("11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4 D6031355"
                        + "69B9E9D0 9CF5D4A2 70F59746"),
                i.sharedSecret(gr));
    }

    /** RFC 7748 §6.1 (X25519 as RFC 8031 uses it): public values and the shared secret K. */
    @Test
    void rfc7748X25519() throws Exception {
        KeyExchange alice = DhGroup.CURVE_25519.generate(
                new FixedRandom(hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")));
        KeyExchange bob = DhGroup.CURVE_25519.generate(
                new FixedRandom(hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")));
        assertArrayEquals(hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"), alice.publicValue());
        assertArrayEquals(hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"), bob.publicValue());
        byte[] k = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        assertArrayEquals(k, alice.sharedSecret(bob.publicValue()));
        assertArrayEquals(k, bob.sharedSecret(alice.publicValue()));
    }

    /** RFC 8031 §2.3: an all-zero result (small-order peer point) is refused. */
    @Test
    void x25519RefusesSmallOrderPoints() {
        KeyExchange a = DhGroup.CURVE_25519.generate(new SecureRandom());
        assertThrows(InvalidSyntaxException.class, () -> a.sharedSecret(new byte[32]));
        byte[] one = new byte[32];
        one[0] = 1;
        assertThrows(InvalidSyntaxException.class, () -> a.sharedSecret(one));
    }

    /** MODP 2048: both sides agree; g^ir equals an independent BigInteger computation, padded to 256 bytes. */
    @Test
    void modp2048AgreesAndPads() throws Exception {
        byte[] x = new byte[64];
        byte[] y = new byte[64];
        x[63] = 7;
        y[0] = 0x55;
        y[63] = 3;
        KeyExchange a = KeyExchange.fromPrivate(DhGroup.MODP_2048, x, null);
        KeyExchange b = KeyExchange.fromPrivate(DhGroup.MODP_2048, y, null);
        assertEquals(256, a.publicValue().length);
        // g^7 is small: the KE data is left-padded with zeros (§3.4)
        assertArrayEquals(KeyExchange.pad(BigInteger.valueOf(128), 256), a.publicValue());
        byte[] s = a.sharedSecret(b.publicValue());
        assertArrayEquals(s, b.sharedSecret(a.publicValue()));
        BigInteger expected =
                BigInteger.TWO.modPow(new BigInteger(1, x).multiply(new BigInteger(1, y)), DhGroup.MODP_2048_P);
        assertArrayEquals(KeyExchange.pad(expected, 256), s);
        KeyExchange c = DhGroup.MODP_2048.generate(new SecureRandom());
        KeyExchange d = DhGroup.MODP_2048.generate(new SecureRandom());
        assertArrayEquals(c.sharedSecret(d.publicValue()), d.sharedSecret(c.publicValue()));
    }

    @Test
    void peerValuesTheGroupRefusesAreInvalidSyntax() throws Exception {
        KeyExchange modp = DhGroup.MODP_2048.generate(new SecureRandom());
        byte[] pMinus1 = KeyExchange.pad(DhGroup.MODP_2048_P.subtract(BigInteger.ONE), 256);
        byte[] oneValue = KeyExchange.pad(BigInteger.ONE, 256);
        assertThrows(InvalidSyntaxException.class, () -> modp.sharedSecret(pMinus1));
        assertThrows(InvalidSyntaxException.class, () -> modp.sharedSecret(oneValue));
        assertThrows(InvalidSyntaxException.class, () -> modp.sharedSecret(new byte[255]));
        KeyExchange ecp = DhGroup.ECP_256.generate(new SecureRandom());
        byte[] offCurve = ecp.publicValue();
        offCurve[63] ^= 1;
        assertThrows(InvalidSyntaxException.class, () -> ecp.sharedSecret(offCurve));
        assertThrows(InvalidSyntaxException.class, () -> ecp.sharedSecret(new byte[64]));
        assertThrows(InvalidSyntaxException.class, () -> ecp.sharedSecret(new byte[65]));
        KeyExchange e384 = DhGroup.ECP_384.generate(new SecureRandom());
        KeyExchange f384 = DhGroup.ECP_384.generate(new SecureRandom());
        assertArrayEquals(e384.sharedSecret(f384.publicValue()), f384.sharedSecret(e384.publicValue()));
    }
}
