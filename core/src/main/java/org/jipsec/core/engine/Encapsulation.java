package org.jipsec.core.engine;

import java.util.Objects;
import org.jipsec.core.ipsec.Endpoint;

/**
 * How a packet travels on the wire, outside the IP stack proper: what the io layer needs to pick its socket.
 *
 * <ul>
 *   <li>{@link RawIp}: a whole IP packet whose outer header carries {@code protocol} — 50 ESP, 51 AH, 108 IPComp,
 *       4/41 IP-in-IP (a tunnel-mode IPComp SA that did not compress, RFC 3173 §2.2), or any upper protocol for a
 *       packet sent in clear. Sent through TUN or a raw IP socket.</li>
 *   <li>{@link Udp}: a whole IP packet carrying ESP in UDP (RFC 3948 §2.1) between these ports; the io layer may
 *       send {@link WirePacket#payload()} (what follows the UDP header) on its UDP 4500 socket.</li>
 *   <li>{@link UdpDatagram} (input only): just the payload of a UDP datagram received on the NAT-T socket, with
 *       its addresses; the engine rebuilds the IP/UDP headers around it.</li>
 * </ul>
 */
public sealed interface Encapsulation {

    record RawIp(int protocol) implements Encapsulation {
        public RawIp {
            if (protocol < 0 || protocol > 255) throw new IllegalArgumentException("IP protocol " + protocol);
        }
    }

    record Udp(int sourcePort, int destinationPort) implements Encapsulation {
        public Udp {
            if (sourcePort < 0 || sourcePort > 0xffff || destinationPort < 0 || destinationPort > 0xffff)
                throw new IllegalArgumentException("UDP port out of range");
        }
    }

    record UdpDatagram(Endpoint source, Endpoint destination) implements Encapsulation {
        public UdpDatagram {
            Objects.requireNonNull(source);
            Objects.requireNonNull(destination);
            if (source.isIpv6() != destination.isIpv6()) throw new IllegalArgumentException("address families differ");
        }
    }

    /** A whole IP packet as it came from TUN or a raw socket (the protocol is read from the packet). */
    Encapsulation IP = new RawIp(0);
}
