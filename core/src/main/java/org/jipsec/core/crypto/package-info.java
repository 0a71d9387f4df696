/**
 * The algorithm table and the ESP/AH transforms.
 *
 * <h2>Shape</h2>
 * {@link org.jipsec.core.crypto.AlgorithmTable} holds one {@link org.jipsec.core.crypto.Algorithm} row per
 * PF_KEY number and namespace (encryption, authentication, compression): setkey names, key lengths, sizes and
 * a factory. A keyed transform comes from the row ({@code newCipher}, {@code newAead}, {@code newIntegrity}),
 * which first refuses a key length the row does not allow with
 * {@link org.jipsec.core.crypto.InvalidKeyLengthException}. Transforms work in place on byte arrays with
 * offsets, hold one initialised JCE Cipher/Mac (or Bouncy Castle engine) for their lifetime, and zero their
 * key copy in {@code destroy()} ({@link org.jipsec.core.crypto.ZeroizableKey}).
 *
 * <h2>Providers</h2>
 * The JDK for everything it has — AES-CBC/CTR/GCM/GMAC, DES, 3DES, ChaCha20-Poly1305, HMAC-MD5/SHA-1/SHA-2,
 * MD5, SHA-1 — since SunJCE uses AES-NI, CLMUL and AVX on the hot path. Bouncy Castle's lightweight API (not its
 * JCE provider: no global {@code Security.addProvider}, no signed-jar requirement, no per-call provider
 * lookup) only for what the JDK lacks: CMAC, CAST-128, Blowfish, Camellia, RIPEMD-160. AES-CCM ({@code AesCcm}),
 * AES-XCBC-MAC-96 are built here on the JDK's AES (CBC/CTR/ECB), GCM with an 8-byte tag
 * ({@code JdkTruncatedGcmAead}; SunJCE refuses tags under 96 bits) on the JDK's AES-GCM and AES-CTR; keyed MD5
 * and keyed SHA-1 follow KAME's ah_core.c. Bouncy Castle's CCM and GCM stay as the test references for AesCcm
 * and JdkTruncatedGcmAead.
 *
 * <h2>Errors</h2>
 * Wrong key length: InvalidKeyLengthException. ICV mismatch: {@link org.jipsec.core.crypto.IcvMismatchException}.
 * A range outside the buffer or a length the cipher cannot take: IllegalArgumentException (never
 * IndexOutOfBoundsException). Calls out of order, use after destroy, an IV reused for encryption under one
 * key: IllegalStateException.
 *
 * <h2>Differences from NetBSD, on purpose</h2>
 * <ul>
 *   <li>aes-ctr's row reports NetBSD's block size 16 (its REGISTER reply and padding), but its transform
 *       accepts any length and asks only 4-byte alignment (RFC 3686 §3.2), so 4-byte-padded packets from
 *       other stacks decrypt.</li>
 *   <li>Key lengths are those the cipher takes (camellia 128/192/256, AES 128/192/256), not NetBSD's looser
 *       byte ranges (camellia 8..32, AES 16..32 bytes), which accept keys its ciphers then fail on.</li>
 * </ul>
 */
package org.jipsec.core.crypto;
