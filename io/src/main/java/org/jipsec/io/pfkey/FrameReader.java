package org.jipsec.io.pfkey;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import org.jipsec.core.pfkey.PfkeyCodec;

/**
 * Reads PF_KEY messages from a stream: a 16-byte {@code sadb_msg} whose {@code sadb_msg_len × 8} gives the size of
 * the whole message. A length below one base header cannot be resynchronised: {@link FramingException}.
 *
 * <p>The length is untrusted: a message's buffer is allocated only when the length is within {@code maxBytes}. A
 * longer message is read through a small fixed buffer and thrown away, and {@link #next()} returns its header
 * alone ({@link #oversized(byte[])} is then true), so the stream stays in step and the caller can refuse it with
 * ENOBUFS as NetBSD's key_output does for a message larger than MCLBYTES (spec §1.9 step 3) — a header promising
 * 512 KB costs 16 bytes of heap, not 512 KB.
 */
final class FrameReader {

    /** The stream carries something that is not a sequence of PF_KEY messages. */
    static final class FramingException extends IOException {
        FramingException(String message) {
            super(message);
        }
    }

    private static final int SKIP_CHUNK = 512;

    private final ReadableByteChannel in;
    private final int maxBytes;

    /** @param maxBytes the largest message whose bytes are kept; longer ones are skipped (see above) */
    FrameReader(ReadableByteChannel in, int maxBytes) {
        this.in = in;
        this.maxBytes = Math.max(maxBytes, PfkeyCodec.BASE_BYTES);
    }

    /** True when {@code frame} (from {@link #next()}) is the bare header of a message longer than the limit. */
    static boolean oversized(byte[] frame) {
        return frame.length == PfkeyCodec.BASE_BYTES && PfkeyCodec.frameLength(frame) > PfkeyCodec.BASE_BYTES;
    }

    /** The next message's bytes (or the header of an oversized one), or null at a clean end of stream. */
    byte[] next() throws IOException {
        byte[] head = new byte[PfkeyCodec.BASE_BYTES];
        if (!fill(ByteBuffer.wrap(head), true)) return null;
        int len = PfkeyCodec.frameLength(head);
        if (len < PfkeyCodec.BASE_BYTES) throw new FramingException("sadb_msg_len " + len / 8 + " < 2");
        if (len > maxBytes) {
            skip(len - PfkeyCodec.BASE_BYTES);
            return head;
        }
        byte[] msg = new byte[len];
        System.arraycopy(head, 0, msg, 0, PfkeyCodec.BASE_BYTES);
        fill(ByteBuffer.wrap(msg, PfkeyCodec.BASE_BYTES, len - PfkeyCodec.BASE_BYTES), false);
        return msg;
    }

    private void skip(int n) throws IOException {
        ByteBuffer sink = ByteBuffer.allocate(Math.min(SKIP_CHUNK, n));
        int left = n;
        while (left > 0) {
            sink.clear().limit(Math.min(sink.capacity(), left));
            fill(sink, false);
            left -= sink.limit();
        }
    }

    private boolean fill(ByteBuffer b, boolean eofOkAtStart) throws IOException {
        boolean started = false;
        while (b.hasRemaining()) {
            int n = in.read(b);
            if (n < 0) {
                if (eofOkAtStart && !started) return false;
                throw new EOFException("connection closed inside a PF_KEY message");
            }
            if (n > 0) started = true;
        }
        return true;
    }
}
