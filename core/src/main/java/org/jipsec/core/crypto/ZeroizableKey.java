package org.jipsec.core.crypto;

import java.util.Arrays;
import javax.crypto.SecretKey;

/**
 * A JCE key over jipsec's own copy of the key bytes, so {@link #destroy()} really zeroes them
 * ({@link javax.crypto.spec.SecretKeySpec} keeps a private copy no one can wipe). {@link #getEncoded()}
 * hands out a copy, as JCE requires; the providers used here wipe theirs after expanding the key.
 * Never printed: {@link #toString()} names the algorithm only.
 */
final class ZeroizableKey implements SecretKey {
    private static final long serialVersionUID = 1L;

    private final String algorithm;
    private final byte[] bytes;
    private boolean destroyed;

    /** Takes ownership of {@code bytes} (no copy). */
    ZeroizableKey(String algorithm, byte[] bytes) {
        this.algorithm = algorithm;
        this.bytes = bytes;
    }

    @Override
    public String getAlgorithm() {
        return algorithm;
    }

    @Override
    public String getFormat() {
        return "RAW";
    }

    @Override
    public byte[] getEncoded() {
        if (destroyed) throw new IllegalStateException("key destroyed");
        return bytes.clone();
    }

    int length() {
        return bytes.length;
    }

    @Override
    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return algorithm + " key (" + bytes.length + " bytes, not shown)";
    }
}
