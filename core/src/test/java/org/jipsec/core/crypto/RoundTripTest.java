package org.jipsec.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property tests over a seeded random source: for every cipher, every cipher+MAC pair (encrypt-then-MAC, as
 * ESP does, RFC 4303 §3.3.4) and every AEAD, a packet round-trips in place at an offset, and any single
 * flipped bit in the authenticated data, ciphertext or ICV is refused.
 */
class RoundTripTest {

    private static final int ROUNDS = 25;

    static Stream<Algorithm> ciphers() {
        return AlgorithmTable.all(AlgorithmKind.ENCRYPTION).stream()
                .filter(a -> a.factory() instanceof Algorithm.Factory.Cipher);
    }

    static Stream<Algorithm> aeads() {
        return AlgorithmTable.all(AlgorithmKind.ENCRYPTION).stream().filter(Algorithm::combinedMode);
    }

    static Stream<Algorithm> macs() {
        return AlgorithmTable.all(AlgorithmKind.AUTHENTICATION).stream()
                .filter(a -> a.factory() instanceof Algorithm.Factory.Integrity);
    }

    static byte[] randomKey(Algorithm a, SplittableRandom rnd) {
        List<Integer> allowed = new ArrayList<>();
        for (int b = a.keyBits().minBits(); b <= a.keyBits().maxBits(); b += 8) {
            if (a.keyBits().allows(b)) allowed.add(b);
        }
        byte[] k = new byte[allowed.get(rnd.nextInt(allowed.size())) / 8];
        rnd.nextBytes(k);
        return k;
    }

    static byte[] bytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ciphers")
    void cipherRoundTripsInPlace(Algorithm a) throws Exception {
        SplittableRandom rnd = new SplittableRandom(a.number());
        for (int round = 0; round < ROUNDS; round++) {
            CipherTransform t = a.newCipher(randomKey(a, rnd));
            int blocks = rnd.nextInt(0, 40);
            int len = blocks * t.blockSize();
            byte[] iv = bytes(rnd, t.ivLength());
            byte[] plain = bytes(rnd, len);
            int off = rnd.nextInt(0, 9);
            byte[] buf = new byte[off + len + rnd.nextInt(0, 5)];
            System.arraycopy(plain, 0, buf, off, len);
            t.encrypt(iv, 0, buf, off, len);
            if (!a.name().equals("null") && len >= 16) {
                assertFalse(Arrays.equals(plain, Arrays.copyOfRange(buf, off, off + len)), a + " did not encrypt");
            }
            t.decrypt(iv, 0, buf, off, len);
            assertArrayEquals(plain, Arrays.copyOfRange(buf, off, off + len), a.toString());
            t.destroy();
        }
    }

