package org.jipsec.core.ike.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import javax.crypto.interfaces.DHPublicKey;
import javax.crypto.spec.DHParameterSpec;
import javax.crypto.spec.DHPrivateKeySpec;
import javax.crypto.spec.DHPublicKeySpec;
import org.jipsec.core.ike.codec.InvalidSyntaxException;

/**
 * One side of one Diffie-Hellman exchange: our key pair in a {@link DhGroup}, the Key Exchange Data we send
 * (§3.4) and the shared secret g^ir computed from the peer's (§2.14). Encodings:
 * <ul>
 *   <li>MODP: big-endian, left-padded with zeros to the modulus length, for both the KE data (§3.4) and g^ir
 *       (§2.14: "g^ir is represented as a string of octets in big endian order padded with zeros if
 *       necessary to make it the length of the modulus"). The peer's value must be in (1, p-1)
 *       (RFC 6989 §2.1).</li>
 *   <li>ECP (RFC 5903 §7): KE data = x || y, each the field size; §9 (errata-corrected RFC 5903 §9, as
 *       RFC 7296 §2.14 cites it): the shared secret is the x-coordinate only. The JDK's ECDH validates that
 *       the peer's point is on the curve.</li>
 *   <li>Curve25519 (RFC 8031 §2): the 32-byte little-endian u-coordinate; RFC 8031 §2.3: an all-zero shared
 *       secret MUST be refused (the JDK refuses small-order points).</li>
 * </ul>
 * A peer value of the wrong length or that the group rejects is INVALID_SYNTAX (§3.4; RFC 6989 §2).
 */
public final class KeyExchange {
    private final DhGroup group;
    private final PrivateKey privateKey;
    private final byte[] publicValue;

    private KeyExchange(DhGroup group, PrivateKey privateKey, byte[] publicValue) {
        this.group = group;
        this.privateKey = privateKey;
        this.publicValue = publicValue;
    }

