package org.jipsec.core.crypto;

/**
 * AES-CCM for ESP, RFC 4309, on the JDK's AES ({@link AesCcm}): the last 3 bytes of the SA key are the salt, the
 * 11-byte nonce is salt || explicit IV (§4), so the length field is L = 4 bytes; ICV 8, 12 or 16 bytes (§3); the
 * AAD is SPI || sequence number, or SPI || ESN high || low with extended sequence numbers (§5). The AAD arrives
 * through {@link #addAad} (possibly in pieces) and is buffered until the payload comes, because CCM's B0 and the
 * AAD length prefix come first in the MAC.
 */
final class JdkCcmAead extends EspAead {
    private final AesCcm ccm;
    private byte[] aad = new byte[16];
    private int aadLen;

    JdkCcmAead(Algorithm alg, byte[] key, int icv) {
        super(alg, key, 3, icv, false);
        this.ccm = new AesCcm(cipherKey(key, 3), nonce.length, icv);
    }

    @Override
    void init(boolean encrypt) {
        aadLen = 0;
    }

    @Override
    void addAad(byte[] b, int off, int len) {
        if (aad.length - aadLen < len) aad = java.util.Arrays.copyOf(aad, Math.max(aad.length * 2, aadLen + len));
        System.arraycopy(b, off, aad, aadLen, len);
        aadLen += len;
    }

    @Override
    void sealData(byte[] buf, int off, int len) {
        ccm.seal(nonce, aad, aadLen, buf, off, len);
    }

    @Override
    void openData(byte[] buf, int off, int len) throws IcvMismatchException {
        if (!ccm.open(nonce, aad, aadLen, buf, off, len)) throw new IcvMismatchException();
    }

    /** Separate output (EspAead checked there is no overlap): decrypted straight into {@code out}, no copy. */
    @Override
    void openDataTo(byte[] in, int off, int len, byte[] out, int outOff) throws IcvMismatchException {
        if (!ccm.open(nonce, aad, aadLen, in, off, len, out, outOff)) throw new IcvMismatchException();
    }

    @Override
    void wipe() {
        ccm.destroy();
        java.util.Arrays.fill(aad, (byte) 0);
    }
}