    @Test
    void everyCipherWithEveryMacDetectsTampering() throws Exception {
        SplittableRandom rnd = new SplittableRandom(4303);
        for (Algorithm c : ciphers().toList()) {
            for (Algorithm m : macs().toList()) {
                if (m.name().equals("null")) continue; // NULL auth detects nothing, by definition
                CipherTransform enc = c.newCipher(randomKey(c, rnd));
                IntegrityTransform mac = m.newIntegrity(randomKey(m, rnd));
                int len = rnd.nextInt(1, 30) * enc.blockSize();
                byte[] packet = bytes(rnd, 8 + enc.ivLength() + len + mac.icvLength()); // SPI, seq, IV, payload, ICV
                enc.encrypt(packet, 8, packet, 8 + enc.ivLength(), len);
                int authLen = 8 + enc.ivLength() + len;
                mac.update(packet, 0, authLen);
                mac.finish(packet, authLen);
                mac.update(packet, 0, authLen);
                assertTrue(mac.verify(packet, authLen), c + "+" + m);
                int bit = rnd.nextInt(packet.length * 8);
                packet[bit / 8] ^= (byte) (1 << (bit % 8));
                mac.update(packet, 0, authLen);
                assertFalse(mac.verify(packet, authLen), c + "+" + m + " missed flipped bit " + bit);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("aeads")
    void aeadRoundTripsAndRefusesEveryTamper(Algorithm a) throws Exception {
        SplittableRandom rnd = new SplittableRandom(a.number() * 31L);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] key = randomKey(a, rnd);
            AeadTransform tx = a.newAead(key);
            AeadTransform rx = a.newAead(key);
            byte[] aad = bytes(rnd, rnd.nextBoolean() ? 8 : 12); // SPI||seq, or with ESN (RFC 4106 §5)
            byte[] iv = bytes(rnd, tx.ivLength());
            int len = rnd.nextInt(0, 300) & ~3;
            byte[] plain = bytes(rnd, len);
            int off = rnd.nextInt(0, 9);
            byte[] buf = new byte[off + len + tx.icvLength()];
            System.arraycopy(plain, 0, buf, off, len);
            tx.start(true, iv, 0);
            tx.aad(aad, 0, aad.length);
            int sealed = tx.seal(buf, off, len);
            assertEquals(len + tx.icvLength(), sealed);
            if (!tx.encryptsPayload()) {
                assertArrayEquals(plain, Arrays.copyOfRange(buf, off, off + len), "GMAC must not encrypt");
            }
            byte[] wire = Arrays.copyOfRange(buf, off, off + sealed);

            // into a separate buffer (the receive path's fused decrypt): same plaintext, input untouched
            byte[] into = new byte[len + 3];
            rx.start(false, iv, 0);
            rx.aad(aad, 0, aad.length);
            assertEquals(len, rx.open(buf, off, sealed, into, 3));
            assertArrayEquals(plain, Arrays.copyOfRange(into, 3, 3 + len), a + " into a separate buffer");
            assertArrayEquals(wire, Arrays.copyOfRange(buf, off, off + sealed), "input untouched");

            rx.start(false, iv, 0);
            rx.aad(aad, 0, aad.length);
            assertEquals(len, rx.open(buf, off, sealed));
            assertArrayEquals(plain, Arrays.copyOfRange(buf, off, off + len), a.toString());

            // flip one bit of AAD, IV, ciphertext or ICV: refused
            byte[] w = wire.clone();
            byte[] aad2 = aad.clone();
            byte[] iv2 = iv.clone();
            switch (rnd.nextInt(3)) {
                case 0 -> aad2[rnd.nextInt(aad2.length)] ^= 1;
                case 1 -> iv2[rnd.nextInt(iv2.length)] ^= 0x40;
                default -> w[rnd.nextInt(w.length)] ^= (byte) (1 << rnd.nextInt(8));
            }
            rx.start(false, iv2, 0);
            rx.aad(aad2, 0, aad2.length);
            assertThrows(IcvMismatchException.class, () -> rx.open(w, 0, w.length), a + " accepted a tampered packet");
            rx.start(false, iv2, 0);
            rx.aad(aad2, 0, aad2.length);
            assertThrows(
                    IcvMismatchException.class,
                    () -> rx.open(w, 0, w.length, new byte[w.length], 0),
                    a + " accepted a tampered packet into a separate buffer");
            tx.destroy();
            rx.destroy();
        }
    }

    @Test
    void gcmRefusesToReuseAnIvForEncryption() throws Exception {
        Algorithm a =
                AlgorithmTable.byName(AlgorithmKind.ENCRYPTION, "aes-gcm-16").orElseThrow();
        AeadTransform t = a.newAead(new byte[20]);
        byte[] iv = new byte[8];
        byte[] buf = new byte[32];
        t.start(true, iv, 0);
        t.seal(buf, 0, 16);
        assertThrows(IllegalStateException.class, () -> t.start(true, iv, 0));
        iv[7] = 1;
        t.start(true, iv, 0); // the next IV is fine
    }

    @Test
    void useAfterDestroyIsRefused() throws Exception {
        Algorithm cbc =
                AlgorithmTable.byName(AlgorithmKind.ENCRYPTION, "aes-cbc").orElseThrow();
        CipherTransform c = cbc.newCipher(new byte[16]);
        c.destroy();
        assertThrows(IllegalStateException.class, () -> c.encrypt(new byte[16], 0, new byte[16], 0, 16));
        Algorithm sha = AlgorithmTable.byName(AlgorithmKind.AUTHENTICATION, "hmac-sha256")
                .orElseThrow();
        IntegrityTransform m = sha.newIntegrity(new byte[32]);
        m.destroy();
        assertThrows(IllegalStateException.class, () -> m.update(new byte[1], 0, 1));
    }

    @Test
    void misuseIsAnIllegalArgumentNotAnIndexError() throws Exception {
        Algorithm cbc =
                AlgorithmTable.byName(AlgorithmKind.ENCRYPTION, "aes-cbc").orElseThrow();
        CipherTransform c = cbc.newCipher(new byte[16]);
        assertThrows(IllegalArgumentException.class, () -> c.encrypt(new byte[16], 0, new byte[16], 0, 15));
        assertThrows(IllegalArgumentException.class, () -> c.encrypt(new byte[16], 4, new byte[16], 0, 16));
        assertThrows(IllegalArgumentException.class, () -> c.encrypt(new byte[16], 0, new byte[16], 8, 16));
        Algorithm gcm =
                AlgorithmTable.byName(AlgorithmKind.ENCRYPTION, "aes-gcm-16").orElseThrow();
        AeadTransform g = gcm.newAead(new byte[20]);
        g.start(true, new byte[8], 0);
        assertThrows(IllegalArgumentException.class, () -> g.seal(new byte[20], 0, 16)); // no room for ICV
    }
}
