package org.jipsec.core.net;

import java.util.Arrays;

/**
 * A mutable packet: bytes {@code [start, end)} of a backing array, with <em>headroom</em> before
 * {@code start} and <em>tailroom</em> after {@code end}, so that encapsulation (an outer IP header, an ESP or
 * AH header, an ESP trailer and ICV) is written in place instead of into a fresh array per packet.
 *
 * <pre>
 *   0          start                      end            array.length
 *   |-headroom-|========= packet =========|---tailroom---|
 * </pre>
 *
 * <h2>Contract</h2>
 * <ul>
 * <li>Offsets returned by and given to this class are <b>absolute</b> indices into {@link #array()}, except
 *     where a method says "relative" (then 0 is {@link #start()}).</li>
 * <li>{@link #array()} may be <b>replaced</b> by any method that grows the buffer ({@link #prepend},
 *     {@link #append}, {@link #ensureHeadroom}, {@link #ensureTailroom}, {@link #insert}); re-read
 *     {@code array()} and {@code start()} after calling one. When the room asked for already exists nothing is
 *     copied; when the total free room suffices the bytes are moved inside the same array; only otherwise is
 *     a larger array allocated (with {@link #GROW_SLACK} extra bytes on the side that ran short).</li>
 * <li>Bytes uncovered by {@link #prepend}/{@link #append} are <b>not</b> cleared: the caller writes them.</li>
 * <li>Not thread-safe; one packet, one owner at a time.</li>
 * </ul>
 */
public final class PacketBuffer {
    /** Extra bytes added on the side that had to grow, so that the next encapsulation step fits. */
    public static final int GROW_SLACK = 64;

    private byte[] array;
    private int start;
    private int end;

    private PacketBuffer(byte[] array, int start, int end) {
        this.array = array;
        this.start = start;
        this.end = end;
    }

    /** An empty buffer with {@code headroom} bytes before the data and {@code capacity − headroom} after. */
    public static PacketBuffer allocate(int headroom, int capacity) {
        if (headroom < 0 || capacity < headroom)
            throw new IllegalArgumentException("headroom " + headroom + " capacity " + capacity);
        return new PacketBuffer(new byte[capacity], headroom, headroom);
    }

    /** Wraps the whole array as the packet (no head- or tailroom; growing will reallocate). No copy. */
    public static PacketBuffer wrap(byte[] array) {
        return new PacketBuffer(array, 0, array.length);
    }

