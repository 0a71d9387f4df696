package org.jipsec.io.tun;

/**
 * How to open a TUN device (see Linux {@code Documentation/networking/tuntap.rst}).
 *
 * @param name    interface name (≤ 15 bytes); a pattern like {@code "jip%d"} lets the kernel pick the number
 * @param queues  number of queues (descriptors); more than 1 sets {@code IFF_MULTI_QUEUE}: the kernel spreads
 *                flows over the queues, one reader thread per queue
 * @param offload {@code IFF_VNET_HDR} + {@code TUNSETOFFLOAD(TUN_F_CSUM|TUN_F_TSO4|TUN_F_TSO6)}: every read and
 *                write carries a 10-byte {@link VirtioNetHdr}, and reads may return TCP super-packets of up to
 *                64 KiB that {@link GsoSplitter} cuts into MTU-sized packets
 */
public record TunOptions(String name, int queues, boolean offload) {
    /** Largest interface name ({@code IFNAMSIZ} − 1). */
    public static final int MAX_NAME_BYTES = 15;

    public TunOptions {
        if (name == null
                || name.isEmpty()
                || name.getBytes(java.nio.charset.StandardCharsets.US_ASCII).length > MAX_NAME_BYTES
                || name.contains("/")
                || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("bad interface name: " + name);
        }
        if (queues < 1 || queues > 256) {
            throw new IllegalArgumentException("queues must be 1..256, got " + queues);
        }
    }

    /** One queue, no offload. */
    public static TunOptions simple(String name) {
        return new TunOptions(name, 1, false);
    }
}
