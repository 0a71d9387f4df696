package org.jipsec.core.ike.crypto;

import java.math.BigInteger;

/**
 * The Diffie-Hellman groups jipsec's IKE supports (RFC 7296 §3.3.2 Transform Type 4, IANA numbers), all from
 * the JDK's providers: MODP 2048 (group 14, RFC 3526 §3, KeyAgreement "DH"), ECP 256/384 (groups 19/20,
 * RFC 5903, "ECDH"), Curve25519 (group 31, RFC 8031, "X25519").
 */
public enum DhGroup {
    MODP_2048(14, "modp2048", 256),
    ECP_256(19, "ecp256", 64),
    ECP_384(20, "ecp384", 96),
    CURVE_25519(31, "x25519", 32);

    /** RFC 3526 §3: the 2048-bit MODP group's prime p = 2^2048 - 2^1984 - 1 + 2^64 * { [2^1918 pi] + 124476 }. */
    static final BigInteger MODP_2048_P = new BigInteger(
            ("FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1 29024E08 8A67CC74 020BBEA6 3B139B22"
                            + "514A0879 8E3404DD EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245 E485B576 625E7EC6"
                            + "F44C42E9 A637ED6B 0BFF5CB6 F406B7ED EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
                            + "C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F 83655D23 DCA3AD96 1C62F356 208552BB"
                            + "9ED52907 7096966D 670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B E39E772C 180E8603"
                            + "9B2783A2 EC07A28F B5C55DF0 6F4C52C9 DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
                            + "15728E5A 8AACAA68 FFFFFFFF FFFFFFFF")
                    .replace(" ", ""),
            16);
    /** RFC 3526 §3: the generator is 2. */
    static final BigInteger MODP_G = BigInteger.TWO;

    private final int number;
    private final String strongSwanName;
    private final int keBytes;

    DhGroup(int number, String strongSwanName, int keBytes) {
        this.number = number;
        this.strongSwanName = strongSwanName;
        this.keBytes = keBytes;
    }

    /** IANA "Transform Type 4 - Key Exchange Method Transform IDs". */
    public int number() {
        return number;
    }

    /** The proposal keyword strongSwan uses ({@code x25519}, {@code ecp256}, {@code modp2048}). */
    public String strongSwanName() {
        return strongSwanName;
    }

    /**
     * Length of the Key Exchange Data (§3.4): the modulus length for MODP (RFC 7296 §3.4 "padded with zeros"),
     * x||y for ECP (RFC 5903 §7), 32 bytes for X25519 (RFC 8031 §2).
     */
    public int keBytes() {
        return keBytes;
    }

    public static DhGroup byNumber(int number) {
        for (DhGroup g : values()) {
            if (g.number == number) return g;
        }
        return null;
    }

    /** A fresh key pair for one exchange; the private key never leaves the returned object. */
    public KeyExchange generate(java.security.SecureRandom random) {
        return KeyExchange.generate(this, random);
    }
}
