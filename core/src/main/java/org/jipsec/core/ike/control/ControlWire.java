package org.jipsec.core.ike.control;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The field encodings of {@link IkeControlCodec}, network byte order: u8, u16, i64, booleans as exactly 0 or 1,
 * strings as a u16 byte length and strict UTF-8 (no malformed sequences, no control characters). The reader never
 * reads outside its body and throws only {@link ControlFrameException}.
 */
final class ControlWire {
    private ControlWire() {}

    /** Appends fields; refuses (IllegalArgumentException) what the reader would refuse. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer u8(int v) {
            out.write(v);
            return this;
        }

        Writer u16(int v) {
            if (v < 0 || v > 0xffff) throw new IllegalArgumentException("u16 out of range: " + v);
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Writer i64(long v) {
            for (int s = 56; s >= 0; s -= 8) out.write((int) (v >>> s));
            return this;
        }

        Writer bool(boolean b) {
            return u8(b ? 1 : 0);
        }

        Writer string(String s) {
            checkText(s);
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length > IkeControlCodec.MAX_STRING)
                throw new IllegalArgumentException("string longer than " + IkeControlCodec.MAX_STRING + " bytes");
            u16(b.length);
            out.writeBytes(b);
            return this;
        }

        /** {@code s} made printable (control characters become spaces) and cut to {@link IkeControlCodec#MAX_STRING} bytes. */
        Writer text(String s) {
            return string(printable(s));
        }

        Writer count(int n) {
            if (n > IkeControlCodec.MAX_ITEMS)
                throw new IllegalArgumentException("more than " + IkeControlCodec.MAX_ITEMS + " items");
            return u16(n);
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        int size() {
            return out.size();
        }
    }

    static String printable(String m) {
        StringBuilder b = new StringBuilder(m.length());
        m.codePoints().forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f ? ' ' : c));
        byte[] u = b.toString().getBytes(StandardCharsets.UTF_8);
        if (u.length <= IkeControlCodec.MAX_STRING) return b.toString();
        int cut = IkeControlCodec.MAX_STRING;
        while (cut > 0 && (u[cut] & 0xc0) == 0x80) cut--; // not inside a UTF-8 sequence
        return new String(u, 0, cut, StandardCharsets.UTF_8);
    }

    static void checkText(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) throw new IllegalArgumentException("control character in text");
        }
    }

    /** Reads fields from {@code [offset, offset + length)} of an array. */
    static final class Reader {
        private final ByteBuffer b;

        Reader(byte[] a, int offset, int length) {
            b = ByteBuffer.wrap(a, offset, length);
        }

        private void need(int n, String what) throws ControlFrameException {
            if (b.remaining() < n) throw new ControlFrameException("truncated " + what);
        }

        int u8(String what) throws ControlFrameException {
            need(1, what);
            return b.get() & 0xff;
        }

        int u16(String what) throws ControlFrameException {
            need(2, what);
            return b.getShort() & 0xffff;
        }

        long i64(String what) throws ControlFrameException {
            need(8, what);
            return b.getLong();
        }

        boolean bool(String what) throws ControlFrameException {
            int v = u8(what);
            if (v > 1) throw new ControlFrameException(what + ": boolean must be 0 or 1, not " + v);
            return v == 1;
        }

        String string(String what) throws ControlFrameException {
            int n = u16(what + " length");
            if (n > IkeControlCodec.MAX_STRING)
                throw new ControlFrameException(what + ": " + n + " bytes, over " + IkeControlCodec.MAX_STRING);
            need(n, what);
            ByteBuffer slice = b.slice(b.position(), n);
            b.position(b.position() + n);
            String s;
            try {
                s = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(slice)
                        .toString();
            } catch (CharacterCodingException e) {
                throw new ControlFrameException(what + ": not UTF-8");
            }
            try {
                checkText(s);
            } catch (IllegalArgumentException e) {
                throw new ControlFrameException(what + ": control character");
            }
            return s;
        }

        /** A list count, also bounded by what is left: each item takes at least {@code minItemBytes}. */
        int count(String what, int minItemBytes) throws ControlFrameException {
            int n = u16(what + " count");
            if (n > IkeControlCodec.MAX_ITEMS)
                throw new ControlFrameException(what + ": " + n + " items, over " + IkeControlCodec.MAX_ITEMS);
            if ((long) n * minItemBytes > b.remaining())
                throw new ControlFrameException(what + ": " + n + " items cannot fit");
            return n;
        }

        void end(String what) throws ControlFrameException {
            if (b.hasRemaining()) throw new ControlFrameException(b.remaining() + " trailing bytes after " + what);
        }
    }
}
