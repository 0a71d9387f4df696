package org.jipsec.io.tun;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.io.ffm.LibC;
import org.jipsec.io.ffm.NativeException;
import org.jipsec.io.ffm.NativeFd;

/**
 * A Linux TUN device (layer 3, no packet-information prefix) created or attached through
 * {@code /dev/net/tun} and {@code ioctl(TUNSETIFF)} (Documentation/networking/tuntap.rst):
 * <ul>
 *   <li>flags {@code IFF_TUN | IFF_NO_PI}, plus {@code IFF_MULTI_QUEUE} when more than one queue is asked
 *       (one descriptor per queue, each opened and attached separately);</li>
 *   <li>with {@link TunOptions#offload()}: {@code IFF_VNET_HDR} and {@code TUNSETOFFLOAD(TUN_F_CSUM |
 *       TUN_F_TSO4 | TUN_F_TSO6)}: the stack may hand over unchecksummed packets and TCP super-packets
 *       (split them with {@link GsoSplitter}).</li>
 * </ul>
 * The device is not persistent: it disappears when its last queue is closed. It lives in the network
 * namespace of the thread that opened it (see {@code org.jipsec.io.netns.NetnsThread}). Needs CAP_NET_ADMIN.
 */
public final class TunDevice implements AutoCloseable {
    static final long TUNSETIFF = 0x400454caL;
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_MULTI_QUEUE = 0x0100;
    static final short IFF_VNET_HDR = 0x4000;
    static final int TUN_F_CSUM = 0x01;
    static final int TUN_F_TSO4 = 0x02;
    static final int TUN_F_TSO6 = 0x04;

    private final String name;
    private final List<TunQueue> queues;
    private final boolean offload;

    private TunDevice(String name, List<TunQueue> queues, boolean offload) {
        this.name = name;
        this.queues = List.copyOf(queues);
        this.offload = offload;
    }

    /** Creates (or attaches to an existing device of the same name and kind) and opens all its queues. */
    public static TunDevice open(TunOptions options) throws IOException {
        short flags = (short) (IFF_TUN | IFF_NO_PI);
        if (options.queues() > 1) {
            flags |= IFF_MULTI_QUEUE;
        }
        if (options.offload()) {
            flags |= IFF_VNET_HDR;
        }
        List<TunQueue> queues = new ArrayList<>();
        String actual = options.name();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(InterfaceControl.IFREQ_SIZE, 8);
            for (int q = 0; q < options.queues(); q++) {
                int fd = LibC.open("/dev/net/tun", LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
                try {
                    ifreq.fill((byte) 0);
                    InterfaceControl.putName(ifreq, actual);
                    ifreq.set(JAVA_SHORT, 16, flags);
                    LibC.ioctl(fd, TUNSETIFF, ifreq, "TUNSETIFF " + actual);
                    actual = ifreq.getString(0); // the kernel fills in "%d" patterns
                    if (q == 0 && options.offload()) {
                        LibC.ioctl(
                                fd,
                                TUNSETOFFLOAD,
                                (long) (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6),
                                "TUNSETOFFLOAD " + actual);
                    }
                } catch (NativeException e) {
                    LibC.close(fd);
                    throw e;
                }
                queues.add(new TunQueue(new NativeFd(fd, "tun " + actual + " queue " + q), options.offload()));
            }
        } catch (IOException | RuntimeException e) {
            for (TunQueue q : queues) {
                try {
                    q.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        TunDevice d = new TunDevice(actual, queues, options.offload());
        if (queues.size() > 1) {
            // the queue chosen by the flow, not by the writer ({@link TunSteering}); the device works without it
            try {
                int fd = queues.get(0).fd().acquire();
                try {
                    TunSteering.attach(fd);
                    d.steering = "flow hash";
                } finally {
                    queues.get(0).fd().release();
                }
            } catch (IOException | RuntimeException e) {
                d.steering = "kernel default (" + e.getMessage() + ")";
            }
        }
        return d;
    }

    private volatile String steering = "single queue";

    /** How packets routed into the device pick a queue: "flow hash" ({@link TunSteering}), or why not. */
    public String steering() {
        return steering;
    }

    /** The interface name the kernel assigned. */
    public String name() {
        return name;
    }

    /** True if the queues carry {@link VirtioNetHdr}s. */
    public boolean offload() {
        return offload;
    }

    /** The queues, in the order they were attached. */
    public List<TunQueue> queues() {
        return queues;
    }

    /** Queue {@code i}. */
    public TunQueue queue(int i) {
        return queues.get(i);
    }

    /** Sets the MTU ({@code SIOCSIFMTU}; the calling thread must be in the device's namespace). */
    public void setMtu(int mtu) throws IOException {
        InterfaceControl.setMtu(name, mtu);
    }

    /** Brings the interface up or down ({@code SIOCSIFFLAGS}; same namespace rule). */
    public void setUp(boolean up) throws IOException {
        InterfaceControl.setUp(name, up);
    }

    /** Closes every queue; the kernel then removes the device. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (TunQueue q : queues) {
            try {
                q.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "TunDevice[" + name + ", queues=" + queues.size() + (offload ? ", offload" : "") + "]";
    }
}
