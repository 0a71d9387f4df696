/**
 * IKE_AUTH authenticators (RFC 7296 §2.15, §3.8), pluggable behind {@link org.jipsec.core.ike.auth.Authenticator}
 * and chosen by swanctl's {@code local.auth}/{@code remote.auth}: shared key MIC (method 2) and signatures with the
 * JDK's {@link java.security.Signature} — RFC 7427 digital signature (method 14, RSA PKCS#1 v1.5, RSASSA-PSS,
 * ECDSA), RSA (method 1) and RFC 4754 ECDSA (methods 9/10/11). Pure: no I/O, randomness injected.
 * Certificates: {@link org.jipsec.core.ike.auth.CertValidator} (chain, validity, CRLs at the caller's time),
 * {@link org.jipsec.core.ike.auth.CertIdentity} (ID in the certificate). Used by the engine's Authentication.
 */
package org.jipsec.core.ike.auth;
