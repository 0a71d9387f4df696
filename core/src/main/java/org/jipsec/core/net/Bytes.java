package org.jipsec.core.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Big-endian (network order) field access over byte arrays. No bounds checks beyond the JVM's own. */
public final class Bytes {
    private static final VarHandle U16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {}

    public static int u8(byte[] b, int off) {
        return b[off] & 0xff;
    }

    public static int u16(byte[] b, int off) {
        return ((short) U16.get(b, off)) & 0xffff;
    }

    /** A 32-bit field as a Java int (use {@link Integer#toUnsignedLong} when the unsigned value matters). */
    public static int i32(byte[] b, int off) {
        return (int) U32.get(b, off);
    }

    public static long u32(byte[] b, int off) {
        return i32(b, off) & 0xffffffffL;
    }

    public static long i64(byte[] b, int off) {
        return (long) U64.get(b, off);
    }

    public static void put8(byte[] b, int off, int v) {
        b[off] = (byte) v;
    }

    public static void put16(byte[] b, int off, int v) {
        U16.set(b, off, (short) v);
    }

    public static void put32(byte[] b, int off, int v) {
        U32.set(b, off, v);
    }

    public static void put64(byte[] b, int off, long v) {
        U64.set(b, off, v);
    }

    /** Lower-case hex of {@code b[off, off+len)}, for tests and diagnostics (never for key material). */
    public static String hex(byte[] b, int off, int len) {
        return java.util.HexFormat.of().formatHex(b, off, off + len);
    }

    public static byte[] fromHex(String hex) {
        return java.util.HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
    }
}
