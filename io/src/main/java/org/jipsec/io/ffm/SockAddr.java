package org.jipsec.io.ffm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Encodes and decodes Linux {@code struct sockaddr_in} / {@code sockaddr_in6} in off-heap memory.
 *
 * <pre>
 * sockaddr_in  (16 bytes): family u16 (host order) | port u16 (network order) | addr[4]  | zero[8]
 * sockaddr_in6 (28 bytes): family u16 (host order) | port u16 (network order) | flowinfo u32 | addr[16] | scope_id u32
 * </pre>
 */
public final class SockAddr {
    /** Size of {@code struct sockaddr_in}. */
    public static final int IN4_LEN = 16;
    /** Size of {@code struct sockaddr_in6}; also the capacity any address slot needs. */
    public static final int IN6_LEN = 28;

    private SockAddr() {}

    /** Writes {@code addr}/{@code port} at {@code off}; returns the sockaddr length. Port 0 for raw sockets. */
    public static int write(MemorySegment seg, long off, byte[] addr, int port) {
        if (addr.length == 4) {
            seg.set(JAVA_SHORT, off, (short) LibC.AF_INET);
            seg.set(JAVA_BYTE, off + 2, (byte) (port >>> 8));
            seg.set(JAVA_BYTE, off + 3, (byte) port);
            MemorySegment.copy(addr, 0, seg, JAVA_BYTE, off + 4, 4);
            seg.asSlice(off + 8, 8).fill((byte) 0);
            return IN4_LEN;
        }
        if (addr.length == 16) {
            seg.set(JAVA_SHORT, off, (short) LibC.AF_INET6);
            seg.set(JAVA_BYTE, off + 2, (byte) (port >>> 8));
            seg.set(JAVA_BYTE, off + 3, (byte) port);
            seg.set(JAVA_INT, off + 4, 0);
            MemorySegment.copy(addr, 0, seg, JAVA_BYTE, off + 8, 16);
            seg.set(JAVA_INT, off + 24, 0);
            return IN6_LEN;
        }
        throw new IllegalArgumentException("address must be 4 or 16 bytes, got " + addr.length);
    }

    /** Writes a socket address (IPv4-mapped IPv6 addresses stay IPv6 only if given as {@link Inet6Address}). */
    public static int write(MemorySegment seg, long off, InetSocketAddress sa) {
        InetAddress a = sa.getAddress();
        if (a == null) {
            throw new IllegalArgumentException("unresolved address: " + sa);
        }
        int len = write(seg, off, a.getAddress(), sa.getPort());
        if (a instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            seg.set(JAVA_INT, off + 24, v6.getScopeId());
        }
        return len;
    }

    /** The address family ({@link LibC#AF_INET}/{@link LibC#AF_INET6}) of the sockaddr at {@code off}. */
    public static int family(MemorySegment seg, long off) {
        return seg.get(JAVA_SHORT, off) & 0xffff;
    }

    /** The port of the sockaddr at {@code off}. */
    public static int port(MemorySegment seg, long off) {
        return ((seg.get(JAVA_BYTE, off + 2) & 0xff) << 8) | (seg.get(JAVA_BYTE, off + 3) & 0xff);
    }

    /**
     * Copies the address bytes of the sockaddr at {@code off} into {@code out} (at least 16 bytes) and returns
     * their count (4 or 16), or 0 if the family is neither IPv4 nor IPv6. Allocation-free.
     */
    public static int copyAddress(MemorySegment seg, long off, byte[] out) {
        return switch (family(seg, off)) {
            case LibC.AF_INET -> {
                MemorySegment.copy(seg, JAVA_BYTE, off + 4, out, 0, 4);
                yield 4;
            }
            case LibC.AF_INET6 -> {
                MemorySegment.copy(seg, JAVA_BYTE, off + 8, out, 0, 16);
                yield 16;
            }
            default -> 0;
        };
    }

    /** Decodes the sockaddr at {@code off}; null if its family is neither IPv4 nor IPv6. */
    public static InetSocketAddress read(MemorySegment seg, long off) {
        byte[] b = new byte[16];
        int n = copyAddress(seg, off, b);
        if (n == 0) {
            return null;
        }
        try {
            int scope = n == 16 ? seg.get(JAVA_INT, off + 24) : 0;
            // A 16-byte IPv4-mapped address comes back as Inet4Address: sending to it works on dual-stack sockets.
            InetAddress a = scope != 0
                    ? Inet6Address.getByAddress(null, b, scope)
                    : InetAddress.getByAddress(n == 4 ? java.util.Arrays.copyOf(b, 4) : b);
            return new InetSocketAddress(a, port(seg, off));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4- or 16-byte address rejected", e);
        }
    }
}
