package org.jipsec.core.xform;

/**
 * Two arrays of one capacity that a received packet moves between while its layers are removed: ESP with a
 * combined-mode algorithm decrypts from the array the packet is in into the other one
 * ({@link org.jipsec.core.crypto.AeadTransform#open(byte[], int, int, byte[], int)}), so the JDK's fused AES-GCM
 * runs instead of its two-pass in-place path, and the packet buffer then continues on that array
 * ({@link org.jipsec.core.net.PacketBuffer#replaceArray}). The owner (the engine) must own both arrays and the
 * packet buffer; nothing else may keep a reference to them.
 */
public final class InputBuffers {
    private final byte[] a;
    private final byte[] b;

    public InputBuffers(int capacity) {
        a = new byte[capacity];
        b = new byte[capacity];
    }

    /** The array a packet starts in. */
    public byte[] first() { return a; }

    public int capacity() { return a.length; }

    /** The array the packet is not in, or null when it is in neither (then it is decrypted in place). */
    byte[] other(byte[] current) {
        return current == a ? b : current == b ? a : null;
    }
}
