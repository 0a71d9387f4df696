package org.jipsec.core.xform;

/**
 * Two arrays of one capacity that a received packet moves between while its layers are removed: ESP with a
 * combined-mode algorithm decrypts from the array the packet is in into the other one
 * ({@link org.jipsec.core.crypto.AeadTransform#open(byte[], int, int, byte[], int)}), so the JDK's fused AES-GCM
 * runs instead of its two-pass in-place path, and the packet buffer then continues on that array
 * ({@link org.jipsec.core.net.PacketBuffer#replaceArray}). The owner (the engine) must own both arrays and the
 * packet buffer (or have it lent for the call); nothing else may keep a reference to them.
 */
public final class InputBuffers {
    private final byte[] a;
    private final byte[] b;

    public InputBuffers(int capacity) {
        a = new byte[capacity];
        b = new byte[capacity];
    }

    /** The array a packet starts in. */
    public byte[] first() {
        return a;
    }

    public int capacity() {
        return a.length;
    }

    /**
     * The array to decrypt into: the one the packet is not in; the first when the packet is in a buffer of the
     * owner's that is neither (lent to it for one input).
     */
    byte[] other(byte[] current) {
        return current == a ? b : a;
    }
}
