package org.jipsec.core.xform;

/**
 * A packet being transformed: bytes {@code data[start, end)} of a buffer with headroom before {@code start}
 * and tailroom after {@code end}, so that headers and trailers are added in place. The buffer is replaced
 * (and copied) only when the room is too small, so a caller that allocates enough room once makes the
 * transforms allocation-free.
 */
public final class Frame {

    /** Headroom/tailroom a fresh frame gets: outer IPv6 + UDP + ESP + IV, and trailer + ICV. */
    public static final int DEFAULT_HEADROOM = 96;
    public static final int DEFAULT_TAILROOM = 320;

    private byte[] data;
    private int start;
    private int end;

    public Frame(byte[] data, int start, int end) {
        if (start < 0 || end < start || end > data.length) throw new IllegalArgumentException("bad frame bounds");
        this.data = data;
        this.start = start;
        this.end = end;
    }

    /** Copies {@code packet} into a new buffer with default headroom and tailroom. */
    public static Frame copyOf(byte[] packet) {
        return copyOf(packet, 0, packet.length);
    }

    public static Frame copyOf(byte[] packet, int off, int len) {
        byte[] b = new byte[DEFAULT_HEADROOM + len + DEFAULT_TAILROOM];
        System.arraycopy(packet, off, b, DEFAULT_HEADROOM, len);
        return new Frame(b, DEFAULT_HEADROOM, DEFAULT_HEADROOM + len);
    }

    public byte[] data() { return data; }

    public int start() { return start; }

    public int end() { return end; }

    public int length() { return end - start; }

    /** Resets the bounds within the same buffer (for reuse of one buffer across packets). */
    public void reset(int newStart, int newEnd) {
        if (newStart < 0 || newEnd < newStart || newEnd > data.length) throw new IllegalArgumentException("bad frame bounds");
        start = newStart;
        end = newEnd;
    }

    /** The packet bytes as a new array. */
    public byte[] toByteArray() {
        return java.util.Arrays.copyOfRange(data, start, end);
    }

    /** Grows the packet by {@code n} bytes at the front; returns the new start. */
    int prepend(int n) {
        if (start < n) regrow(n, 0);
        start -= n;
        return start;
    }

    /** Grows the packet by {@code n} bytes at the end; returns the offset of the first new byte. */
    int append(int n) {
        if (data.length - end < n) regrow(0, n);
        int at = end;
        end += n;
        return at;
    }

    void trimFront(int n) {
        start += n;
    }

    void trimEnd(int n) {
        end -= n;
    }

    /**
     * Opens a gap of {@code n} bytes at {@code at} (absolute offset) by moving the {@code at - start} bytes before
     * it to the front. Returns the absolute offset of the gap.
     */
    int insertGap(int at, int n) {
        int headLen = at - start;
        prepend(n);
        System.arraycopy(data, start + n, data, start, headLen);
        return start + headLen;
    }

    /** Removes {@code n} bytes at absolute offset {@code at} by moving the bytes before it back. */
    void removeGap(int at, int n) {
        int headLen = at - start;
        System.arraycopy(data, start, data, start + n, headLen);
        start += n;
    }

    private void regrow(int moreHead, int moreTail) {
        int head = Math.max(start, moreHead + DEFAULT_HEADROOM);
        int tail = Math.max(data.length - end, moreTail + DEFAULT_TAILROOM);
        int len = end - start;
        byte[] b = new byte[head + len + tail];
        System.arraycopy(data, start, b, head, len);
        data = b;
        start = head;
        end = head + len;
    }
}
