package org.jipsec.core.ike.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-XCBC-PRF-128 (RFC 4434): AES-XCBC-MAC (RFC 3566 §4) with its full 128-bit output, and a key of any
 * length: "If the key is exactly 128 bits long, use it as-is. If the key has fewer than 128 bits, lengthen it
 * to exactly 128 bits by padding it on the right with zero bits. If the key is 129 bits or longer, shorten it
 * to exactly 128 bits by performing the steps in AES-XCBC-PRF-128 (that is, the algorithm described in this
 * document). In that re-application of this algorithm, the key is 128 zero bits" (RFC 4434 §2).
 */
final class AesXcbcPrf {
    private AesXcbcPrf() {}

    static byte[] prf(byte[] key, byte[]... data) {
        byte[] k;
        if (key.length == 16) {
            k = key;
        } else if (key.length < 16) {
            k = Arrays.copyOf(key, 16);
        } else {
            k = mac(new byte[16], key);
        }
        int total = 0;
        for (byte[] d : data) total += d.length;
        byte[] m = new byte[total];
        int at = 0;
        for (byte[] d : data) {
            System.arraycopy(d, 0, m, at, d.length);
            at += d.length;
        }
        return mac(k, m);
    }

    /** RFC 3566 §4: AES-XCBC-MAC-128 of m under the 16-byte key k. */
    static byte[] mac(byte[] k, byte[] m) {
        try {
            Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "AES"));
            byte[] k1 = aes.doFinal(fill(0x01));
            byte[] k2 = aes.doFinal(fill(0x02));
            byte[] k3 = aes.doFinal(fill(0x03));
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k1, "AES"));
            byte[] e = new byte[16];
            int blocks = Math.max(1, (m.length + 15) / 16);
            for (int b = 0; b < blocks - 1; b++) {
                for (int i = 0; i < 16; i++) e[i] ^= m[b * 16 + i];
                e = aes.doFinal(e);
            }
            int lastOff = (blocks - 1) * 16;
            int lastLen = m.length - lastOff;
            byte[] last = new byte[16];
            System.arraycopy(m, lastOff, last, 0, lastLen);
            byte[] sub;
            if (lastLen == 16) {
                sub = k2; // §4 (3)(a): the last block is complete
            } else {
                last[lastLen] = (byte) 0x80; // §4 (3)(b): pad with a single 1 bit and zeros
                sub = k3;
            }
            for (int i = 0; i < 16; i++) e[i] ^= (byte) (last[i] ^ sub[i]);
            byte[] out = aes.doFinal(e);
            Arrays.fill(k1, (byte) 0);
            Arrays.fill(k2, (byte) 0);
            Arrays.fill(k3, (byte) 0);
            return out;
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("AES unavailable", ex);
        }
    }

    private static byte[] fill(int v) {
        byte[] b = new byte[16];
        Arrays.fill(b, (byte) v);
        return b;
    }
}
