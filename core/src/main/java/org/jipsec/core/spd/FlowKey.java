package org.jipsec.core.spd;

import java.util.Objects;

/**
 * The lookup input of the SPD: what NetBSD's {@code ipsec_setspidx} extracts from a packet (spec §4.1)
 * as plain values: addresses (4 or 16 bytes, same length), upper-layer protocol (255 for a
 * non-first fragment), ports (0 when not used; ICMP type/code as source/destination port) and the
 * IPv6 scope ids (0 = none). The packet layer builds it; the SPD only reads it.
 */
public record FlowKey(
        byte[] source,
        byte[] destination,
        int upperProtocol,
        int sourcePort,
        int destinationPort,
        int sourceScopeId,
        int destinationScopeId) {

    public FlowKey {
        Objects.requireNonNull(source);
        Objects.requireNonNull(destination);
        if ((source.length != 4 && source.length != 16) || source.length != destination.length) {
            throw new IllegalArgumentException("addresses must both be 4 or both 16 bytes");
        }
        if (upperProtocol < 0 || upperProtocol > 255) throw new IllegalArgumentException("protocol out of range");
        if (sourcePort < 0 || sourcePort > 0xffff || destinationPort < 0 || destinationPort > 0xffff) {
            throw new IllegalArgumentException("port out of range");
        }
    }

    public FlowKey(byte[] source, byte[] destination, int upperProtocol, int sourcePort, int destinationPort) {
        this(source, destination, upperProtocol, sourcePort, destinationPort, 0, 0);
    }

    public boolean isIpv6() {
        return source.length == 16;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowKey k
                && java.util.Arrays.equals(source, k.source)
                && java.util.Arrays.equals(destination, k.destination)
                && upperProtocol == k.upperProtocol
                && sourcePort == k.sourcePort
                && destinationPort == k.destinationPort
                && sourceScopeId == k.sourceScopeId
                && destinationScopeId == k.destinationScopeId;
    }

    @Override
    public int hashCode() {
        // no varargs/boxing: this runs once per packet (the SPD lookup cache)
        int h = java.util.Arrays.hashCode(source) * 31 + java.util.Arrays.hashCode(destination);
        h = h * 31 + upperProtocol;
        h = h * 31 + (sourcePort << 16 | destinationPort);
        return h * 31 + sourceScopeId * 17 + destinationScopeId;
    }

    /**
     * A hash for the SPD's per-flow cache slot, as {@link #hashCode} but with plain loops: for 4- and 16-byte
     * addresses the vectorised {@code Arrays.hashCode}/{@code Arrays.equals} stubs cost more than the work.
     */
    int slotHash() {
        int h = 0;
        for (byte x : source) h = h * 31 + x;
        for (byte x : destination) h = h * 31 + x;
        h = h * 31 + upperProtocol;
        h = h * 31 + (sourcePort << 16 | destinationPort);
        return h * 31 + sourceScopeId * 17 + destinationScopeId;
    }

    /** {@link #equals} for another key, with plain loops (see {@link #slotHash}). */
    boolean sameFlow(FlowKey k) {
        byte[] s = source, d = destination, ks = k.source, kd = k.destination;
        if (s.length != ks.length
                || d.length != kd.length
                || upperProtocol != k.upperProtocol
                || sourcePort != k.sourcePort
                || destinationPort != k.destinationPort
                || sourceScopeId != k.sourceScopeId
                || destinationScopeId != k.destinationScopeId) return false;
        int diff = 0;
        for (int i = 0; i < s.length; i++) diff |= s[i] ^ ks[i];
        for (int i = 0; i < d.length; i++) diff |= d[i] ^ kd[i];
        return diff == 0;
    }

    @Override
    public String toString() {
        return "FlowKey[" + AddressText.format(addr(source), sourceScopeId) + "[" + sourcePort + "] -> "
                + AddressText.format(addr(destination), destinationScopeId) + "[" + destinationPort + "] proto "
                + upperProtocol + "]";
    }

    private static java.net.InetAddress addr(byte[] b) {
        try {
            return java.net.InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
