package org.jipsec.io.pfkey;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import org.jipsec.core.pfkey.PfkeyCodec;

/**
 * Reads PF_KEY messages from a stream: a 16-byte {@code sadb_msg} whose {@code sadb_msg_len × 8} gives the size of
 * the whole message. A length below one base header cannot be resynchronised: {@link FramingException}.
 */
final class FrameReader {

    /** The stream carries something that is not a sequence of PF_KEY messages. */
    static final class FramingException extends IOException {
        FramingException(String message) { super(message); }
    }

    private final ReadableByteChannel in;

    FrameReader(ReadableByteChannel in) {
        this.in = in;
    }

    /** The next message's bytes, or null at a clean end of stream (between messages). */
    byte[] next() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(PfkeyCodec.BASE_BYTES);
        if (!fill(header, true)) return null;
        int len = PfkeyCodec.frameLength(header.array());
        if (len < PfkeyCodec.BASE_BYTES) throw new FramingException("sadb_msg_len " + len / 8 + " < 2");
        byte[] msg = new byte[len];
        System.arraycopy(header.array(), 0, msg, 0, PfkeyCodec.BASE_BYTES);
        ByteBuffer rest = ByteBuffer.wrap(msg, PfkeyCodec.BASE_BYTES, len - PfkeyCodec.BASE_BYTES);
        fill(rest, false);
        return msg;
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
