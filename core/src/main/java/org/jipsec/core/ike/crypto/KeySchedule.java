package org.jipsec.core.ike.crypto;

import java.util.Arrays;

/**
 * The IKEv2 key schedule: SKEYSEED and the IKE SA keys (RFC 7296 §2.14), CHILD_SA KEYMAT (§2.17) and the
 * SKEYSEED of a rekeyed IKE SA (§2.18). Pure functions of their inputs; the caller zeroes what it no longer
 * needs.
 */
public final class KeySchedule {
    private KeySchedule() {}

    /**
     * §2.14: {@code SKEYSEED = prf(Ni | Nr, g^ir)}. "If [the PRF] takes a fixed-length key and the total
     * length of Ni and Nr is not the length of the key, only the first half of the bits of the key come from
     * Ni and the second half from Nr" — for AES-XCBC-PRF-128, 8 bytes of each (RFC 7296 §2.14).
     */
    public static byte[] skeyseed(PrfAlgorithm prf, byte[] ni, byte[] nr, byte[] gir) {
        byte[] key = prf.fixedKey()
                ? concat(Arrays.copyOf(ni, prf.keyBytes() / 2), Arrays.copyOf(nr, prf.keyBytes() / 2))
                : concat(ni, nr);
        byte[] s = prf.prf(key, gir);
        Arrays.fill(key, (byte) 0);
        return s;
    }

    /**
     * §2.14: {@code {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi |
     * SPIr)}, with SK_d, SK_pi and SK_pr of the PRF's preferred key length.
     *
     * @param integKeyBytes key length of the integrity algorithm, 0 for an AEAD
     * @param encrKeyBytes  key length of the encryption algorithm, salt included for an AEAD
     */
    public static IkeSaKeys ikeSaKeys(
            PrfAlgorithm prf,
            byte[] skeyseed,
            byte[] ni,
            byte[] nr,
            long spiI,
            long spiR,
            int integKeyBytes,
            int encrKeyBytes) {
        int p = prf.keyBytes();
        byte[] seed = concat(ni, nr, be64(spiI), be64(spiR));
        byte[] all = PrfPlus.expand(prf, skeyseed, seed, 3 * p + 2 * integKeyBytes + 2 * encrKeyBytes);
        int[] at = {0};
        IkeSaKeys k = new IkeSaKeys(
                take(all, at, p),
                take(all, at, integKeyBytes),
                take(all, at, integKeyBytes),
                take(all, at, encrKeyBytes),
                take(all, at, encrKeyBytes),
                take(all, at, p),
                take(all, at, p));
        Arrays.fill(all, (byte) 0);
        return k;
    }

    /**
     * §2.18: the rekeyed IKE SA's {@code SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)}, with the old SA's PRF
     * (strongSwan 5.9.8 also uses the old PRF for the following prf+, keymat_v2.c; the two agree when the PRF
     * does not change, which jipsec keeps so — ikev2-notes.md §1.3). Then {@link #ikeSaKeys} with the new
     * nonces and SPIs.
     */
    public static byte[] rekeySkeyseed(PrfAlgorithm oldPrf, byte[] oldSkD, byte[] gir, byte[] ni, byte[] nr) {
        return oldPrf.prf(oldSkD, gir, ni, nr);
    }

    /**
     * §2.17: {@code KEYMAT = prf+(SK_d, Ni | Nr)}, or with PFS {@code prf+(SK_d, g^ir (new) | Ni | Nr)}; the
     * nonces are those of the exchange that creates the CHILD_SA (for the first, the IKE_SA_INIT nonces).
     *
     * @param gir null without PFS
     */
    public static ChildSaKeys childSaKeys(
            PrfAlgorithm prf, byte[] skD, byte[] gir, byte[] ni, byte[] nr, int encrKeyBytes, int integKeyBytes) {
        byte[] seed = gir == null ? concat(ni, nr) : concat(gir, ni, nr);
        byte[] all = PrfPlus.expand(prf, skD, seed, 2 * (encrKeyBytes + integKeyBytes));
        Arrays.fill(seed, (byte) 0);
        int[] at = {0};
        ChildSaKeys k = new ChildSaKeys(
                take(all, at, encrKeyBytes),
                take(all, at, integKeyBytes),
                take(all, at, encrKeyBytes),
                take(all, at, integKeyBytes));
        Arrays.fill(all, (byte) 0);
        return k;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static byte[] be64(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (v >>> (56 - 8 * i));
        return b;
    }

    private static byte[] take(byte[] all, int[] at, int n) {
        byte[] out = Arrays.copyOfRange(all, at[0], at[0] + n);
        at[0] += n;
        return out;
    }
}
