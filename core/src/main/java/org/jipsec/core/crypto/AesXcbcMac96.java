package org.jipsec.core.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-XCBC-MAC-96, RFC 3566, on the JDK's AES/ECB.
 * <pre>
 *   K1 = E(K, 0x01 x 16)   K2 = E(K, 0x02 x 16)   K3 = E(K, 0x03 x 16)           (§4 step 1)
 *   E[0] = 0;  E[i] = E(K1, M[i] xor E[i-1]) for every block but the last       (§4 steps 2, 3)
 *   last block complete:  E[n] = E(K1, M[n] xor E[n-1] xor K2)                   (§4 step 4a)
 *   otherwise pad with 0x80 00…, then E[n] = E(K1, M[n] xor E[n-1] xor K3)       (§4 step 4b)
 *   ICV = first 96 bits of E[n]                                                  (§3)
 * </pre>
 * An empty message is one padded block (§4: "if the message is empty…").
 */
final class AesXcbcMac96 extends TruncatedIntegrity {
    private static final int B = 16;

    private final Cipher k1;
    private final byte[] k2 = new byte[B];
    private final byte[] k3 = new byte[B];
    private final byte[] k1Bytes = new byte[B];
    private final byte[] e = new byte[B];
    private final byte[] pending = new byte[B];
    private int pendingLen;

    AesXcbcMac96(Algorithm alg, byte[] key, int icv) {
        super(alg, icv, B);
        try {
            Cipher k = Cipher.getInstance("AES/ECB/NoPadding");
            byte[] keyCopy = key.clone();
            k.init(Cipher.ENCRYPT_MODE, new ZeroizableKey("AES", keyCopy));
            byte[] c = new byte[B];
            java.util.Arrays.fill(c, (byte) 1);
            k.doFinal(c, 0, B, k1Bytes, 0);
            java.util.Arrays.fill(c, (byte) 2);
            k.doFinal(c, 0, B, k2, 0);
            java.util.Arrays.fill(c, (byte) 3);
            k.doFinal(c, 0, B, k3, 0);
            Buffers.zero(keyCopy);
            k.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[B], "AES"));
            this.k1 = Cipher.getInstance("AES/ECB/NoPadding");
            k1.init(Cipher.ENCRYPT_MODE, new ZeroizableKey("AES", k1Bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks AES/ECB", e);
        }
    }

    private void encryptE() {
        try {
            k1.update(e, 0, B, e, 0);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    void feed(byte[] b, int off, int len) {
        while (len > 0) {
            if (pendingLen == B) { // a full block that is known not to be the last one
                for (int i = 0; i < B; i++) e[i] ^= pending[i];
                encryptE();
                pendingLen = 0;
            }
            int n = Math.min(B - pendingLen, len);
            System.arraycopy(b, off, pending, pendingLen, n);
            pendingLen += n;
            off += n;
            len -= n;
        }
    }

    @Override
    void compute(byte[] out) {
        byte[] k;
        if (pendingLen == B) {
            k = k2;
        } else {
            pending[pendingLen] = (byte) 0x80;
            for (int i = pendingLen + 1; i < B; i++) pending[i] = 0;
            k = k3;
        }
        for (int i = 0; i < B; i++) e[i] = (byte) (e[i] ^ pending[i] ^ k[i]);
        encryptE();
        System.arraycopy(e, 0, out, 0, B);
        java.util.Arrays.fill(e, (byte) 0);
        java.util.Arrays.fill(pending, (byte) 0);
        pendingLen = 0;
    }

    @Override
    void wipe() {
        Buffers.zero(k1Bytes);
        Buffers.zero(k2);
        Buffers.zero(k3);
        Buffers.zero(e);
        Buffers.zero(pending);
        try {
            k1.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[B], "AES"));
        } catch (GeneralSecurityException ignored) {
            // unusable either way
        }
    }
}
