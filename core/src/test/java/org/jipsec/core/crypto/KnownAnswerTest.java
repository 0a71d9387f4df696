package org.jipsec.core.crypto;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.jipsec.core.crypto.VectorFile.Vector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Known-answer tests from the RFC vector files. Each file is one test; every failing vector of the file is
 * collected and reported before the test fails. Encryption, decryption and in-place operation at a non-zero
 * offset are all checked, and a flipped ICV bit must be refused.
 */
class KnownAnswerTest {

    static Stream<String> files() {
        return Stream.of(
                "rfc2202-hmac-md5-sha1.txt",
                "rfc4231-hmac-sha2.txt",
                "rfc4868-hmac-sha2-ipsec.txt",
                "rfc2286-hmac-ripemd160.txt",
                "rfc3566-aes-xcbc-mac-96.txt",
                "rfc4494-aes-cmac-96.txt",
                "rfc3602-aes-cbc.txt",
                "nessie-des-cbc.txt",
                "rfc3686-aes-ctr.txt",
                "gcm-mcgrew-viega.txt",
                "draft-mcgrew-gcm-test-01.txt",
                "rfc3610-ccm-core.txt",
                "ccm-rfc4309-framing.txt",
                "rfc7634-chacha20-poly1305.txt");
    }

    private static final HexFormat HEX = HexFormat.of();
    private static final int OFF = 7; // operate inside a larger buffer, as ESP does

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void everyVectorOfTheFilePasses(String file) {
        List<Vector> vectors = VectorFile.load(file);
        assertTrue(!vectors.isEmpty(), file + " has no vectors");
        List<String> failures = new ArrayList<>();
        for (Vector v : vectors) {
            try {
                String problem = switch (v.text("kind")) {
                    case "mac" -> mac(v);
                    case "cipher" -> cipher(v);
                    case "aead" -> aead(v);
                    case "aead-open" -> aeadOpen(v);
                    case "ccm-core" -> ccmCore(v);
                    default -> "unknown kind " + v.text("kind");
                };
                if (problem != null) failures.add(v + ": " + problem);
            } catch (Exception | AssertionError e) {
                failures.add(v + ": threw " + e);
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + vectors.size() + " vectors failed:\n  " + String.join("\n  ", failures));
        }
    }

    private static Algorithm alg(Vector v, AlgorithmKind kind) {
        return AlgorithmTable.byName(kind, v.text("alg")).orElseThrow(() -> new AssertionError("no " + v.text("alg")));
    }

    private static String mac(Vector v) throws InvalidKeyLengthException {
        Algorithm a = alg(v, AlgorithmKind.AUTHENTICATION);
        byte[] key = v.bytes("key");
        // raw: the RFC's key length is not one the table allows; build through the row's factory directly
        IntegrityTransform t =
                v.flag("raw") ? ((Algorithm.Factory.Integrity) a.factory()).create(a, key) : a.newIntegrity(key);
        byte[] data = v.bytes("data");
        byte[] expected = v.bytes("mac");
        int icv = t.icvLength();
        if (expected.length < icv) return "vector has " + expected.length + " MAC bytes, ICV is " + icv;
        byte[] want = Arrays.copyOf(expected, icv); // RFC 2104 §5: keep the leftmost bits
        // feed in two pieces to exercise the streaming path
        byte[] buf = new byte[data.length + 2 * OFF];
        System.arraycopy(data, 0, buf, OFF, data.length);
        int half = data.length / 2;
        t.update(buf, OFF, half);
        t.update(buf, OFF + half, data.length - half);
        byte[] out = new byte[icv + 3];
        t.finish(out, 3);
        byte[] got = Arrays.copyOfRange(out, 3, 3 + icv);
        if (!Arrays.equals(got, want)) return "ICV " + HEX.formatHex(got) + ", expected " + HEX.formatHex(want);
        t.update(data, 0, data.length);
        if (!t.verify(want, 0)) return "verify() refused the right ICV";
        want[icv - 1] ^= 1;
        t.update(data, 0, data.length);
        if (t.verify(want, 0)) return "verify() accepted a wrong ICV";
        t.destroy();
        return null;
    }

    private static String cipher(Vector v) throws InvalidKeyLengthException {
        Algorithm a = alg(v, AlgorithmKind.ENCRYPTION);
        CipherTransform t = a.newCipher(v.bytes("key"));
        byte[] iv = v.bytes("iv");
        byte[] plain = v.bytes("plain");
        byte[] expected = v.bytes("cipher");
        byte[] buf = new byte[plain.length + 2 * OFF];
        System.arraycopy(plain, 0, buf, OFF, plain.length);
        t.encrypt(iv, 0, buf, OFF, plain.length);
        byte[] got = Arrays.copyOfRange(buf, OFF, OFF + plain.length);
        if (!Arrays.equals(got, expected))
            return "ciphertext " + HEX.formatHex(got) + ", expected " + HEX.formatHex(expected);
        t.decrypt(iv, 0, buf, OFF, plain.length);
        if (!Arrays.equals(Arrays.copyOfRange(buf, OFF, OFF + plain.length), plain))
            return "decryption did not restore the plaintext";
        t.destroy();
        return null;
    }

