package org.jipsec.core.crypto;

/**
 * NULL authentication ({@code SADB_X_AALG_NULL}, KAME "for debugging"): the ICV is 12 zero bytes (NetBSD's
 * null auth xform has a 12-byte ICV and computes nothing, spec §1.8). The key (0 to 256 bytes) is ignored.
 */
final class NullIntegrity extends TruncatedIntegrity {
    NullIntegrity(Algorithm alg, byte[] key) {
        super(alg, 12, 12);
    }

    @Override
    void feed(byte[] b, int off, int len) {}

    @Override
    void compute(byte[] out) {
        java.util.Arrays.fill(out, (byte) 0);
    }

    @Override
    void wipe() {}
}
