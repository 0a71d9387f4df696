package org.jipsec.core.ike.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.HexFormat;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.jipsec.core.ike.codec.AuthPayload;
import org.jipsec.core.ike.crypto.PrfAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SignatureAuthenticatorTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom(new byte[] {1});
    private static final byte[] OCTETS = "signed octets of RFC 7296 2.15".getBytes(StandardCharsets.US_ASCII);

    /** RFC 7427 Appendix A encodings, cross-checked against Bouncy Castle's independent DER encoder. */
    @Test
    void algorithmIdentifiersAreTheDerEncodingsOfRfc7427AppendixA() throws Exception {
        assertArrayEquals(
                new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE)
                        .getEncoded("DER"),
                SignatureScheme.RSA_SHA256.algorithmId());
        assertArrayEquals(
                new AlgorithmIdentifier(PKCSObjectIdentifiers.sha384WithRSAEncryption, DERNull.INSTANCE)
                        .getEncoded("DER"),
                SignatureScheme.RSA_SHA384.algorithmId());
        assertArrayEquals(
                new AlgorithmIdentifier(PKCSObjectIdentifiers.sha512WithRSAEncryption, DERNull.INSTANCE)
                        .getEncoded("DER"),
                SignatureScheme.RSA_SHA512.algorithmId());
        assertArrayEquals(
                new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256).getEncoded("DER"),
                SignatureScheme.ECDSA_SHA256.algorithmId());
        assertArrayEquals(
                new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA384).getEncoded("DER"),
                SignatureScheme.ECDSA_SHA384.algorithmId());
        assertArrayEquals(
                new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA512).getEncoded("DER"),
                SignatureScheme.ECDSA_SHA512.algorithmId());
        var sha256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);
        var pss = new RSASSAPSSparams(
                sha256,
                new AlgorithmIdentifier(PKCSObjectIdentifiers.id_mgf1, sha256),
                new ASN1Integer(32),
                new ASN1Integer(1));
        // trailerField 1 is the DEFAULT and so absent from DER, exactly as in RFC 7427 A.4.3
        assertArrayEquals(
                new AlgorithmIdentifier(PKCSObjectIdentifiers.id_RSASSA_PSS, pss).getEncoded("DER"),
                SignatureScheme.RSA_PSS_SHA256.algorithmId());
    }

    /** RFC 4754 §8.1 ECDSA-256 known answer: message "abc", signature r | s, verified as method 9. */
    @Test
    void rfc4754Ecdsa256VectorVerifiesAsMethod9() throws Exception {
        AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
        ap.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec p256 = ap.getParameterSpec(ECParameterSpec.class);
        PublicKey pub = KeyFactory.getInstance("EC")
                .generatePublic(new ECPublicKeySpec(
                        new ECPoint(
                                new BigInteger("2442A5CC0ECD015FA3CA31DC8E2BBC70BF42D60CBCA20085E0822CB04235E970", 16),
                                new BigInteger("6FC98BD7E50211A4A27102FA3549DF79EBCB4BF246B80945CDDFE7D509BBFD7D", 16)),
                        p256));
        byte[] sig = HEX.parseHex("CB28E0999B9C7715FD0A80D8E47A77079716CBBF917DD72E97566EA1C066957C"
                + "86FA3BB4E26CAD5BF90B7F81899256CE7594BB1EA0C89212748BFF3B3D5B0315");
        var verifier = new SignatureAuthenticator(null, pub, Set.of(), false, RANDOM);
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        assertTrue(verifier.verify(new AuthPayload(9, sig), abc));
        assertFalse(verifier.verify(new AuthPayload(10, sig), abc), "method must match the curve (RFC 4754 §3)");
        sig[5] ^= 1;
        assertFalse(verifier.verify(new AuthPayload(9, sig), abc));
    }

    @ParameterizedTest(name = "{0} {1} hashes={2} pss={3} -> method {4}")
    @CsvSource({
        "RSA, 2048, '', false, 1",
        "RSA, 2048, '2', false, 14",
        "RSA, 2048, '2 3 4', true, 14",
        "EC, secp256r1, '', false, 9",
        "EC, secp384r1, '', false, 10",
        "EC, secp521r1, '', false, 11",
        "EC, secp256r1, '2 3 4', false, 14",
        "EC, secp384r1, '2 3 4', false, 14",
    })
    void signsWithTheMethodThePeerCanVerify(String alg, String size, String hashes, boolean pss, int method)
            throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
        if (alg.equals("RSA")) g.initialize(Integer.parseInt(size), RANDOM);
        else g.initialize(new ECGenParameterSpec(size), RANDOM);
        KeyPair kp = g.generateKeyPair();
        Set<Integer> ids = hashes.isBlank()
                ? Set.of()
                : java.util.Arrays.stream(hashes.split(" "))
                        .map(Integer::valueOf)
                        .collect(java.util.stream.Collectors.toSet());
        AuthPayload auth = new SignatureAuthenticator(kp.getPrivate(), null, ids, pss, RANDOM).sign(OCTETS);
        assertEquals(method, auth.method());
        var verifier = new SignatureAuthenticator(null, kp.getPublic(), Set.of(), false, RANDOM);
        assertTrue(verifier.verify(auth, OCTETS));
        byte[] other = OCTETS.clone();
        other[0] ^= 1;
        assertFalse(verifier.verify(auth, other), "signature over other octets must fail");
        KeyPair stranger = g.generateKeyPair();
        assertFalse(
                new SignatureAuthenticator(null, stranger.getPublic(), Set.of(), false, RANDOM).verify(auth, OCTETS),
                "a different key must fail");
    }

    @Test
    void method14ChoosesTheHashMatchingTheCurveAndNamesItInTheAlgorithmIdentifier() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"), RANDOM);
        AuthPayload auth = new SignatureAuthenticator(
                        g.generateKeyPair().getPrivate(), null, Set.of(2, 3, 4), false, RANDOM)
                .sign(OCTETS);
        byte[] aid = SignatureScheme.ECDSA_SHA384.algorithmId();
        assertEquals(aid.length, auth.data()[0]);
        assertArrayEquals(aid, java.util.Arrays.copyOfRange(auth.data(), 1, 1 + aid.length));
    }

    @Test
    void malformedAuthDataIsRefusedNotThrown() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        var verifier = new SignatureAuthenticator(null, g.generateKeyPair().getPublic(), Set.of(), false, RANDOM);
        for (byte[] data :
                new byte[][] {{}, {(byte) 200}, {12, 1, 2}, HEX.parseHex("0c300a06082a8648ce3d0403020000"), new byte[64]
                }) {
            assertFalse(verifier.verify(new AuthPayload(14, data), OCTETS));
            assertFalse(verifier.verify(new AuthPayload(9, data), OCTETS));
            assertFalse(verifier.verify(new AuthPayload(1, data), OCTETS));
        }
        assertFalse(verifier.verify(new AuthPayload(2, new byte[32]), OCTETS), "PSK MIC is not a signature");
    }

    /** The PSK authenticator computes RFC 7296 §2.15's prf(prf(Shared Secret, "Key Pad for IKEv2"), octets). */
    @Test
    void pskAuthenticatorIsTheRfcFormula() {
        PrfAlgorithm prf = PrfAlgorithm.HMAC_SHA2_256;
        byte[] psk = "secret".getBytes(StandardCharsets.US_ASCII);
        byte[] msg = HEX.parseHex("0102030405"),
                nonce = HEX.parseHex("aabbcc"),
                sk = new byte[20],
                id = HEX.parseHex("01000000c0000201");
        byte[] pad = prf.prf(psk, "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII));
        byte[] expected = prf.prf(pad, msg, nonce, prf.prf(sk, id));
        var a = new PskAuthenticator(prf, psk);
        AuthPayload auth = a.sign(SignedOctets.of(prf, msg, nonce, sk, id));
        assertEquals(AuthPayload.SHARED_KEY_MIC, auth.method());
        assertArrayEquals(expected, auth.data());
        assertTrue(a.verify(auth, SignedOctets.of(prf, msg, nonce, sk, id)));
        assertFalse(new PskAuthenticator(prf, "other".getBytes(StandardCharsets.US_ASCII))
                .verify(auth, SignedOctets.of(prf, msg, nonce, sk, id)));
    }
}
