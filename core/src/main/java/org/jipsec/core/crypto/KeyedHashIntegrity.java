package org.jipsec.core.crypto;

import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * Keyed MD5 (RFC 1828) and keyed SHA-1 as KAME implements them (netinet6/ah_core.c
 * {@code ah_keyed_md5_init/_result}, {@code ah_keyed_sha1_init/_result}):
 * <pre>
 *   ICV = H( key || 0x80 || 0x00… || keybits(8 bytes) || data || key )
 * </pre>
 * The key is padded to the next 64-byte boundary the way MD5 pads a message (RFC 1828 §"Calculation":
 * "key, keyfill, datagram, key, MD5fill"): 0x80, zeros, then the key length in bits as 8 bytes
 * <em>little-endian</em> — also for SHA-1, where KAME writes the length low byte first (a KAME quirk kept
 * for interoperability). A key of 56 bytes or more takes a second 64-byte block. The ICV is the whole
 * digest (16 or 20 bytes; NetBSD's xform, spec §1.8).
 */
final class KeyedHashIntegrity extends TruncatedIntegrity {
    private final MessageDigest md;
    private final byte[] key;
    private final byte[] prefix;

    KeyedHashIntegrity(Algorithm alg, byte[] key, String digest) {
        super(alg, digestLength(digest), digestLength(digest));
        this.key = key.clone();
        try {
            this.md = MessageDigest.getInstance(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + digest, e);
        }
        int padlen = key.length < 56 ? 64 - 8 - key.length : 64 + 64 - 8 - key.length;
        prefix = new byte[key.length + padlen + 8];
        System.arraycopy(key, 0, prefix, 0, key.length);
        prefix[key.length] = (byte) 0x80;
        long bits = 8L * key.length;
        for (int i = 0; i < 4; i++) prefix[key.length + padlen + i] = (byte) (bits >>> (8 * i));
        md.update(prefix);
    }

    private static int digestLength(String digest) {
        return digest.equals("MD5") ? 16 : 20;
    }

    @Override
    void feed(byte[] b, int off, int len) {
        md.update(b, off, len);
    }

    @Override
    void compute(byte[] out) {
        md.update(key);
        try {
            md.digest(out, 0, out.length);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        md.update(prefix);
    }

    @Override
    void wipe() {
        Buffers.zero(key);
        Buffers.zero(prefix);
        md.reset();
    }
}
