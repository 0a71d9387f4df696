package org.jipsec.core.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.jipsec.core.crypto.IcvMismatchException;
import org.jipsec.core.ike.codec.DeletePayload;
import org.jipsec.core.ike.codec.ExchangeType;
import org.jipsec.core.ike.codec.IkeHeader;
import org.jipsec.core.ike.codec.IkeMessage;
import org.jipsec.core.ike.codec.InvalidSyntaxException;
import org.jipsec.core.ike.codec.NotifyPayload;
import org.jipsec.core.ike.codec.NotifyType;
import org.jipsec.core.ike.codec.Payload;
import org.junit.jupiter.api.Test;

class SkCipherTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    /**
     * RFC 7634 Appendix B: an INFORMATIONAL request with SET_WINDOW_SIZE(10) protected with
     * ChaCha20-Poly1305, key 80..9f, salt a0a1a2a3, IV 1011121314151617 — byte-exact both ways.
     */
    @Test
    void rfc7634AppendixB() throws Exception {
        IkeTransforms.Encryption chacha = IkeTransforms.encryption(IkeTransforms.ENCR_CHACHA20_POLY1305, 0)
                .orElseThrow();
        byte[] key = hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f a0a1a2a3");
        SkCipher sk = SkCipher.create(chacha, key, null, null, null);
        sk.setNextIv(0x1011121314151616L);
        IkeHeader h = new IkeHeader(0xc0c1c2c3c4c5c6c7L, 0xd0d1d2d3d4d5d6d7L, 0, ExchangeType.INFORMATIONAL, 0, 9);
        List<Payload> inner = List.of(NotifyPayload.of(NotifyType.SET_WINDOW_SIZE, hex("0000000a")));
        byte[] expected = hex("c0c1c2c3c4c5c6c7 d0d1d2d3d4d5d6d7 2e202500 00000009 00000045 29000029"
                + "1011121314151617 6103947 01f8d017f 7c129248896b71bf e25236efd7cdc670 66906315b2".replace(" ", ""));
        assertArrayEquals(expected, sk.protect(h, List.of(), inner));
        SkCipher rx = SkCipher.create(chacha, key, null, null, null);
        IkeMessage m = rx.unprotect(expected);
        assertEquals(h, m.header());
        assertEquals(inner, m.payloads());
    }

    private static void roundTrip(IkeTransforms.Encryption enc, IkeTransforms.Integrity integ) throws Exception {
        SecureRandom rnd = new SecureRandom();
        byte[] ek = new byte[enc.keyBytes()];
        byte[] ik = integ == null ? new byte[0] : new byte[integ.keyBytes()];
        rnd.nextBytes(ek);
        rnd.nextBytes(ik);
        SkCipher tx = SkCipher.create(enc, ek, integ, ik, rnd);
        SkCipher rx = SkCipher.create(enc, ek, integ, ik, rnd);
        IkeHeader h = new IkeHeader(1, 2, 0, ExchangeType.INFORMATIONAL, IkeHeader.FLAG_INITIATOR, 5);
        for (int n = 0; n < 40; n++) {
            List<Payload> inner = n % 2 == 0
                    ? List.of(DeletePayload.ikeSa())
                    : List.of(NotifyPayload.of(NotifyType.COOKIE, new byte[n]));
            byte[] wire = tx.protect(h, List.of(), inner);
            assertEquals(inner, rx.unprotect(wire).payloads(), enc.strongSwanName());
            for (int at : new int[] {0, 20, 28, wire.length / 2, wire.length - 1}) {
                byte[] bad = wire.clone();
                bad[at] ^= 0x40;
                // header byte 17 (version) fails decoding; every other flip fails the ICV
                assertThrows(Exception.class, () -> rx.unprotect(bad));
                if (at >= 28) assertThrows(IcvMismatchException.class, () -> rx.unprotect(bad));
            }
        }
    }

    @Test
    void everyIkeCipherRoundTripsAndRejectsTampering() throws Exception {
        for (IkeTransforms.Encryption e : IkeTransforms.encryption()) {
            if (e.aead()) {
                roundTrip(e, null);
            } else {
                for (IkeTransforms.Integrity i : IkeTransforms.integrity()) roundTrip(e, i);
            }
        }
    }

    @Test
    void truncatedSkIsInvalidSyntax() throws Exception {
        IkeTransforms.Encryption gcm =
                IkeTransforms.encryption(IkeTransforms.ENCR_AES_GCM_16, 128).orElseThrow();
        SkCipher sk = SkCipher.create(gcm, new byte[20], null, null, null);
        byte[] wire = sk.protect(new IkeHeader(1, 2, 0, ExchangeType.INFORMATIONAL, 0, 1), List.of(), List.of());
        // an SK body of IV + ICV only, no pad length byte: shorten the body by one and fix both lengths
        byte[] cut = java.util.Arrays.copyOf(wire, wire.length - 1);
        cut[27]--;
        cut[31]--;
        assertThrows(InvalidSyntaxException.class, () -> sk.unprotect(cut));
    }
}