    static KeyExchange generate(DhGroup group, SecureRandom random) {
        try {
            KeyPairGenerator g;
            switch (group) {
                case MODP_2048 -> {
                    g = KeyPairGenerator.getInstance("DH");
                    // RFC 3526 §8: 2048-bit group, exponent of at least twice the strength (~224 bits); use 512.
                    g.initialize(new DHParameterSpec(DhGroup.MODP_2048_P, DhGroup.MODP_G, 512), random);
                }
                case ECP_256, ECP_384 -> {
                    g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec(group == DhGroup.ECP_256 ? "secp256r1" : "secp384r1"), random);
                }
                case CURVE_25519 -> {
                    g = KeyPairGenerator.getInstance("X25519");
                    g.initialize(NamedParameterSpec.X25519, random);
                }
                default -> throw new AssertionError(group);
            }
            KeyPair kp = g.generateKeyPair();
            return new KeyExchange(group, kp.getPrivate(), encodePublic(group, kp.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(group + " unavailable in this JDK", e);
        }
    }

    /**
     * A key pair given as numbers, for known-answer tests (RFC 5903 §8 gives i and g^i): MODP and ECP take the
     * private exponent/scalar big-endian; the public value is then computed (MODP) or must be supplied (ECP,
     * x||y, because the JDK has no public point multiplication). X25519 KATs use {@link DhGroup#generate} with
     * a random source that returns the scalar.
     */
    public static KeyExchange fromPrivate(DhGroup group, byte[] privateBigEndian, byte[] publicValue) {
        try {
            BigInteger x = new BigInteger(1, privateBigEndian);
            return switch (group) {
                case MODP_2048 -> {
                    PrivateKey k = KeyFactory.getInstance("DH")
                            .generatePrivate(new DHPrivateKeySpec(x, DhGroup.MODP_2048_P, DhGroup.MODP_G));
                    yield new KeyExchange(group, k, pad(DhGroup.MODP_G.modPow(x, DhGroup.MODP_2048_P), 256));
                }
                case ECP_256, ECP_384 -> {
                    PrivateKey k = KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(x, curve(group)));
                    yield new KeyExchange(group, k, publicValue.clone());
                }
                default -> throw new IllegalArgumentException(group + ": use generate() with a fixed random source");
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public DhGroup group() {
        return group;
    }

    /** The Key Exchange Data for our KE payload (§3.4). */
    public byte[] publicValue() {
        return publicValue.clone();
    }

    /** g^ir from the peer's Key Exchange Data (§2.14), in the group's encoding. */
    public byte[] sharedSecret(byte[] peer) throws InvalidSyntaxException {
        if (peer.length != group.keBytes()) {
            throw new InvalidSyntaxException("KE data of " + peer.length + " bytes for DH group " + group.number()
                    + " (" + group.keBytes() + " expected, RFC 7296 §3.4)");
        }
        try {
            return switch (group) {
                case MODP_2048 -> {
                    BigInteger y = new BigInteger(1, peer);
                    BigInteger p = DhGroup.MODP_2048_P;
                    if (y.compareTo(BigInteger.ONE) <= 0 || y.compareTo(p.subtract(BigInteger.ONE)) >= 0) {
                        throw new InvalidSyntaxException("MODP public value outside (1, p-1) (RFC 6989 §2.1)");
                    }
                    PublicKey pub =
                            KeyFactory.getInstance("DH").generatePublic(new DHPublicKeySpec(y, p, DhGroup.MODP_G));
                    yield pad(new BigInteger(1, agree("DH", pub)), 256);
                }
                case ECP_256, ECP_384 -> {
                    int n = group.keBytes() / 2;
                    ECPoint w = new ECPoint(
                            new BigInteger(1, Arrays.copyOfRange(peer, 0, n)),
                            new BigInteger(1, Arrays.copyOfRange(peer, n, 2 * n)));
                    PublicKey pub = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, curve(group)));
                    yield pad(new BigInteger(1, agree("ECDH", pub)), n);
                }
                case CURVE_25519 -> {
                    byte[] le = peer.clone();
                    le[31] &= 0x7f; // RFC 7748 §5: "implementations of X25519 MUST mask the most significant bit"
                    PublicKey pub = KeyFactory.getInstance("X25519")
                            .generatePublic(
                                    new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, reverse(le))));
                    byte[] s = agree("X25519", pub);
                    boolean zero = true;
                    for (byte b : s) zero &= b == 0;
                    if (zero) throw new InvalidSyntaxException("X25519 shared secret is all zeros (RFC 8031 §2.3)");
                    yield s;
                }
            };
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidSyntaxException("DH group " + group.number() + " refuses the peer's public value");
        }
    }

    private byte[] agree(String algorithm, PublicKey pub) throws GeneralSecurityException {
        KeyAgreement ka = KeyAgreement.getInstance(algorithm);
        ka.init(privateKey);
        ka.doPhase(pub, true);
        return ka.generateSecret();
    }

    private static ECParameterSpec curve(DhGroup group) throws GeneralSecurityException {
        java.security.AlgorithmParameters p = java.security.AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec(group == DhGroup.ECP_256 ? "secp256r1" : "secp384r1"));
        return p.getParameterSpec(ECParameterSpec.class);
    }

    private static byte[] encodePublic(DhGroup group, PublicKey pub) {
        return switch (group) {
            case MODP_2048 -> pad(((DHPublicKey) pub).getY(), 256);
            case ECP_256, ECP_384 -> {
                int n = group.keBytes() / 2;
                ECPoint w = ((ECPublicKey) pub).getW();
                byte[] out = new byte[2 * n];
                System.arraycopy(pad(w.getAffineX(), n), 0, out, 0, n);
                System.arraycopy(pad(w.getAffineY(), n), 0, out, n, n);
                yield out;
            }
            case CURVE_25519 -> reverse(pad(((XECPublicKey) pub).getU(), 32));
        };
    }

    /** Unsigned big-endian, left-padded to n bytes. */
    static byte[] pad(BigInteger v, int n) {
        byte[] b = v.toByteArray();
        if (b.length == n) return b;
        if (b.length == n + 1 && b[0] == 0) return Arrays.copyOfRange(b, 1, b.length);
        if (b.length > n) throw new IllegalArgumentException("value longer than " + n + " bytes");
        byte[] out = new byte[n];
        System.arraycopy(b, 0, out, n - b.length, b.length);
        return out;
    }

    private static byte[] reverse(byte[] b) {
        byte[] r = new byte[b.length];
        for (int i = 0; i < b.length; i++) r[i] = b[b.length - 1 - i];
        return r;
    }

    @Override
    public String toString() {
        return "KeyExchange[" + group + "]";
    }
}
