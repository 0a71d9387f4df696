package org.jipsec.core.engine.socket;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jipsec.core.spd.AppliedTransform;

/**
 * A UDP datagram received by a {@link JipsecDatagramSocket}: its source, its payload, and the IPsec transforms that
 * protected it (outermost first; empty when it came in clear) — the analogue of checking {@code IP_IPSEC_POLICY} on
 * the receiving PCB.
 */
public record Datagram(
        InetSocketAddress source, InetSocketAddress destination, byte[] data, List<AppliedTransform> protection) {

    public Datagram {
        Objects.requireNonNull(source);
        Objects.requireNonNull(destination);
        Objects.requireNonNull(data);
        protection = List.copyOf(protection);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Datagram d
                && source.equals(d.source)
                && destination.equals(d.destination)
                && Arrays.equals(data, d.data)
                && protection.equals(d.protection);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, destination, Arrays.hashCode(data), protection);
    }

    @Override
    public String toString() {
        return "Datagram[" + source + " -> " + destination + ", " + data.length + " bytes]";
    }
}
