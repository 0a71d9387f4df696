package org.jipsec.core.ike.codec;

import java.util.Arrays;

/** A growable big-endian byte sink for the encoders; lengths are patched in place with {@link #put16At}. */
final class WireWriter {
    private byte[] buf = new byte[256];
    private int len;

    private void room(int n) {
        if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }

    int length() {
        return len;
    }

    WireWriter u8(int v) {
        room(1);
        buf[len++] = (byte) v;
        return this;
    }

    WireWriter u16(int v) {
        room(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    WireWriter u32(long v) {
        room(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    WireWriter u64(long v) {
        return u32(v >>> 32).u32(v & 0xffffffffL);
    }

    WireWriter bytes(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        return this;
    }

    WireWriter zeros(int n) {
        room(n);
        len += n; // the array is zero-filled beyond len
        return this;
    }

    void put16At(int at, int v) {
        if (v > 0xffff) throw new IllegalArgumentException("length " + v + " does not fit 16 bits");
        buf[at] = (byte) (v >>> 8);
        buf[at + 1] = (byte) v;
    }

    void put32At(int at, long v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }
}
