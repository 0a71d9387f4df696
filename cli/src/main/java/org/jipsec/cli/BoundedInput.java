package org.jipsec.cli;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a setkey input (a {@code -f} file, {@code -c}'s standard input, a raw message file, {@code gateway --config})
 * whole, but never more than {@link #MAX_BYTES}: {@code setkey -f /dev/zero} or an endless pipe ends with
 * {@code setkey: /dev/zero: File too large (more than 67108864 bytes)} (EFBIG's strerror, as NetBSD's tools report a
 * file they refuse) instead of an OutOfMemoryError. 64 MiB holds a few hundred thousand SAs; the parser then bounds
 * each line ({@link org.jipsec.core.setkey.SetkeyLexer#MAX_LINE_CHARS}).
 */
final class BoundedInput {
    private BoundedInput() {}

    static final int MAX_BYTES = 64 << 20;

    /** Everything {@code in} holds, or an IOException naming {@code what} once more than {@link #MAX_BYTES} came. */
    static byte[] readAll(InputStream in, String what) throws IOException {
        byte[] b = in.readNBytes(MAX_BYTES + 1);
        if (b.length > MAX_BYTES) {
            java.util.Arrays.fill(b, (byte) 0); // may hold keys
            throw new IOException(what + ": File too large (more than " + MAX_BYTES + " bytes)");
        }
        return b;
    }
}
