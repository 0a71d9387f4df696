package org.jipsec.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/**
 * {@link AesCcm} (CCM on the JDK's AES) against Bouncy Castle's CCM, the reference it replaced, on random keys,
 * nonces, AADs and lengths — every tag size and nonce size RFC 3610 allows, the ESP shape (11-byte nonce, 8- or
 * 12-byte AAD) in particular, lengths around block boundaries. RFC 3610's published vectors run in
 * KnownAnswerTest, RFC 4309 framing in KnownAnswerTest and PythonInteropTest (python-cryptography).
 */
class AesCcmTest {

    private static byte[] bc(byte[] key, byte[] nonce, int tag, byte[] aad, byte[] plain) throws Exception {
        var c = BcAead.ccmEngine();
        c.init(true, new AEADParameters(new KeyParameter(key), tag * 8, nonce, aad));
        byte[] out = new byte[c.getOutputSize(plain.length)];
        int n = c.processBytes(plain, 0, plain.length, out, 0);
        c.doFinal(out, n);
        return out;
    }

    @Test
    void agreesWithBouncyCastleOnRandomInputs() throws Exception {
        SplittableRandom r = new SplittableRandom(4309);
        int[] keyLens = {16, 24, 32};
        for (int round = 0; round < 600; round++) {
            int nonceLen = round % 3 == 0 ? 11 : 7 + r.nextInt(7);
            int tag = round % 2 == 0 ? new int[] {8, 12, 16}[r.nextInt(3)] : 4 + 2 * r.nextInt(7);
            byte[] key = bytes(r, keyLens[r.nextInt(3)]);
            byte[] nonce = bytes(r, nonceLen);
            byte[] aad = bytes(r, round % 5 == 0 ? 0 : round % 5 == 1 ? 8 : round % 5 == 2 ? 12 : r.nextInt(300));
            int len = round < 64 ? round : r.nextInt(2000);
            if (nonceLen == 13 && len > 60000) len = 60000;
            byte[] plain = bytes(r, len);
            byte[] expected = bc(key, nonce, tag, aad, plain);

            AesCcm ccm = new AesCcm(key.clone(), nonceLen, tag);
            int off = r.nextInt(40);
            byte[] buf = new byte[off + len + tag + r.nextInt(20)];
            System.arraycopy(plain, 0, buf, off, len);
            ccm.seal(nonce, aad, aad.length, buf, off, len);
            assertArrayEquals(expected, Arrays.copyOfRange(buf, off, off + len + tag), "round " + round);
            byte[] wire = buf.clone();
            byte[] out = new byte[len + 3];
            assertTrue(
                    ccm.open(nonce, aad, aad.length, wire, off, len + tag, out, 3), "separate output, round " + round);
            assertArrayEquals(plain, Arrays.copyOfRange(out, 3, 3 + len), "round " + round);
            assertArrayEquals(buf, wire, "the input of a separate-output open is not touched");
            assertTrue(ccm.open(nonce, aad, aad.length, buf, off, len + tag), "round " + round);
            assertArrayEquals(plain, Arrays.copyOfRange(buf, off, off + len), "round " + round);
        }
    }

    @Test
    void aTamperedMessageIsRefusedAndLeftAsItWas() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        for (int round = 0; round < 200; round++) {
            byte[] key = bytes(r, 16);
            byte[] nonce = bytes(r, 11);
            byte[] aad = bytes(r, 8);
            int len = 1 + r.nextInt(1500);
            byte[] sealed = bc(key, nonce, 16, aad, bytes(r, len));
            byte[] buf = sealed.clone();
            int flip = r.nextInt(buf.length + aad.length);
            if (flip < buf.length) buf[flip] ^= (byte) (1 << r.nextInt(8));
            else aad[flip - buf.length] ^= 1;
            byte[] before = buf.clone();
            AesCcm ccm = new AesCcm(key, 11, 16);
            assertFalse(ccm.open(nonce, aad, aad.length, buf, 0, buf.length), "round " + round);
            assertArrayEquals(before, buf, "a refused message stays as received");
            byte[] out = bytes(r, buf.length - 16);
            assertFalse(
                    ccm.open(nonce, aad, aad.length, buf, 0, buf.length, out, 0), "separate output, round " + round);
            assertArrayEquals(before, buf, "the input of a separate-output open is not touched");
            assertArrayEquals(new byte[out.length], out, "no unauthenticated plaintext is left in the output");
        }
    }

    @Test
    void espFramingAgreesWithTheBouncyCastleTransform() throws Exception {
        SplittableRandom r = new SplittableRandom(16);
        for (String name : new String[] {"aes-ccm-8", "aes-ccm-12", "aes-ccm-16"}) {
            Algorithm a = AlgorithmTable.byName(AlgorithmKind.ENCRYPTION, name).orElseThrow();
            for (int keyBits : new int[] {152, 216, 280}) {
                byte[] key = bytes(r, keyBits / 8);
                AeadTransform jdk = a.newAead(key.clone());
                AeadTransform ref = BcAead.ccm(a, key.clone(), a.icvBytes());
                for (int i = 0; i < 20; i++) {
                    byte[] iv = bytes(r, 8);
                    byte[] aad = bytes(r, i % 2 == 0 ? 8 : 12);
                    int len = r.nextInt(1600);
                    byte[] x = new byte[len + 16];
                    byte[] y = new byte[len + 16];
                    byte[] p = bytes(r, len);
                    System.arraycopy(p, 0, x, 0, len);
                    System.arraycopy(p, 0, y, 0, len);
                    jdk.start(true, iv, 0);
                    jdk.aad(aad, 0, 4);
                    jdk.aad(aad, 4, aad.length - 4); // in pieces, as ESP passes SPI and sequence numbers
                    int n = jdk.seal(x, 0, len);
                    ref.start(true, iv, 0);
                    ref.aad(aad, 0, aad.length);
                    assertEquals(n, ref.seal(y, 0, len));
                    assertArrayEquals(y, x, name + " " + keyBits);
                    byte[] out = new byte[len + 1];
                    jdk.start(false, iv, 0);
                    jdk.aad(aad, 0, aad.length);
                    assertEquals(len, jdk.open(y, 0, n, out, 1)); // the engine's path: straight into out
                    assertArrayEquals(p, Arrays.copyOfRange(out, 1, 1 + len));
                    ref.start(false, iv, 0);
                    ref.aad(aad, 0, aad.length);
                    assertEquals(len, ref.open(x, 0, n));
                    assertArrayEquals(p, Arrays.copyOf(x, len));
                }
                jdk.destroy();
                assertThrows(IllegalStateException.class, () -> jdk.start(true, new byte[8], 0));
            }
        }
    }

    @Test
    void refusesWhatCcmCannotCarry() {
        assertThrows(IllegalArgumentException.class, () -> new AesCcm(new byte[16], 6, 16));
        assertThrows(IllegalArgumentException.class, () -> new AesCcm(new byte[16], 11, 5));
        assertThrows(IllegalArgumentException.class, () -> new AesCcm(new byte[15], 11, 16));
        AesCcm l2 = new AesCcm(new byte[16], 13, 16); // L = 2: messages below 64 KiB
        assertThrows(
                IllegalArgumentException.class,
                () -> l2.seal(new byte[13], new byte[0], 0, new byte[70_000], 0, 65_536));
        assertFalse(new AesCcm(new byte[16], 11, 16).open(new byte[11], new byte[0], 0, new byte[10], 0, 10));
    }

    private static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
