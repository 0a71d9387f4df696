package org.jipsec.io.gateway;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How {@link GatewayDaemon} runs.
 *
 * @param tunName      TUN interface to create or attach ({@code jipsec0} by default)
 * @param mtu          MTU set on the TUN (leaves room for the ESP/tunnel overhead on a 1500-byte link)
 * @param mark         {@code SO_MARK} put on every socket the data plane sends with (0 = none); with policy
 *                     routing ({@code ip rule add not fwmark M table T}) the protected packets bypass the TUN
 * @param natTPort     the UDP port of ESP-in-UDP (RFC 3948: 4500); 0 = no UDP encapsulation sockets
 * @param bufferBytes  socket buffer sizes for the raw and UDP sockets
 * @param pfkey        PF_KEY socket path
 * @param keepaliveSeconds NAT-T keepalive interval (RFC 3948 §4: 20 s by custom)
 * @param offload      TUN offloads ({@code IFF_VNET_HDR}, TSO): the kernel hands over TCP super-packets that are
 *                     split before the engine, and decrypted TCP segments are coalesced before they are written;
 *                     also UDP GSO ({@code UDP_SEGMENT}) for ESP in UDP
 * @param policyGuard  enforce the SPD on traffic outside the TUN with an nftables table ({@link PolicyGuard})
 * @param workers      data-plane worker threads: one TUN queue ({@code IFF_MULTI_QUEUE}), one poller and one set of
 *                     wire sockets each ({@link DataPlane}); 1 to {@value #MAX_WORKERS}
 */
public record GatewayOptions(
        String tunName,
        int mtu,
        int mark,
        int natTPort,
        int bufferBytes,
        Path pfkey,
        int keepaliveSeconds,
        boolean offload,
        boolean policyGuard,
        int workers) {

    public static final String DEFAULT_TUN = "jipsec0";
    /** The kernel's limit of TUN queues is 256 ({@code MAX_TAP_QUEUES}); far above any useful worker count. */
    public static final int MAX_WORKERS = 256;

    public GatewayOptions {
        Objects.requireNonNull(tunName);
        Objects.requireNonNull(pfkey);
        if (mtu < 576 || mtu > 65535) throw new IllegalArgumentException("MTU " + mtu + " out of range 576..65535");
        if (natTPort < 0 || natTPort > 0xffff) throw new IllegalArgumentException("UDP port " + natTPort);
        if (keepaliveSeconds <= 0) throw new IllegalArgumentException("keepalive interval must be positive");
        if (workers < 1 || workers > MAX_WORKERS)
            throw new IllegalArgumentException("workers " + workers + " out of range 1.." + MAX_WORKERS);
    }

    /** As before {@code workers} existed: one worker. */
    public GatewayOptions(
            String tunName,
            int mtu,
            int mark,
            int natTPort,
            int bufferBytes,
            Path pfkey,
            int keepaliveSeconds,
            boolean offload,
            boolean policyGuard) {
        this(tunName, mtu, mark, natTPort, bufferBytes, pfkey, keepaliveSeconds, offload, policyGuard, 1);
    }

    /** The default worker count: the processors this JVM may use. */
    public static int defaultWorkers() {
        return Math.min(MAX_WORKERS, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * jipsec0, MTU 1400, mark 0x99 (as strongSwan's example), port 4500, 8 MiB buffers, keepalive 20 s, offloads on,
     * policy guard on, one worker per available processor.
     */
    public static GatewayOptions defaults(Path pfkey) {
        return new GatewayOptions(DEFAULT_TUN, 1400, 0x99, 4500, 8 << 20, pfkey, 20, true, true, defaultWorkers());
    }

    public GatewayOptions withWorkers(int n) {
        return new GatewayOptions(
                tunName, mtu, mark, natTPort, bufferBytes, pfkey, keepaliveSeconds, offload, policyGuard, n);
    }

    public GatewayOptions withPolicyGuard(boolean on) {
        return new GatewayOptions(
                tunName, mtu, mark, natTPort, bufferBytes, pfkey, keepaliveSeconds, offload, on, workers);
    }

    public GatewayOptions withKeepaliveSeconds(int seconds) {
        return new GatewayOptions(
                tunName, mtu, mark, natTPort, bufferBytes, pfkey, seconds, offload, policyGuard, workers);
    }

    public GatewayOptions withTun(String name) {
        return new GatewayOptions(
                name, mtu, mark, natTPort, bufferBytes, pfkey, keepaliveSeconds, offload, policyGuard, workers);
    }

    public GatewayOptions withMark(int m) {
        return new GatewayOptions(
                tunName, mtu, m, natTPort, bufferBytes, pfkey, keepaliveSeconds, offload, policyGuard, workers);
    }

    public GatewayOptions withMtu(int m) {
        return new GatewayOptions(
                tunName, m, mark, natTPort, bufferBytes, pfkey, keepaliveSeconds, offload, policyGuard, workers);
    }

    public GatewayOptions withOffload(boolean on) {
        return new GatewayOptions(
                tunName, mtu, mark, natTPort, bufferBytes, pfkey, keepaliveSeconds, on, policyGuard, workers);
    }

    public GatewayOptions withNatTPort(int p) {
        return new GatewayOptions(
                tunName, mtu, mark, p, bufferBytes, pfkey, keepaliveSeconds, offload, policyGuard, workers);
    }
}