    /**
     * RFC 3610's vectors on the CCM engine itself (13-byte nonce, L = 2; ESP uses 11 bytes, L = 4): jipsec's
     * {@link AesCcm} on the JDK's AES, and Bouncy Castle's CCM (kept as the reference in AesCcmTest).
     */
    private static String ccmCore(Vector v) throws Exception {
        byte[] key = v.bytes("key");
        byte[] nonce = v.bytes("nonce");
        byte[] aad = v.bytes("aad");
        byte[] plain = v.bytes("plain");
        byte[] expected = v.bytes("cipher");
        int tagLen = Integer.parseInt(v.text("taglen"));
        AesCcm ccm = new AesCcm(key.clone(), nonce.length, tagLen);
        byte[] buf = new byte[OFF + expected.length + OFF];
        System.arraycopy(plain, 0, buf, OFF, plain.length);
        ccm.seal(nonce, aad, aad.length, buf, OFF, plain.length);
        byte[] out = Arrays.copyOfRange(buf, OFF, OFF + expected.length);
        if (!Arrays.equals(out, expected))
            return "AesCcm sealed " + HEX.formatHex(out) + ", expected " + HEX.formatHex(expected);
        if (!ccm.open(nonce, aad, aad.length, buf, OFF, expected.length)) return "AesCcm refused its own vector";
        if (!Arrays.equals(Arrays.copyOfRange(buf, OFF, OFF + plain.length), plain))
            return "AesCcm open did not restore the plaintext";
        var enc = BcAead.ccmEngine();
        enc.init(
                true,
                new org.bouncycastle.crypto.params.AEADParameters(
                        new org.bouncycastle.crypto.params.KeyParameter(key), tagLen * 8, nonce, aad));
        byte[] bc = new byte[enc.getOutputSize(plain.length)];
        int n = enc.processBytes(plain, 0, plain.length, bc, 0);
        enc.doFinal(bc, n);
        if (!Arrays.equals(bc, expected))
            return "Bouncy Castle sealed " + HEX.formatHex(bc) + ", expected " + HEX.formatHex(expected);
        return null;
    }

    /** A received packet (no plaintext published): it must verify, and re-sealing must give it back. */
    private static String aeadOpen(Vector v) throws InvalidKeyLengthException {
        Algorithm a = alg(v, AlgorithmKind.ENCRYPTION);
        byte[] key = v.bytes("key");
        byte[] iv = v.bytes("iv");
        byte[] aad = v.bytes("aad");
        byte[] wire = v.bytes("cipher");
        AeadTransform rx = a.newAead(key);
        byte[] buf = new byte[wire.length + 2 * OFF];
        System.arraycopy(wire, 0, buf, OFF, wire.length);
        rx.start(false, iv, 0);
        rx.aad(aad, 0, aad.length);
        int n;
        try {
            n = rx.open(buf, OFF, wire.length);
        } catch (IcvMismatchException e) {
            return "the published ICV did not verify";
        }
        AeadTransform tx = a.newAead(key);
        tx.start(true, iv, 0);
        tx.aad(aad, 0, aad.length);
        int m = tx.seal(buf, OFF, n);
        byte[] got = Arrays.copyOfRange(buf, OFF, OFF + m);
        if (!Arrays.equals(got, wire)) return "re-sealed " + HEX.formatHex(got) + ", expected " + HEX.formatHex(wire);
        return null;
    }

    private static String aead(Vector v) throws InvalidKeyLengthException, IcvMismatchException {
        Algorithm a = alg(v, AlgorithmKind.ENCRYPTION);
        byte[] key = v.bytes("key");
        byte[] iv = v.bytes("iv");
        byte[] aad = v.bytes("aad");
        byte[] plain = v.bytes("plain");
        byte[] expected = v.bytes("cipher");
        AeadTransform t = a.newAead(key);
        byte[] buf = new byte[plain.length + t.icvLength() + 2 * OFF];
        System.arraycopy(plain, 0, buf, OFF, plain.length);
        t.start(true, iv, 0);
        t.aad(aad, 0, aad.length);
        int n = t.seal(buf, OFF, plain.length);
        byte[] got = Arrays.copyOfRange(buf, OFF, OFF + n);
        if (!Arrays.equals(got, expected))
            return "sealed " + HEX.formatHex(got) + ", expected " + HEX.formatHex(expected);
        // open with a fresh instance (the receiver's SA)
        AeadTransform r = a.newAead(key);
        r.start(false, iv, 0);
        r.aad(aad, 0, aad.length);
        int m = r.open(buf, OFF, n);
        if (m != plain.length || !Arrays.equals(Arrays.copyOfRange(buf, OFF, OFF + m), plain)) {
            return "open did not restore the plaintext";
        }
        // the same vector opened from the wire bytes into a separate buffer: input untouched, output = plaintext
        byte[] wire = expected.clone();
        byte[] out = new byte[plain.length + 5];
        r.start(false, iv, 0);
        r.aad(aad, 0, aad.length);
        int k = r.open(wire, 0, wire.length, out, 5);
        if (k != plain.length || !Arrays.equals(Arrays.copyOfRange(out, 5, 5 + k), plain)) {
            return "open into a separate buffer did not give the plaintext";
        }
        if (!Arrays.equals(wire, expected)) return "open into a separate buffer modified its input";
        // a flipped bit in the ICV is refused
        byte[] bad = expected.clone();
        bad[bad.length - 1] ^= (byte) 0x80;
        r.start(false, iv, 0);
        r.aad(aad, 0, aad.length);
        try {
            r.open(bad, 0, bad.length);
            return "open accepted a corrupted ICV";
        } catch (IcvMismatchException expectedFailure) {
            // right
        }
        r.start(false, iv, 0);
        r.aad(aad, 0, aad.length);
        try {
            r.open(bad, 0, bad.length, new byte[bad.length], 0);
            return "open into a separate buffer accepted a corrupted ICV";
        } catch (IcvMismatchException expectedFailure) {
            // right
        }
        t.destroy();
        r.destroy();
        return null;
    }
}
