package org.jipsec.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Keyed MD5 / keyed SHA-1 have no published vectors. These tests spell out, byte by byte, the input KAME's
 * ah_core.c hashes (key, 0x80, zero fill, 64-bit little-endian key bit count, data, key) and check the
 * transform against a plain digest of it — including the 56-byte key that needs a second pad block.
 */
class KeyedHashTest {

    private static byte[] kameInput(byte[] key, byte[] data) {
        int padlen = key.length < 56 ? 64 - 8 - key.length : 64 + 64 - 8 - key.length;
        byte[] in = new byte[key.length + padlen + 8 + data.length + key.length];
        System.arraycopy(key, 0, in, 0, key.length);
        in[key.length] = (byte) 0x80;
        long bits = key.length * 8L;
        int p = key.length + padlen;
        for (int i = 0; i < 8; i++) in[p + i] = (byte) (bits >>> (8 * i)); // low byte first, also for SHA-1
        System.arraycopy(data, 0, in, p + 8, data.length);
        System.arraycopy(key, 0, in, p + 8 + data.length, key.length);
        return in;
    }

    private static void check(String alg, String digest, byte[] key, byte[] data) throws Exception {
        Algorithm a = AlgorithmTable.byName(AlgorithmKind.AUTHENTICATION, alg).orElseThrow();
        IntegrityTransform t = ((Algorithm.Factory.Integrity) a.factory()).create(a, key);
        byte[] want = MessageDigest.getInstance(digest).digest(kameInput(key, data));
        byte[] got = new byte[t.icvLength()];
        t.update(data, 0, data.length);
        t.finish(got, 0);
        assertArrayEquals(want, got, alg + " key " + key.length);
        t.update(data, 0, data.length); // the transform resets after finish
        t.finish(got, 0);
        assertArrayEquals(want, got, alg + " second message");
    }

    @Test
    void keyedMd5AsKame() throws Exception {
        byte[] data = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
        check("keyed-md5", "MD5", HexFormat.of().parseHex("0b".repeat(16)), data);
        check("keyed-md5", "MD5", new byte[56], data);
        check("keyed-md5", "MD5", new byte[55], new byte[0]);
    }

    @Test
    void keyedSha1AsKame() throws Exception {
        byte[] data = "Hi There".getBytes(StandardCharsets.US_ASCII);
        check("keyed-sha1", "SHA-1", HexFormat.of().parseHex("0b".repeat(20)), data);
        check("keyed-sha1", "SHA-1", new byte[60], data);
    }
}
