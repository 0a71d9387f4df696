package org.jipsec.core.crypto;

/**
 * The ESP framing shared by every combined-mode algorithm: nonce = salt || explicit IV, the salt being the
 * last bytes of the SA key (RFC 4106 §4 and §8.1, RFC 4309 §4 and §7.1, RFC 4543 §3.1 and §3.2,
 * RFC 7634 §2 and §4). Subclasses bind one cipher engine.
 *
 * <pre>
 *   nonce (GCM, GMAC, ChaCha20-Poly1305: 12 bytes; CCM: 11 bytes)
 *   +--------------------+-----------------------------------------+
 *   |  salt (4; CCM: 3)  |          explicit IV (8, on the wire)   |
 *   +--------------------+-----------------------------------------+
 * </pre>
 *
 * <p>For AES-GMAC (RFC 4543 §3.3, draft-mcgrew-gcm-test-01 §3) nothing is encrypted and the AAD is
 * SPI || sequence number || IV || payload; the caller passes SPI and sequence number with {@link #aad} and
 * this class adds the IV and the payload itself, so ESP code is the same for every AEAD. (draft-mcgrew-gcm-test-01
 * page 18 shows that AAD byte for byte; it is one of the known-answer vectors.)
 */
abstract sealed class EspAead implements AeadTransform permits JceAead, BcAead, JdkCcmAead, JdkTruncatedGcmAead {
    static final int IV = 8;

    private final Algorithm alg;
    private final int icv;
    private final boolean gmac;
    final byte[] nonce;
    private final int saltLen;
    private int state; // 0 idle, 1 encrypting, 2 decrypting
    private boolean destroyed;

    EspAead(Algorithm alg, byte[] key, int saltLen, int icv, boolean gmac) {
        this.alg = alg;
        this.icv = icv;
        this.gmac = gmac;
        this.saltLen = saltLen;
        this.nonce = new byte[saltLen + IV];
        System.arraycopy(key, key.length - saltLen, nonce, 0, saltLen);
    }

    /** The cipher key without its salt, copied. */
    static byte[] cipherKey(byte[] key, int saltLen) {
        return java.util.Arrays.copyOf(key, key.length - saltLen);
    }

    @Override
    public final Algorithm algorithm() {
        return alg;
    }

    @Override
    public final int ivLength() {
        return IV;
    }

    @Override
    public final int icvLength() {
        return icv;
    }

    @Override
    public final int blockSize() {
        return 4;
    }

    @Override
    public final boolean encryptsPayload() {
        return !gmac;
    }

    @Override
    public final void start(boolean encrypt, byte[] iv, int ivOff) {
        Buffers.checkLive(destroyed, alg);
        Buffers.check(iv, ivOff, IV, "IV");
        System.arraycopy(iv, ivOff, nonce, saltLen, IV);
        state = 0;
        init(encrypt);
        state = encrypt ? 1 : 2;
    }

    @Override
    public final void aad(byte[] b, int off, int len) {
        Buffers.checkLive(destroyed, alg);
        Buffers.check(b, off, len, "AAD");
        if (state == 0) throw new IllegalStateException(alg.name() + ": aad() before start()");
        addAad(b, off, len);
    }

    @Override
    public final int seal(byte[] buf, int off, int len) {
        Buffers.checkLive(destroyed, alg);
        Buffers.check(buf, off, len, "payload");
        if (state != 1) throw new IllegalStateException(alg.name() + ": seal() without start(true, …)");
        if (buf.length - off - len < icv) {
            throw new IllegalArgumentException(alg.name() + ": no room for the " + icv + "-byte ICV");
        }
        state = 0;
        if (gmac) {
            addAad(nonce, saltLen, IV);
            addAad(buf, off, len);
            sealData(buf, off + len, 0);
        } else {
            sealData(buf, off, len);
        }
        return len + icv;
    }

    @Override
    public final int open(byte[] buf, int off, int len) throws IcvMismatchException {
        Buffers.checkLive(destroyed, alg);
        Buffers.check(buf, off, len, "payload");
        if (state != 2) throw new IllegalStateException(alg.name() + ": open() without start(false, …)");
        if (len < icv) throw new IllegalArgumentException(alg.name() + ": " + len + " bytes cannot hold the ICV");
        state = 0;
        if (gmac) {
            addAad(nonce, saltLen, IV);
            addAad(buf, off, len - icv);
            openData(buf, off + len - icv, icv);
        } else {
            openData(buf, off, len);
        }
        return len - icv;
    }

    @Override
    public final int open(byte[] in, int off, int len, byte[] out, int outOff) throws IcvMismatchException {
        Buffers.checkLive(destroyed, alg);
        Buffers.check(in, off, len, "payload");
        if (len < icv) throw new IllegalArgumentException(alg.name() + ": " + len + " bytes cannot hold the ICV");
        Buffers.check(out, outOff, len - icv, "output");
        if ((in == out && off == outOff) || gmac) {
            // in place, or GMAC (nothing to decrypt): verify in {@code in}, then copy the payload
            int n = open(in, off, len);
            if (in != out || off != outOff) System.arraycopy(in, off, out, outOff, n);
            return n;
        }
        if (state != 2) throw new IllegalStateException(alg.name() + ": open() without start(false, …)");
        if (in == out && off < outOff + len && outOff < off + len) {
            throw new IllegalArgumentException(alg.name() + ": overlapping input and output");
        }
        state = 0;
        openDataTo(in, off, len, out, outOff);
        return len - icv;
    }

    @Override
    public final void destroy() {
        if (destroyed) return;
        destroyed = true;
        Buffers.zero(nonce);
        wipe();
    }

    final Algorithm alg() {
        return alg;
    }

    /** Initialises the engine for one packet with {@link #nonce}. */
    abstract void init(boolean encrypt);

    abstract void addAad(byte[] b, int off, int len);

    /** Encrypts {@code buf[off, off+len)} in place and appends the ICV. */
    abstract void sealData(byte[] buf, int off, int len);

    /** Verifies and decrypts in place; {@code len} includes the ICV. */
    abstract void openData(byte[] buf, int off, int len) throws IcvMismatchException;

    /**
     * Verifies {@code in[off, off+len)} ({@code len} includes the ICV) and decrypts it into {@code out} (no overlap;
     * room for {@code len - icv} bytes). This default copies and opens in place (in {@code out} when it has room for
     * the ICV too, else in a temporary array); engines that can write elsewhere override it.
     */
    void openDataTo(byte[] in, int off, int len, byte[] out, int outOff) throws IcvMismatchException {
        if (out.length - outOff >= len) {
            System.arraycopy(in, off, out, outOff, len);
            openData(out, outOff, len);
        } else {
            byte[] tmp = java.util.Arrays.copyOfRange(in, off, off + len);
            openData(tmp, 0, len);
            System.arraycopy(tmp, 0, out, outOff, len - icv);
        }
    }

    abstract void wipe();
}
