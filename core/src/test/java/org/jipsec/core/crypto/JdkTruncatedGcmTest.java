package org.jipsec.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.jipsec.core.crypto.VectorFile.Vector;
import org.junit.jupiter.api.Test;

/**
 * aes-gcm-8 on the JDK's AES-GCM ({@link JdkTruncatedGcmAead}) against Bouncy Castle's GCM with a 64-bit tag
 * ({@link BcAead#gcm}, the implementation it replaced) on random keys, IVs, AADs and lengths with the RFC 4106
 * framing; against the published draft-mcgrew-gcm-test-01 ESP packets with their 16-byte ICVs cut to 8
 * (SP 800-38D §5.2.1.2/§7.1: T = MSB_t of the full tag); tampering, retransmissions and destroy().
 * The GCM specification's test case 3 with an 8-byte ICV runs in KnownAnswerTest, python-cryptography's
 * aes-gcm-8 in PythonInteropTest.
 */
class JdkTruncatedGcmTest {
    private static final Algorithm GCM8 =
            AlgorithmTable.byName(AlgorithmKind.ENCRYPTION, "aes-gcm-8").orElseThrow();

    @Test
    void theTableBuildsTheJdkEngine() throws Exception {
        assertInstanceOf(JdkTruncatedGcmAead.class, GCM8.newAead(new byte[20]));
        assertEquals(8, GCM8.newAead(new byte[20]).icvLength());
    }

    @Test
    void agreesWithBouncyCastleOnRandomInputs() throws Exception {
        SplittableRandom r = new SplittableRandom(4106);
        int[] keyBytes = {20, 28, 36}; // 160/224/288 bits: AES key || 4-byte salt
        for (int round = 0; round < 600; round++) {
            byte[] key = bytes(r, keyBytes[round % 3]);
            AeadTransform jdk = GCM8.newAead(key.clone());
            AeadTransform ref = BcAead.gcm(GCM8, key.clone(), 8);
            byte[] iv = bytes(r, 8);
            byte[] aad = bytes(r, round % 2 == 0 ? 8 : 12); // SPI || seq, or SPI || ESN high || low
            int len = round < 64 ? round : r.nextInt(2001);
            byte[] plain = bytes(r, len);
            int off = r.nextInt(24);
            String what = "round " + round + ", " + len + " bytes";

            byte[] x = new byte[off + len + 8]; // exactly room for the 8-byte ICV, as in ESP
            System.arraycopy(plain, 0, x, off, len);
            jdk.start(true, iv, 0);
            jdk.aad(aad, 0, 4);
            jdk.aad(aad, 4, aad.length - 4); // in pieces, as ESP passes SPI and sequence numbers
            assertEquals(len + 8, jdk.seal(x, off, len));
            byte[] y = Arrays.copyOf(plain, len + 8);
            ref.start(true, iv, 0);
            ref.aad(aad, 0, aad.length);
            ref.seal(y, 0, len);
            assertArrayEquals(y, Arrays.copyOfRange(x, off, off + len + 8), what);

            // the reference opens ours; we open the reference's, in place and into a separate buffer
            byte[] z = y.clone();
            ref.start(false, iv, 0);
            ref.aad(aad, 0, aad.length);
            assertEquals(len, ref.open(z, 0, len + 8));
            assertArrayEquals(plain, Arrays.copyOf(z, len), what);
            jdk.start(false, iv, 0);
            jdk.aad(aad, 0, aad.length);
            assertEquals(len, jdk.open(x, off, len + 8));
            assertArrayEquals(plain, Arrays.copyOfRange(x, off, off + len), what);
            byte[] out = new byte[len + 5];
            jdk.start(false, iv, 0);
            jdk.aad(aad, 0, aad.length);
            assertEquals(len, jdk.open(y, 0, len + 8, out, 5));
            assertArrayEquals(plain, Arrays.copyOfRange(out, 5, 5 + len), what);
            jdk.destroy();
        }
    }

    @Test
    void thePublishedEspPacketsOpenWithTheirIcvCutTo8Bytes() throws Exception {
        int n = 0;
        for (Vector v : VectorFile.load("draft-mcgrew-gcm-test-01.txt")) {
            if (!v.text("alg").equals("aes-gcm-16")) continue;
            byte[] wire16 = v.bytes("cipher");
            byte[] wire8 = Arrays.copyOf(wire16, wire16.length - 8); // ciphertext || MSB_64(tag)
            byte[] iv = v.bytes("iv");
            byte[] aad = v.bytes("aad");
            AeadTransform rx = GCM8.newAead(v.bytes("key"));
            byte[] out = new byte[wire8.length - 8];
            rx.start(false, iv, 0);
            rx.aad(aad, 0, aad.length);
            int len = rx.open(wire8, 0, wire8.length, out, 0);
            AeadTransform tx = GCM8.newAead(v.bytes("key"));
            byte[] again = Arrays.copyOf(out, len + 8);
            tx.start(true, iv, 0);
            tx.aad(aad, 0, aad.length);
            tx.seal(again, 0, len);
            assertArrayEquals(wire8, again, v.name());
            n++;
        }
        assertTrue(n >= 10, "draft-mcgrew-gcm-test-01 GCM packets: " + n);
    }

