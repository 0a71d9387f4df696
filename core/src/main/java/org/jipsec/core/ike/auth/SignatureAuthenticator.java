package org.jipsec.core.ike.auth;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.jipsec.core.ike.codec.AuthPayload;

/**
 * Public-key AUTH (RFC 7296 §2.15, §3.8): the signature over the signed octets.
 * <ul>
 *   <li>Method 14, Digital Signature (RFC 7427 §3): data = 1-octet length of the AlgorithmIdentifier |
 *       AlgorithmIdentifier | signature. Used when the peer announced SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4)
 *       with a hash we can use.</li>
 *   <li>Method 1, RSA Digital Signature (RFC 7296 §3.8): PKCS#1 v1.5 with SHA-1, as strongSwan sends it.</li>
 *   <li>Methods 9/10/11, ECDSA with SHA-256 on P-256 / SHA-384 on P-384 / SHA-512 on P-521 (RFC 4754 §3):
 *       signature r | s, each as long as the curve order.</li>
 * </ul>
 * Randomness (ECDSA k, PSS salt) is injected; the class does no I/O.
 */
public final class SignatureAuthenticator implements Authenticator {
    public static final int RSA_SIGNATURE = 1;
    public static final int ECDSA_SHA256_P256 = 9;
    public static final int ECDSA_SHA384_P384 = 10;
    public static final int ECDSA_SHA512_P521 = 11;
    public static final int DIGITAL_SIGNATURE = 14;

    private final PrivateKey ownKey;
    private final PublicKey peerKey;
    private final Set<Integer> peerHashes;
    private final boolean preferPss;
    private final SecureRandom random;

    /**
     * @param ownKey     our private key, null when we only verify
     * @param peerKey    the peer's public key (from its validated end-entity certificate), null when we only sign
     * @param peerHashes hash identifiers from the peer's SIGNATURE_HASH_ALGORITHMS notify; empty → classic methods
     * @param preferPss  sign RSA with RSASSA-PSS in method 14 (strongSwan's {@code rsa/pss})
     */
    public SignatureAuthenticator(
            PrivateKey ownKey, PublicKey peerKey, Set<Integer> peerHashes, boolean preferPss, SecureRandom random) {
        this.ownKey = ownKey;
        this.peerKey = peerKey;
        this.peerHashes = Set.copyOf(peerHashes);
        this.preferPss = preferPss;
        this.random = random;
    }

    @Override
    public AuthPayload sign(byte[] octets) throws AuthException {
        if (ownKey == null) throw new AuthException("no private key", null);
        try {
            Optional<SignatureScheme> scheme = choose();
            if (scheme.isPresent()) {
                SignatureScheme s = scheme.get();
                byte[] sig = run(s.jdkName, s.params().orElse(null), octets);
                byte[] aid = s.algorithmId();
                byte[] data = new byte[1 + aid.length + sig.length];
                data[0] = (byte) aid.length;
                System.arraycopy(aid, 0, data, 1, aid.length);
                System.arraycopy(sig, 0, data, 1 + aid.length, sig.length);
                return new AuthPayload(DIGITAL_SIGNATURE, data);
            }
            if (ownKey.getAlgorithm().equals("RSA")) {
                return new AuthPayload(RSA_SIGNATURE, run("SHA1withRSA", null, octets));
            }
            int method = classicEcdsaMethod(ownKey);
            return new AuthPayload(method, run(ecdsaP1363(method), null, octets));
        } catch (GeneralSecurityException | IllegalArgumentException ex) {
            throw new AuthException("cannot sign AUTH with " + ownKey.getAlgorithm() + " key: " + ex.getMessage(), ex);
        }
    }

