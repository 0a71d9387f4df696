package org.jipsec.io.tun;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.jipsec.io.ffm.LibC;
import org.jipsec.io.ffm.NativeException;

/**
 * Interface configuration through {@code ioctl(2)} on a datagram socket (netdevice(7)): MTU and the up flag.
 * Works in the calling thread's network namespace. Addresses and routes are left to {@code ip} (or netlink,
 * later).
 *
 * <pre>
 * struct ifreq (40 bytes): char ifr_name[16] | union { short ifr_flags; int ifr_mtu; ... } (24)
 * </pre>
 */
public final class InterfaceControl {
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final long SIOCGIFMTU = 0x8921;
    static final long SIOCSIFMTU = 0x8922;
    static final long SIOCGIFTXQLEN = 0x8942;
    static final long SIOCSIFTXQLEN = 0x8943;
    static final short IFF_UP = 0x1;
    static final int IFREQ_SIZE = 40;

    private InterfaceControl() {}

    /** Writes {@code name} NUL-terminated into the first 16 bytes of an ifreq. */
    static void putName(MemorySegment ifreq, String name) {
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        if (b.length > TunOptions.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("interface name too long: " + name);
        }
        ifreq.asSlice(0, 16).fill((byte) 0);
        MemorySegment.copy(b, 0, ifreq, JAVA_BYTE, 0, b.length);
    }

    private interface Op<T> {
        T apply(int fd, MemorySegment ifreq) throws NativeException;
    }

    private static <T> T withIfreq(String name, Op<T> op) throws IOException {
        int fd = LibC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(IFREQ_SIZE, 8);
            putName(ifreq, name);
            return op.apply(fd, ifreq);
        } finally {
            LibC.close(fd);
        }
    }

    /** {@code SIOCSIFMTU}. */
    public static void setMtu(String name, int mtu) throws IOException {
        withIfreq(name, (fd, r) -> {
            r.set(JAVA_INT, 16, mtu);
            return LibC.ioctl(fd, SIOCSIFMTU, r, "SIOCSIFMTU " + name);
        });
    }

    /** {@code SIOCGIFMTU}. */
    public static int mtu(String name) throws IOException {
        return withIfreq(name, (fd, r) -> {
            LibC.ioctl(fd, SIOCGIFMTU, r, "SIOCGIFMTU " + name);
            return r.get(JAVA_INT, 16);
        });
    }

    /**
     * {@code SIOCSIFTXQLEN} ({@code ip link set DEV txqueuelen N}): a TUN's queue towards its reader (default 500)
     * drops packets whenever the reader falls behind a burst; a data plane wants it longer.
     */
    public static void setTxQueueLength(String name, int packets) throws IOException {
        withIfreq(name, (fd, r) -> {
            r.set(JAVA_INT, 16, packets);
            return LibC.ioctl(fd, SIOCSIFTXQLEN, r, "SIOCSIFTXQLEN " + name);
        });
    }

    /** {@code SIOCGIFTXQLEN}. */
    public static int txQueueLength(String name) throws IOException {
        return withIfreq(name, (fd, r) -> {
            LibC.ioctl(fd, SIOCGIFTXQLEN, r, "SIOCGIFTXQLEN " + name);
            return r.get(JAVA_INT, 16);
        });
    }

    /** Sets or clears {@code IFF_UP} ({@code SIOCGIFFLAGS} then {@code SIOCSIFFLAGS}). */
    public static void setUp(String name, boolean up) throws IOException {
        withIfreq(name, (fd, r) -> {
            LibC.ioctl(fd, SIOCGIFFLAGS, r, "SIOCGIFFLAGS " + name);
            short flags = r.get(JAVA_SHORT, 16);
            r.set(JAVA_SHORT, 16, (short) (up ? flags | IFF_UP : flags & ~IFF_UP));
            return LibC.ioctl(fd, SIOCSIFFLAGS, r, "SIOCSIFFLAGS " + name);
        });
    }

    /** True if {@code IFF_UP} is set. */
    public static boolean isUp(String name) throws IOException {
        return withIfreq(name, (fd, r) -> {
            LibC.ioctl(fd, SIOCGIFFLAGS, r, "SIOCGIFFLAGS " + name);
            return (r.get(JAVA_SHORT, 16) & IFF_UP) != 0;
        });
    }
}
