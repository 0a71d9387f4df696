package org.jipsec.core.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM for ESP with an ICV shorter than the JDK accepts (aes-gcm-8, RFC 4106 §6: 8-byte ICV), on the JDK's
 * AES-GCM and AES-CTR (CPU instructions, the fused AES-GCM intrinsic) instead of Bouncy Castle's Java AES.
 *
 * <p>Why this is GCM with a t-bit tag: NIST SP 800-38D §7.1 step 6 (and §5.2.1.2) defines the tag as
 * T = MSB<sub>t</sub>(GCTR<sub>K</sub>(J<sub>0</sub>, S)), S = GHASH<sub>H</sub>(A || 0<sup>v</sup> || C || 0<sup>u</sup>
 * || [len(A)]<sub>64</sub> || [len(C)]<sub>64</sub>); nothing before the truncation depends on t, so the 8-byte tag is
 * the first 8 bytes of the 128-bit one. (RFC 4106 §6: "the ICV consists solely of the AES-GCM Authentication
 * Tag"; its length is a property of the SA.)
 * <ul>
 *   <li>seal (§7.1): the JDK's {@code AES/GCM/NoPadding} with a 128-bit tag; the ciphertext is written in place
 *       by {@code update}, and {@code doFinal} writes the last partial block and the 16-byte tag into a small
 *       scratch (the ESP buffer has room for 8 ICV bytes only), of which the partial block and the first 8 tag
 *       bytes are copied back;</li>
 *   <li>open (§7.2): the JDK cannot verify a truncated tag. Step 3: P = GCTR<sub>K</sub>(inc<sub>32</sub>(J<sub>0</sub>),
 *       C) with J<sub>0</sub> = nonce || 0x00000001 for a 96-bit IV (step 2), i.e. {@code AES/CTR/NoPadding} from
 *       nonce || 0x00000002 (the JDK's counter increments all 128 bits, GCM's only the low 32: they differ only
 *       after 2<sup>32</sup> blocks, far beyond any ESP packet). Steps 4–6 (the tag over A and C) are recomputed by
 *       GCM-encrypting P under the same nonce on a second {@link Cipher} (encryption of P gives back C and
 *       T over C), and the first 8 bytes are compared with the ICV in constant time (step 7). On a mismatch an
 *       in-place buffer is left as received (the plaintext went to a scratch), a separate output is zeroed,
 *       and {@link IcvMismatchException} is thrown.</li>
 * </ul>
 * The JDK refuses to initialise GCM for encryption with the key and IV it last used for encryption
 * ("Cannot reuse iv for GCM encryption"). On the sealing cipher that is the IV-reuse guard ESP wants; on the
 * verification cipher it is pointless (that pass outputs nothing anyone sees) and a retransmitted packet must
 * still open: when the IV equals the previous one opened, the verification cipher is first initialised with a
 * 13-byte throwaway IV (never equal to a 12-byte ESP nonce), so no exception is thrown per retransmission. The JDK exposes no GHASH alone, so opening costs two AES passes and one GHASH — still
 * far cheaper than Bouncy Castle's table-driven AES. {@link BcAead#gcm} is kept as the independent reference
 * the tests compare this class with.
 *
 * <p>One instance per SA per thread; three ciphers (seal, CTR, verify) keyed with one {@link ZeroizableKey}.
 */
final class JdkTruncatedGcmAead extends EspAead {
    private static final byte[] EMPTY = new byte[0];

    private final ZeroizableKey key;
    private final Cipher seal;
    private final Cipher verify;
    private final Cipher ctr;
    private final byte[] j1 = new byte[16]; // nonce || 0x00000002: the counter of the first payload block
    private final byte[] tail = new byte[32]; // seal: last partial block + 16-byte tag
    private byte[] scratch = new byte[2048 + 16]; // open: recomputed C || T, or the plaintext in place (zeroed after)
    private final byte[] lastVerifyIv = new byte[8]; // the explicit IV the verification cipher was last keyed with
    private boolean verifyUsed;
    private boolean encrypting;

    /** @param icv ICV bytes, 4..15 (16 is plain JceAead) */
    JdkTruncatedGcmAead(Algorithm alg, byte[] key, int icv) {
        super(alg, key, 4, icv, false);
        if (icv < 4 || icv > 15) throw new IllegalArgumentException("truncated GCM tag of " + icv + " bytes");
        this.key = new ZeroizableKey("AES", cipherKey(key, 4));
        try {
            seal = Cipher.getInstance("AES/GCM/NoPadding");
            verify = Cipher.getInstance("AES/GCM/NoPadding");
            ctr = Cipher.getInstance("AES/CTR/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks AES-GCM/CTR: " + e.getMessage(), e);
        }
    }

    @Override
    void init(boolean encrypt) {
        encrypting = encrypt;
        try {
            if (encrypt) {
                seal.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            } else {
                initVerify();
            }
        } catch (InvalidAlgorithmParameterException e) {
            throw new IllegalStateException(alg().name() + ": IV reused under one key (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg().name() + ": " + e.getMessage(), e);
        }
    }

    /** SP 800-38D §7.2: the verification pass is a GCM encryption under the packet's nonce. */
    private void initVerify() throws GeneralSecurityException {
        // the same IV as the previous packet opened here (a retransmission, or replay checking off): move the
        // JDK's "last IV" elsewhere first, with a 13-byte IV no 12-byte ESP nonce can equal (the IV is public,
        // so a plain comparison will do; the salt is the same for both)
        if (verifyUsed && Arrays.equals(nonce, 4, 12, lastVerifyIv, 0, 8)) throwawayVerifyInit();
        try {
            verify.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        } catch (InvalidAlgorithmParameterException sameIvAsLastTime) {
            throwawayVerifyInit(); // should not happen (tracked above); recover all the same
            verify.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        }
        System.arraycopy(nonce, 4, lastVerifyIv, 0, 8);
        verifyUsed = true;
    }

    private void throwawayVerifyInit() throws GeneralSecurityException {
        verify.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, Arrays.copyOf(nonce, 13)));
    }

    @Override
    void addAad(byte[] b, int off, int len) {
        (encrypting ? seal : verify).updateAAD(b, off, len);
    }

    @Override
    void sealData(byte[] buf, int off, int len) {
        try {
            int n = seal.update(buf, off, len, buf, off); // whole blocks, in place (fused intrinsic)
            int m = seal.doFinal(EMPTY, 0, 0, tail, 0); // rest (< 16 bytes) || 16-byte tag
            // §7.1 step 6: T = MSB_t(full tag)
            System.arraycopy(tail, 0, buf, off + n, m - 16 + icvLength());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg().name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * In place. The JDK's CTR copies its input when input and output are the same array, so the plaintext goes to
     * {@link #scratch} instead; the verification pass writes C's whole blocks back over the identical bytes of
     * {@code buf} (the rest and the tag go to {@link #tail}), and only a verified plaintext is copied into
     * {@code buf}: a refused packet is left exactly as received.
     */
    @Override
    void openData(byte[] buf, int off, int len) throws IcvMismatchException {
        int mlen = len - icvLength();
        growScratch(mlen);
        try {
            ctrDecrypt(buf, off, mlen, scratch, 0); // §7.2 step 3
            int n = verify.update(scratch, 0, mlen, buf, off); // steps 4–6
            int m = verify.doFinal(EMPTY, 0, 0, tail, 0);
            if (!Buffers.constantTimeEquals(tail, m - 16, buf, off + mlen, icvLength())) { // step 7
                Arrays.fill(scratch, 0, mlen, (byte) 0);
                throw new IcvMismatchException();
            }
            assert n + m - 16 == mlen;
            System.arraycopy(scratch, 0, buf, off, mlen);
            Arrays.fill(scratch, 0, mlen, (byte) 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg().name() + ": " + e.getMessage(), e);
        }
    }

    /** Separate output, no overlap (EspAead checks): CTR from {@code in} straight into {@code out}. */
    @Override
    void openDataTo(byte[] in, int off, int len, byte[] out, int outOff) throws IcvMismatchException {
        int mlen = len - icvLength();
        growScratch(mlen);
        try {
            ctrDecrypt(in, off, mlen, out, outOff); // §7.2 step 3
            int n = verify.doFinal(out, outOff, mlen, scratch, 0); // steps 4–6: C again, then the full tag
            if (!Buffers.constantTimeEquals(scratch, n - 16, in, off + mlen, icvLength())) { // step 7
                Arrays.fill(out, outOff, outOff + mlen, (byte) 0); // no unauthenticated plaintext left behind
                throw new IcvMismatchException();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg().name() + ": " + e.getMessage(), e);
        }
    }

    private void growScratch(int mlen) {
        if (scratch.length < mlen + 16) scratch = new byte[Math.max(mlen + 16, scratch.length * 2)];
    }

    /** P = GCTR_K(inc32(J0), C), J0 = nonce || 0^31 || 1 (SP 800-38D §7.2 steps 2–3). */
    private void ctrDecrypt(byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
        if (len == 0) return;
        System.arraycopy(nonce, 0, j1, 0, 12);
        j1[12] = 0;
        j1[13] = 0;
        j1[14] = 0;
        j1[15] = 2;
        ctr.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(j1));
        ctr.doFinal(in, off, len, out, outOff);
    }

    /** Zeroes the key and leaves every cipher keyed with zeros (throwaway IVs, so no reuse refusal). */
    @Override
    void wipe() {
        int n = key.length();
        key.destroy();
        Arrays.fill(tail, (byte) 0);
        Arrays.fill(j1, (byte) 0);
        Arrays.fill(scratch, (byte) 0);
        SecretKeySpec zero = new SecretKeySpec(new byte[n], "AES");
        for (Cipher c : new Cipher[] {seal, verify}) {
            try {
                c.init(Cipher.ENCRYPT_MODE, zero, new GCMParameterSpec(128, new byte[14]));
            } catch (GeneralSecurityException ignored) {
                // unusable either way
            }
        }
        try {
            ctr.init(Cipher.ENCRYPT_MODE, zero, new IvParameterSpec(new byte[16]));
        } catch (GeneralSecurityException ignored) {
            // unusable either way
        }
    }
}
