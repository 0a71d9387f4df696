package org.jipsec.core.xform;

import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Raw DEFLATE (RFC 1951, no zlib header: RFC 2394 §2) with a bounded inflate. Thread-confined, reused per
 * packet (kept in the SA's per-thread state).
 */
final class IpCompCodec {
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final Inflater inflater = new Inflater(true);
    final byte[] out = new byte[65536 + 1];

    /** Compresses into {@link #out}; returns the length, or -1 if the output is not shorter than {@code max}. */
    int deflate(byte[] b, int off, int len, int max) {
        deflater.reset();
        deflater.setInput(b, off, len);
        deflater.finish();
        int n = 0;
        while (!deflater.finished()) {
            if (n >= max) return -1;
            n += deflater.deflate(out, n, max - n, Deflater.NO_FLUSH);
        }
        return n < max ? n : -1;
    }

    /**
     * Inflates into {@link #out}; returns the length, -1 if the output would exceed {@code max} (a decompression
     * bomb), -2 if the data is not valid DEFLATE.
     */
    int inflate(byte[] b, int off, int len, int max) {
        inflater.reset();
        inflater.setInput(b, off, len);
        int n = 0;
        try {
            while (!inflater.finished()) {
                if (n > max) return -1;
                int got = inflater.inflate(out, n, max + 1 - n);
                n += got;
                if (n > max) return -1;
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return -2; // truncated stream or preset dictionary: not RFC 2394 DEFLATE
                }
            }
        } catch (DataFormatException e) {
            return -2;
        }
        return n;
    }

    void close() {
        deflater.end();
        inflater.end();
    }
}