    @Test
    void aTamperedPacketIsRefusedAndLeftAsReceived() throws Exception {
        SplittableRandom r = new SplittableRandom(8);
        for (int round = 0; round < 300; round++) {
            byte[] key = bytes(r, 20 + 8 * r.nextInt(3));
            byte[] iv = bytes(r, 8);
            byte[] aad = bytes(r, round % 2 == 0 ? 8 : 12);
            int len = r.nextInt(1600);
            byte[] wire = Arrays.copyOf(bytes(r, len), len + 8);
            AeadTransform ref = BcAead.gcm(GCM8, key.clone(), 8);
            ref.start(true, iv, 0);
            ref.aad(aad, 0, aad.length);
            ref.seal(wire, 0, len);
            int flip = r.nextInt(wire.length + aad.length);
            if (flip < wire.length) wire[flip] ^= (byte) (1 << r.nextInt(8));
            else aad[flip - wire.length] ^= 1;

            AeadTransform jdk = GCM8.newAead(key);
            byte[] inPlace = wire.clone();
            jdk.start(false, iv, 0);
            jdk.aad(aad, 0, aad.length);
            assertThrows(IcvMismatchException.class, () -> jdk.open(inPlace, 0, inPlace.length), "round " + round);
            assertArrayEquals(wire, inPlace, "a refused packet stays as received");

            byte[] in = wire.clone();
            byte[] out = bytes(r, len);
            jdk.start(false, iv, 0);
            jdk.aad(aad, 0, aad.length);
            assertThrows(IcvMismatchException.class, () -> jdk.open(in, 0, in.length, out, 0), "round " + round);
            assertArrayEquals(wire, in, "the input is not touched");
            assertArrayEquals(new byte[len], out, "no unauthenticated plaintext is left in the output");
        }
    }

    @Test
    void theSamePacketOpensTwiceAndSealAndOpenAlternate() throws Exception {
        // a retransmission with the replay window off reaches open() with the IV just used: the JDK would refuse
        // to initialise the verification pass ("Cannot reuse iv for GCM encryption") if it were not handled
        SplittableRandom r = new SplittableRandom(2);
        byte[] key = bytes(r, 20);
        byte[] aad = bytes(r, 8);
        byte[] iv = bytes(r, 8);
        byte[] plain = bytes(r, 100);
        AeadTransform tx = GCM8.newAead(key.clone());
        byte[] wire = Arrays.copyOf(plain, 108);
        tx.start(true, iv, 0);
        tx.aad(aad, 0, 8);
        tx.seal(wire, 0, 100);

        AeadTransform rx = GCM8.newAead(key.clone());
        for (int i = 0; i < 4; i++) {
            byte[] out = new byte[100];
            rx.start(false, iv, 0);
            rx.aad(aad, 0, 8);
            assertEquals(100, rx.open(wire, 0, 108, out, 0), "open #" + i);
            assertArrayEquals(plain, out);
            byte[] buf = wire.clone();
            rx.start(false, iv, 0);
            rx.aad(aad, 0, 8);
            assertEquals(100, rx.open(buf, 0, 108), "in place, open #" + i);
            assertArrayEquals(plain, Arrays.copyOf(buf, 100));
        }
        // a tampered copy in between, then the good one again
        byte[] bad = wire.clone();
        bad[3] ^= 1;
        rx.start(false, iv, 0);
        rx.aad(aad, 0, 8);
        assertThrows(IcvMismatchException.class, () -> rx.open(bad, 0, 108));
        rx.start(false, iv, 0);
        rx.aad(aad, 0, 8);
        assertEquals(100, rx.open(wire.clone(), 0, 108));

        // one instance sealing and opening alternately with the same IV (the verification cipher is its own)
        byte[] buf = wire.clone();
        tx.start(false, iv, 0);
        tx.aad(aad, 0, 8);
        assertEquals(100, tx.open(buf, 0, 108));
        byte[] iv2 = iv.clone();
        iv2[7] ^= 1;
        tx.start(true, iv2, 0);
        tx.aad(aad, 0, 8);
        tx.seal(buf, 0, 100);
        // sealing twice with one IV stays refused, as for every JDK GCM (RFC 4106 §3.1)
        assertThrows(IllegalStateException.class, () -> tx.start(true, iv2, 0));
    }

    @Test
    void destroyWipesTheKeyAndRefusesFurtherUse() throws Exception {
        AeadTransform t = GCM8.newAead(bytes(new SplittableRandom(3), 20));
        byte[] iv = new byte[8];
        byte[] buf = new byte[40];
        t.start(false, iv, 0);
        t.aad(buf, 0, 8);
        assertThrows(IcvMismatchException.class, () -> t.open(buf, 0, 40));
        t.destroy();
        var field = JdkTruncatedGcmAead.class.getDeclaredField("key");
        field.setAccessible(true);
        ZeroizableKey k = (ZeroizableKey) field.get(t);
        assertTrue(k.isDestroyed());
        assertThrows(IllegalStateException.class, k::getEncoded);
        var nonce = EspAead.class.getDeclaredField("nonce");
        nonce.setAccessible(true);
        assertArrayEquals(new byte[12], (byte[]) nonce.get(t), "salt wiped");
        assertThrows(IllegalStateException.class, () -> t.start(true, iv, 0));
        assertThrows(IllegalStateException.class, () -> t.start(false, iv, 0));
        assertThrows(IllegalStateException.class, () -> t.open(buf, 0, 40));
        assertThrows(IllegalStateException.class, () -> t.seal(buf, 0, 8));
        t.destroy(); // idempotent
    }

    @Test
    void refusesBuffersWithoutRoomForTheIcv() throws Exception {
        AeadTransform t = GCM8.newAead(new byte[20]);
        t.start(true, new byte[8], 0);
        t.aad(new byte[8], 0, 8);
        assertThrows(IllegalArgumentException.class, () -> t.seal(new byte[20], 0, 13));
        t.start(false, new byte[8], 0);
        assertThrows(IllegalArgumentException.class, () -> t.open(new byte[7], 0, 7));
    }

    private static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