    /** RFC 7427 §4: method 14 only if the peer announced a hash; prefer SHA-256, else the first we share. */
    private Optional<SignatureScheme> choose() {
        boolean rsa = ownKey.getAlgorithm().equals("RSA");
        int bits = rsa ? 0 : fieldBits(ownKey);
        int wanted = bits > 384 ? 4 : bits > 256 ? 3 : 2;
        SignatureScheme best = null;
        for (SignatureScheme s : SignatureScheme.values()) {
            if (!s.keyAlgorithm.equals(rsa ? "RSA" : "EC") || !peerHashes.contains(s.hashId)) continue;
            if (rsa && (s == SignatureScheme.RSA_PSS_SHA256) != preferPss) continue;
            if (best == null || s.hashId == wanted) best = s;
            if (s.hashId == wanted) break;
        }
        return Optional.ofNullable(best);
    }

    private byte[] run(String alg, java.security.spec.AlgorithmParameterSpec p, byte[] octets)
            throws GeneralSecurityException {
        Signature sig = Signature.getInstance(alg);
        if (p != null) sig.setParameter(p);
        sig.initSign(ownKey, random);
        sig.update(octets);
        return sig.sign();
    }

    @Override
    public boolean verify(AuthPayload auth, byte[] octets) {
        if (peerKey == null) return false;
        try {
            byte[] data = auth.data();
            return switch (auth.method()) {
                case RSA_SIGNATURE -> peerKey.getAlgorithm().equals("RSA") && check("SHA1withRSA", null, octets, data);
                case ECDSA_SHA256_P256, ECDSA_SHA384_P384, ECDSA_SHA512_P521 ->
                    peerKey.getAlgorithm().equals("EC")
                            && classicEcdsaMethod(peerKey) == auth.method()
                            && check(ecdsaP1363(auth.method()), null, octets, data);
                case DIGITAL_SIGNATURE -> verifyDigital(data, octets);
                default -> false;
            };
        } catch (GeneralSecurityException | IllegalArgumentException ex) {
            return false; // malformed signature or key mismatch: authentication failed, not a crash
        }
    }

    private boolean verifyDigital(byte[] data, byte[] octets) throws GeneralSecurityException {
        if (data.length < 1) return false;
        int len = data[0] & 0xff;
        if (data.length < 1 + len) return false;
        Optional<SignatureScheme> s = SignatureScheme.byAlgorithmId(Arrays.copyOfRange(data, 1, 1 + len));
        if (s.isEmpty() || !s.get().keyAlgorithm.equals(peerKey.getAlgorithm())) return false;
        return check(
                s.get().jdkName, s.get().params().orElse(null), octets, Arrays.copyOfRange(data, 1 + len, data.length));
    }

    private boolean check(String alg, java.security.spec.AlgorithmParameterSpec p, byte[] octets, byte[] sigBytes)
            throws GeneralSecurityException {
        Signature sig = Signature.getInstance(alg);
        if (p != null) sig.setParameter(p);
        sig.initVerify(peerKey);
        sig.update(octets);
        return sig.verify(sigBytes);
    }

    private static int fieldBits(java.security.Key k) {
        if (!(k instanceof ECKey ec)) throw new IllegalArgumentException("not an EC key");
        return ec.getParams().getCurve().getField().getFieldSize();
    }

    /** RFC 4754 §3: the method is fixed by the curve (P-256 → 9, P-384 → 10, P-521 → 11). */
    static int classicEcdsaMethod(java.security.Key k) {
        return switch (fieldBits(k)) {
            case 256 -> ECDSA_SHA256_P256;
            case 384 -> ECDSA_SHA384_P384;
            case 521 -> ECDSA_SHA512_P521;
            default -> throw new IllegalArgumentException("curve of " + fieldBits(k) + " bits has no RFC 4754 method");
        };
    }

    private static String ecdsaP1363(int method) {
        return switch (method) {
            case ECDSA_SHA256_P256 -> "SHA256withECDSAinP1363Format";
            case ECDSA_SHA384_P384 -> "SHA384withECDSAinP1363Format";
            default -> "SHA512withECDSAinP1363Format";
        };
    }
}
