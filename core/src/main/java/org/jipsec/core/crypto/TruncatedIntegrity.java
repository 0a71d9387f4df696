package org.jipsec.core.crypto;

/**
 * Common part of the integrity transforms: the full MAC goes to a scratch array, the first
 * {@link #icvLength()} bytes are the ICV (RFC 2104 §5 truncation keeps the leftmost bits; RFC 4868 §2.3,
 * RFC 2404 §2, RFC 3566 §3, RFC 4494 §2), and verification compares in constant time.
 */
abstract sealed class TruncatedIntegrity implements IntegrityTransform
        permits HmacIntegrity, BcMacIntegrity, AesXcbcMac96, KeyedHashIntegrity, NullIntegrity {
    private final Algorithm alg;
    private final int icv;
    final byte[] full;
    private boolean destroyed;

    TruncatedIntegrity(Algorithm alg, int icv, int fullLength) {
        if (icv > fullLength) throw new IllegalArgumentException("ICV longer than the MAC");
        this.alg = alg;
        this.icv = icv;
        this.full = new byte[fullLength];
    }

    @Override
    public final Algorithm algorithm() {
        return alg;
    }

    @Override
    public final int icvLength() {
        return icv;
    }

    @Override
    public final void update(byte[] b, int off, int len) {
        Buffers.checkLive(destroyed, alg);
        Buffers.check(b, off, len, "data");
        feed(b, off, len);
    }

    @Override
    public final void finish(byte[] out, int outOff) {
        Buffers.checkLive(destroyed, alg);
        Buffers.check(out, outOff, icv, "ICV output");
        compute(full);
        System.arraycopy(full, 0, out, outOff, icv);
    }

    @Override
    public final boolean verify(byte[] expected, int off) {
        Buffers.checkLive(destroyed, alg);
        Buffers.check(expected, off, icv, "ICV");
        compute(full);
        return Buffers.constantTimeEquals(full, 0, expected, off, icv);
    }

    @Override
    public final void destroy() {
        if (destroyed) return;
        destroyed = true;
        Buffers.zero(full);
        wipe();
    }

    final Algorithm alg() {
        return alg;
    }

    abstract void feed(byte[] b, int off, int len);

    /** Writes the full MAC of everything fed so far into {@code out} and resets for the next message. */
    abstract void compute(byte[] out);

    abstract void wipe();
}
