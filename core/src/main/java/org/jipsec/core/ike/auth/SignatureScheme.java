package org.jipsec.core.ike.auth;

import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The one table of signature schemes for IKE_AUTH: the RFC 7427 §3 AlgorithmIdentifier DER encodings (as listed
 * in RFC 7427 Appendix A), the RFC 7427 §4 SIGNATURE_HASH_ALGORITHMS hash identifier (RFC 7427 §7 registry: 2
 * SHA2-256, 3 SHA2-384, 4 SHA2-512) and the JDK {@link java.security.Signature} name. ECDSA in method 14 carries
 * the DER Ecdsa-Sig-Value (RFC 7427 §3); the classic RFC 4754 methods 9/10/11 carry r | s instead (JDK's
 * "…inP1363Format").
 */
// ImmutableEnumChecker: algorithmId is private and only copies leave (algorithmId()); params holds null or a JDK
// PSSParameterSpec, whose fields are final (immutable, though not annotated @Immutable).
@SuppressWarnings("ImmutableEnumChecker")
public enum SignatureScheme {
    RSA_SHA256("300d06092a864886f70d01010b0500", 2, "RSA", "SHA256withRSA", null),
    RSA_SHA384("300d06092a864886f70d01010c0500", 3, "RSA", "SHA384withRSA", null),
    RSA_SHA512("300d06092a864886f70d01010d0500", 4, "RSA", "SHA512withRSA", null),
    /** RFC 7427 Appendix A.4.3: RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32. */
    RSA_PSS_SHA256(
            "304106092a864886f70d01010a3034a00f300d0609608648016503040201"
                    + "0500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120",
            2,
            "RSA",
            "RSASSA-PSS",
            new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1)),
    ECDSA_SHA256("300a06082a8648ce3d040302", 2, "EC", "SHA256withECDSA", null),
    ECDSA_SHA384("300a06082a8648ce3d040303", 3, "EC", "SHA384withECDSA", null),
    ECDSA_SHA512("300a06082a8648ce3d040304", 4, "EC", "SHA512withECDSA", null);

    private final byte[] algorithmId;
    /** SIGNATURE_HASH_ALGORITHMS identifier (RFC 7427 §4). */
    public final int hashId;
    /** JDK key algorithm this scheme needs ("RSA" or "EC"). */
    public final String keyAlgorithm;
    /** JDK Signature algorithm name. */
    public final String jdkName;

    private final AlgorithmParameterSpec params;

    SignatureScheme(
            String algorithmIdHex, int hashId, String keyAlgorithm, String jdkName, AlgorithmParameterSpec params) {
        this.algorithmId = HexFormat.of().parseHex(algorithmIdHex);
        this.hashId = hashId;
        this.keyAlgorithm = keyAlgorithm;
        this.jdkName = jdkName;
        this.params = params;
    }

    /** The DER AlgorithmIdentifier (RFC 7427 §3). */
    public byte[] algorithmId() {
        return algorithmId.clone();
    }

    Optional<AlgorithmParameterSpec> params() {
        return Optional.ofNullable(params);
    }

    /** The scheme whose AlgorithmIdentifier equals {@code der} exactly (RFC 7427 §3: compared as octets). */
    public static Optional<SignatureScheme> byAlgorithmId(byte[] der) {
        for (SignatureScheme s : values()) if (Arrays.equals(s.algorithmId, der)) return Optional.of(s);
        return Optional.empty();
    }
}
