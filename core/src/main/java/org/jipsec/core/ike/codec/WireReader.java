package org.jipsec.core.ike.codec;

import java.util.Arrays;

/**
 * A bounds-checked big-endian reader over {@code buf[off, end)}. Every read checks the remaining length first
 * and throws {@link InvalidSyntaxException} naming the field; nothing here allocates more than the bytes it
 * copies out of the buffer, so decoding never allocates beyond the datagram's size.
 */
final class WireReader {
    private final byte[] buf;
    private int pos;
    private final int end;

    WireReader(byte[] buf, int off, int end) {
        this.buf = buf;
        this.pos = off;
        this.end = end;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return end - pos;
    }

    byte[] buffer() {
        return buf;
    }

    private void need(int n, String field) throws InvalidSyntaxException {
        if (n < 0 || n > end - pos) {
            throw new InvalidSyntaxException(field + ": needs " + n + " bytes, " + (end - pos) + " left");
        }
    }

    int u8(String field) throws InvalidSyntaxException {
        need(1, field);
        return buf[pos++] & 0xff;
    }

    int u16(String field) throws InvalidSyntaxException {
        need(2, field);
        int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    long u32(String field) throws InvalidSyntaxException {
        need(4, field);
        long v = ((long) (buf[pos] & 0xff) << 24)
                | ((buf[pos + 1] & 0xff) << 16)
                | ((buf[pos + 2] & 0xff) << 8)
                | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    long u64(String field) throws InvalidSyntaxException {
        long hi = u32(field);
        long lo = u32(field);
        return (hi << 32) | lo;
    }

    byte[] bytes(int n, String field) throws InvalidSyntaxException {
        need(n, field);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    void skip(int n, String field) throws InvalidSyntaxException {
        need(n, field);
        pos += n;
    }

    /** A reader over the next {@code n} bytes, consumed from this one. */
    WireReader slice(int n, String field) throws InvalidSyntaxException {
        need(n, field);
        WireReader r = new WireReader(buf, pos, pos + n);
        pos += n;
        return r;
    }

    byte[] rest() {
        byte[] out = Arrays.copyOfRange(buf, pos, end);
        pos = end;
        return out;
    }
}
