/**
 * IKEv2 cryptography, all from the JDK (Bouncy Castle untouched): the PRFs (HMAC-SHA2-256/384/512, RFC 4868;
 * AES-XCBC-PRF-128, RFC 4434), prf+ (RFC 7296 §2.13), the key schedule (SKEYSEED and SK_*, §2.14; CHILD_SA
 * KEYMAT with and without PFS, §2.17; IKE SA rekey, §2.18), the Diffie-Hellman groups 14/19/20/31
 * ({@link org.jipsec.core.ike.crypto.DhGroup}, RFC 3526, RFC 5903, RFC 8031), the SK payload protection
 * (§3.14 with AES-CBC + truncated HMAC, AES-GCM-16 per RFC 5282 and ChaCha20-Poly1305 per RFC 7634) and PSK
 * AUTH (§2.15). {@link org.jipsec.core.ike.crypto.IkeTransforms} maps IANA transform IDs onto the one
 * algorithm table. Randomness is always injected; keys are never printed.
 */
package org.jipsec.core.ike.crypto;
