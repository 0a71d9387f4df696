package org.jipsec.core.engine;

/**
 * This host's own addresses, as the engine needs them for {@code net.inet.ipsec.ipip_spoofcheck}: a packet that comes
 * out of an IPsec tunnel must not claim one of them as its source (NetBSD xform_ipip.c {@code _ipip_input}, "Check
 * for local address spoofing": every interface address of the inner packet's family is compared with the inner
 * source, the packet dropped and counted as {@code IPIP_STAT_SPOOF}). The core cannot list interfaces; the gateway
 * injects them ({@link IpsecEngine#setLocalAddresses}). Called on the packet path for tunnelled packets only: must
 * be cheap and must not allocate.
 */
@FunctionalInterface
public interface LocalAddresses {
    /** No local address known: nothing is a spoof (the engine's default, e.g. offline use). */
    LocalAddresses NONE = (b, off, len) -> false;

    /** Whether {@code b[off, off+len)} (4 or 16 bytes) is one of this host's addresses. */
    boolean isLocal(byte[] b, int off, int len);

    /** A fixed set (4- or 16-byte arrays, copied), compared byte for byte. */
    static LocalAddresses of(java.util.Collection<byte[]> addresses) {
        byte[][] all = addresses.stream()
                .filter(a -> a.length == 4 || a.length == 16)
                .map(byte[]::clone)
                .toArray(byte[][]::new);
        if (all.length == 0) return NONE;
        return (b, off, len) -> {
            for (byte[] a : all) {
                if (a.length == len && java.util.Arrays.equals(a, 0, len, b, off, off + len)) return true;
            }
            return false;
        };
    }
}