    /** Wraps {@code array[off, off+len)} as the packet; the bytes around it become head- and tailroom. No copy. */
    public static PacketBuffer wrap(byte[] array, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, array.length);
        return new PacketBuffer(array, off, off + len);
    }

    /** A copy of {@code data[off, off+len)} with the given head- and tailroom. */
    public static PacketBuffer copyOf(byte[] data, int off, int len, int headroom, int tailroom) {
        java.util.Objects.checkFromIndexSize(off, len, data.length);
        byte[] a = new byte[headroom + len + tailroom];
        System.arraycopy(data, off, a, headroom, len);
        return new PacketBuffer(a, headroom, headroom + len);
    }

    public static PacketBuffer copyOf(byte[] data, int headroom, int tailroom) {
        return copyOf(data, 0, data.length, headroom, tailroom);
    }

    public byte[] array() {
        return array;
    }

    /** Absolute offset of the first packet byte. */
    public int start() {
        return start;
    }

    /** Absolute offset one past the last packet byte. */
    public int end() {
        return end;
    }

    public int length() {
        return end - start;
    }

    public int headroom() {
        return start;
    }

    public int tailroom() {
        return array.length - end;
    }

    /** Grows the packet by {@code n} bytes at the front; returns the new (absolute) {@link #start()}. */
    public int prepend(int n) {
        checkNonNegative(n);
        ensureHeadroom(n);
        start -= n;
        return start;
    }

    /** Grows the packet by {@code n} bytes at the back; returns the absolute offset of the first new byte. */
    public int append(int n) {
        checkNonNegative(n);
        ensureTailroom(n);
        int at = end;
        end += n;
        return at;
    }

    /** Drops {@code n} bytes from the front (they become headroom). */
    public void trimFront(int n) {
        if (n < 0 || n > length()) throw new IllegalArgumentException("trimFront " + n + " of " + length());
        start += n;
    }

    /** Drops {@code n} bytes from the back (they become tailroom). */
    public void trimBack(int n) {
        if (n < 0 || n > length()) throw new IllegalArgumentException("trimBack " + n + " of " + length());
        end -= n;
    }

    /** Sets the packet length to {@code len} bytes from the start (shrinking, or growing into tailroom). */
    public void setLength(int len) {
        checkNonNegative(len);
        if (len > length()) append(len - length());
        else end = start + len;
    }

    /** Makes sure at least {@code n} bytes of headroom exist (see the class contract for when this copies). */
    public void ensureHeadroom(int n) {
        checkNonNegative(n);
        if (start >= n) return;
        int len = length();
        int tail = tailroom();
        if (start + tail >= n) {
            // Move within the array: give the front what it needs, keep the rest as tailroom.
            int newStart = n;
            System.arraycopy(array, start, array, newStart, len);
            start = newStart;
            end = newStart + len;
            return;
        }
        byte[] bigger = new byte[n + GROW_SLACK + len + tail];
        int newStart = n + GROW_SLACK;
        System.arraycopy(array, start, bigger, newStart, len);
        array = bigger;
        start = newStart;
        end = newStart + len;
    }

    /** Makes sure at least {@code n} bytes of tailroom exist (see the class contract for when this copies). */
    public void ensureTailroom(int n) {
        checkNonNegative(n);
        if (tailroom() >= n) return;
        int len = length();
        if (start + tailroom() >= n) {
            int newStart = array.length - n - len;
            System.arraycopy(array, start, array, newStart, len);
            start = newStart;
            end = newStart + len;
            return;
        }
        byte[] bigger = new byte[start + len + n + GROW_SLACK];
        System.arraycopy(array, start, bigger, start, len);
        array = bigger;
    }

    /**
     * Opens a gap of {@code n} bytes at relative offset {@code at} (0 ≤ at ≤ length) by moving the first
     * {@code at} bytes towards the front (into headroom) — the cheap way to insert an ESP/AH header after an IP
     * header of {@code at} bytes. Returns the absolute offset of the gap (contents unspecified).
     */
    public int insert(int at, int n) {
        if (at < 0 || at > length()) throw new IllegalArgumentException("insert at " + at + " of " + length());
        checkNonNegative(n);
        ensureHeadroom(n);
        System.arraycopy(array, start, array, start - n, at);
        start -= n;
        return start + at;
    }

    /**
     * Removes {@code n} bytes at relative offset {@code at} by moving the first {@code at} bytes towards the
     * back (the front shrinks) — the inverse of {@link #insert}, used to strip an ESP/AH header in place.
     */
    public void remove(int at, int n) {
        if (at < 0 || n < 0 || at + n > length())
            throw new IllegalArgumentException("remove " + n + " at " + at + " of " + length());
        System.arraycopy(array, start, array, start + n, at);
        start += n;
    }

    /** Replaces the content with a copy of {@code data[off, off+len)}, keeping at least the current headroom. */
    public void set(byte[] data, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, data.length);
        end = start;
        int at = append(len);
        System.arraycopy(data, off, array, at, len);
    }

    /**
     * Moves the buffer onto {@code other} (same start and end; the caller has put the bytes it needs there) and
     * returns the array it used before. For transforms that write their output into a second array.
     */
    public byte[] replaceArray(byte[] other) {
        java.util.Objects.requireNonNull(other);
        if (other.length < end) throw new IllegalArgumentException("array of " + other.length + " < end " + end);
        byte[] old = array;
        array = other;
        return old;
    }

    /** A fresh copy of the packet bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOfRange(array, start, end);
    }

    /** A new buffer with its own copy of the packet and the same head- and tailroom. */
    public PacketBuffer copy() {
        return new PacketBuffer(array.clone(), start, end);
    }

    /** Relative accessors (offset 0 = {@link #start()}), bounds-checked against the packet. */
    public int u8(int rel) {
        return Bytes.u8(array, abs(rel, 1));
    }

    public int u16(int rel) {
        return Bytes.u16(array, abs(rel, 2));
    }

    public long u32(int rel) {
        return Bytes.u32(array, abs(rel, 4));
    }

    public void put8(int rel, int v) {
        Bytes.put8(array, abs(rel, 1), v);
    }

    public void put16(int rel, int v) {
        Bytes.put16(array, abs(rel, 2), v);
    }

    public void put32(int rel, int v) {
        Bytes.put32(array, abs(rel, 4), v);
    }

    private int abs(int rel, int size) {
        if (rel < 0 || rel + size > length())
            throw new IndexOutOfBoundsException("offset " + rel + " size " + size + " of " + length());
        return start + rel;
    }

    private static void checkNonNegative(int n) {
        if (n < 0) throw new IllegalArgumentException("negative size " + n);
    }

    @Override
    public String toString() {
        return "PacketBuffer[" + length() + " bytes, headroom " + headroom() + ", tailroom " + tailroom() + "]";
    }
}
