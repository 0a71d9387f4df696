package org.jipsec.core.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * One packet for the network: the whole IP packet (outer header included) and how it is carried.
 *
 * @param packet        the IP packet; owned by the receiver of the decision
 * @param encapsulation raw IP with its outer protocol, or ESP-in-UDP with its ports
 */
public record WirePacket(byte[] packet, Encapsulation encapsulation) {

    public WirePacket {
        Objects.requireNonNull(packet);
        Objects.requireNonNull(encapsulation);
    }

    /** Outer IP header length (IPv4 IHL; IPv6 fixed header 40), 0 if the packet is too short to say. */
    public int ipHeaderLength() {
        return org.jipsec.core.net.IpView.headerLength(packet, 0, packet.length);
    }

    /**
     * What a socket sends: after the outer IP header for raw IP; after the IP and UDP headers for
     * {@link Encapsulation.Udp}.
     */
    public byte[] payload() {
        int off = ipHeaderLength() + (encapsulation instanceof Encapsulation.Udp ? 8 : 0);
        return Arrays.copyOfRange(packet, Math.min(off, packet.length), packet.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WirePacket w && Arrays.equals(packet, w.packet) && encapsulation.equals(w.encapsulation);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(packet) * 31 + encapsulation.hashCode();
    }

    @Override
    public String toString() {
        return "WirePacket[" + packet.length + " bytes, " + encapsulation + "]";
    }
}
