package org.jipsec.core.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The CCM mode of RFC 3610 §2 (NIST SP 800-38C) over the JDK's AES, so that it runs on the CPU's AES
 * instructions (Bouncy Castle's lightweight AES is table-driven Java, ≈ 10× slower).
 *
 * <p>Authentication (§2.2): the CBC-MAC of the formatted blocks, computed by {@code AES/CBC/NoPadding} under a
 * zero IV (the last output block is the MAC X<sub>n+1</sub>); the blocks are
 * <pre>
 *   B0 = flags || nonce || l(m)      flags = 64·Adata + 8·((M−2)/2) + (L−1)
 *   then, if l(a) &gt; 0: l(a) encoded in 2 bytes (0 &lt; l(a) &lt; 2^16 − 2^8) or 0xFFFE + 4 bytes, then a,
 *        zero-padded to a block boundary
 *   then m, zero-padded to a block boundary
 * </pre>
 * Encryption (§2.3): A<sub>i</sub> = (L−1) || nonce || i in L bytes; the payload is XORed with E(K, A<sub>1</sub>),
 * E(K, A<sub>2</sub>) … ({@code AES/CTR/NoPadding} from A<sub>1</sub>: the JDK's counter increments the whole
 * block big-endian, the same as CCM's counter while i &lt; 2^(8L), which the length check guarantees), and the
 * tag is the first M bytes of X XOR E(K, A<sub>0</sub>) ({@code AES/ECB/NoPadding}, one block).
 *
 * <p>One instance per key, used by one thread at a time; the CBC and ECB ciphers are initialised once (a JCE
 * cipher returns to its initial state after doFinal), the CTR cipher once per message. Scratch buffers grow
 * to the largest message seen.
 */
final class AesCcm {
    private final int nonceLength;
    private final int tagLength;
    private final int lengthFieldSize; // L
    private final ZeroizableKey key;
    private final Cipher cbc;
    private final Cipher ctr;
    private final Cipher ecb;
    private final byte[] block = new byte[16];
    private final byte[] s0 = new byte[16];
    private final byte[] counter = new byte[16];
    private final byte[] tail = new byte[16];
    private byte[] head = new byte[48];
    private byte[] macOut = new byte[2048];

    /**
     * @param key         the AES key (16, 24 or 32 bytes); owned by this instance from now on
     * @param nonceLength 7..13 bytes (L = 15 − nonceLength)
     * @param tagLength   M: 4, 6, 8, 10, 12, 14 or 16 bytes
     */
    AesCcm(byte[] key, int nonceLength, int tagLength) {
        if (nonceLength < 7 || nonceLength > 13)
            throw new IllegalArgumentException("CCM nonce of " + nonceLength + " bytes");
        if (tagLength < 4 || tagLength > 16 || (tagLength & 1) != 0) {
            throw new IllegalArgumentException("CCM tag of " + tagLength + " bytes");
        }
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("AES key of " + key.length + " bytes");
        }
        this.nonceLength = nonceLength;
        this.tagLength = tagLength;
        this.lengthFieldSize = 15 - nonceLength;
        this.key = new ZeroizableKey("AES", key);
        try {
            cbc = Cipher.getInstance("AES/CBC/NoPadding");
            cbc.init(Cipher.ENCRYPT_MODE, this.key, new IvParameterSpec(new byte[16]));
            ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, this.key);
            ctr = Cipher.getInstance("AES/CTR/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks AES: " + e.getMessage(), e);
        }
    }

    int tagLength() {
        return tagLength;
    }

    /** Encrypts {@code buf[off, off+len)} in place and writes the M-byte tag at {@code buf[off+len]}. */
    void seal(byte[] nonce, byte[] aad, int aadLen, byte[] buf, int off, int len) {
        checkLengths(nonce, aadLen, len);
        cbcMac(nonce, aad, aadLen, buf, off, len); // X over the plaintext
        keystreamBlock0(nonce); // S0
        for (int i = 0; i < tagLength; i++) buf[off + len + i] = (byte) (block[i] ^ s0[i]);
        ctr(nonce, buf, off, len);
    }

    /**
     * Verifies and decrypts {@code buf[off, off+len)} (ciphertext then tag) in place. On a mismatch the buffer is
     * left as it was (the ciphertext is restored) and false is returned.
     */
    boolean open(byte[] nonce, byte[] aad, int aadLen, byte[] buf, int off, int len) {
        int mlen = len - tagLength;
        if (mlen < 0) return false;
        checkLengths(nonce, aadLen, mlen);
        ctr(nonce, buf, off, mlen); // m
        cbcMac(nonce, aad, aadLen, buf, off, mlen); // X over the plaintext
        keystreamBlock0(nonce);
        int diff = 0;
        for (int i = 0; i < tagLength; i++) diff |= (block[i] ^ s0[i]) ^ buf[off + mlen + i];
        if (diff != 0) {
            ctr(nonce, buf, off, mlen); // CTR is its own inverse: back to the ciphertext
            return false;
        }
        return true;
    }

    /**
     * Verifies {@code in[off, off+len)} (ciphertext then tag) and decrypts it into {@code out[outOff, +len−M)}
     * without touching {@code in}: CTR from {@code in} straight into {@code out} (§2.3), then the CBC-MAC over
     * {@code out} (§2.2) — no copy of the packet. {@code out} must not overlap {@code in}. On a mismatch
     * {@code out}'s range is zeroed (no unauthenticated plaintext left behind) and false is returned.
     */
    boolean open(byte[] nonce, byte[] aad, int aadLen, byte[] in, int off, int len, byte[] out, int outOff) {
        int mlen = len - tagLength;
        if (mlen < 0) return false;
        checkLengths(nonce, aadLen, mlen);
        ctr(nonce, in, off, out, outOff, mlen); // m
        cbcMac(nonce, aad, aadLen, out, outOff, mlen); // X over the plaintext
        keystreamBlock0(nonce);
        int diff = 0;
        for (int i = 0; i < tagLength; i++) diff |= (block[i] ^ s0[i]) ^ in[off + mlen + i];
        if (diff != 0) {
            Arrays.fill(out, outOff, outOff + mlen, (byte) 0);
            return false;
        }
        return true;
    }

    private void checkLengths(byte[] nonce, int aadLen, int len) {
        if (nonce.length != nonceLength)
            throw new IllegalArgumentException("CCM nonce must be " + nonceLength + " bytes");
        if (aadLen < 0) throw new IllegalArgumentException("CCM AAD of " + aadLen + " bytes");
        // l(m) must fit in L bytes (§2.1)
        if (lengthFieldSize < 4 && len >= (1L << (8 * lengthFieldSize))) {
            throw new IllegalArgumentException("CCM message of " + len + " bytes does not fit L = " + lengthFieldSize);
        }
    }

    /** Leaves X<sub>n+1</sub> (the CBC-MAC, §2.2) in {@link #block}. */
    private void cbcMac(byte[] nonce, byte[] aad, int aadLen, byte[] m, int off, int len) {
        int enc = aadLen == 0 ? 0 : aadLen < 0xff00 ? 2 : 6;
        int headLen = 16 + roundUp(enc + aadLen);
        if (head.length < headLen) head = new byte[headLen];
        byte[] h = head;
        h[0] = (byte) ((aadLen > 0 ? 0x40 : 0) | (((tagLength - 2) / 2) << 3) | (lengthFieldSize - 1));
        System.arraycopy(nonce, 0, h, 1, nonceLength);
        for (int i = 0, v = len; i < lengthFieldSize; i++, v >>>= 8) h[15 - i] = (byte) v;
        if (aadLen > 0) {
            int p = 16;
            if (enc == 2) {
                h[p++] = (byte) (aadLen >>> 8);
                h[p++] = (byte) aadLen;
            } else {
                h[p++] = (byte) 0xff;
                h[p++] = (byte) 0xfe;
                h[p++] = (byte) (aadLen >>> 24);
                h[p++] = (byte) (aadLen >>> 16);
                h[p++] = (byte) (aadLen >>> 8);
                h[p++] = (byte) aadLen;
            }
            System.arraycopy(aad, 0, h, p, aadLen);
            Arrays.fill(h, p + aadLen, headLen, (byte) 0);
        }
        int full = len & ~15;
        int rest = len - full;
        int total = headLen + full + (rest == 0 ? 0 : 16);
        if (macOut.length < total) macOut = new byte[Math.max(total, macOut.length * 2)];
        try {
            int o = cbc.update(h, 0, headLen, macOut, 0);
            if (full > 0) o += cbc.update(m, off, full, macOut, o);
            if (rest > 0) {
                System.arraycopy(m, off + full, tail, 0, rest);
                Arrays.fill(tail, rest, 16, (byte) 0);
                o += cbc.doFinal(tail, 0, 16, macOut, o);
            } else {
                o += cbc.doFinal(tail, 0, 0, macOut, o);
            }
            System.arraycopy(macOut, o - 16, block, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CCM CBC-MAC: " + e.getMessage(), e);
        }
    }

    /** A<sub>i</sub> (§2.3) into {@link #counter}. */
    private void counterBlock(byte[] nonce, int i) {
        counter[0] = (byte) (lengthFieldSize - 1);
        System.arraycopy(nonce, 0, counter, 1, nonceLength);
        for (int k = 0, v = i; k < lengthFieldSize; k++, v >>>= 8) counter[15 - k] = (byte) v;
    }

    /** S0 = E(K, A0) into {@link #s0}. */
    private void keystreamBlock0(byte[] nonce) {
        counterBlock(nonce, 0);
        try {
            ecb.doFinal(counter, 0, 16, s0, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CCM: " + e.getMessage(), e);
        }
    }

    /** XORs {@code buf[off, off+len)} with S1, S2, … in place. */
    private void ctr(byte[] nonce, byte[] buf, int off, int len) {
        ctr(nonce, buf, off, buf, off, len);
    }

    /** {@code out[outOff, +len)} = {@code in[off, +len)} XOR S1, S2, … */
    private void ctr(byte[] nonce, byte[] in, int off, byte[] out, int outOff, int len) {
        if (len == 0) return;
        counterBlock(nonce, 1);
        try {
            ctr.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(counter));
            ctr.doFinal(in, off, len, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CCM CTR: " + e.getMessage(), e);
        }
    }

    private static int roundUp(int n) {
        return (n + 15) & ~15;
    }

    /** Zeroes the key and leaves the ciphers keyed with zeros; scratch that held plaintext is cleared. */
    void destroy() {
        int n = key.length();
        key.destroy();
        Arrays.fill(macOut, (byte) 0);
        Arrays.fill(head, (byte) 0);
        Arrays.fill(tail, (byte) 0);
        Arrays.fill(block, (byte) 0);
        Arrays.fill(s0, (byte) 0);
        try {
            SecretKeySpec zero = new SecretKeySpec(new byte[n], "AES");
            cbc.init(Cipher.ENCRYPT_MODE, zero, new IvParameterSpec(new byte[16]));
            ecb.init(Cipher.ENCRYPT_MODE, zero);
            ctr.init(Cipher.ENCRYPT_MODE, zero, new IvParameterSpec(new byte[16]));
        } catch (GeneralSecurityException ignored) {
            // unusable either way
        }
    }
}
