package org.jipsec.core.ikekernel;

import java.net.InetAddress;
import java.util.Optional;
import org.jipsec.core.pfkey.Sadb;

/**
 * UDP encapsulation of an SA (RFC 3948; the KAME NAT-T extensions {@code sadb_x_nat_t_type/port}, and the original
 * addresses of RFC 3948 §3.1.2 for transport-mode checksum fix-up): what racoon's {@code pk_sendupdate} and
 * strongSwan's {@code add_sa} put in ext 20–23 when NAT was detected (RFC 7296 §2.23).
 *
 * @param type              {@link Sadb#UDP_ENCAP_ESPINUDP} (RFC 3948, the only one IKEv2 uses)
 * @param sourcePort        the SA source's UDP port (4500, or the port NAT gave the peer)
 * @param destinationPort   the SA destination's UDP port
 * @param originalInitiator NAT-OAi, if known
 * @param originalResponder NAT-OAr, if known
 */
public record NatT(
        int type,
        int sourcePort,
        int destinationPort,
        Optional<InetAddress> originalInitiator,
        Optional<InetAddress> originalResponder) {
    public NatT {
        if (type != Sadb.UDP_ENCAP_ESPINUDP && type != Sadb.UDP_ENCAP_ESPINUDP_NON_IKE) {
            throw new IllegalArgumentException("unknown NAT-T encapsulation type " + type);
        }
        if (sourcePort <= 0 || sourcePort > 0xffff || destinationPort <= 0 || destinationPort > 0xffff) {
            throw new IllegalArgumentException("NAT-T ports must be 1..65535");
        }
        java.util.Objects.requireNonNull(originalInitiator);
        java.util.Objects.requireNonNull(originalResponder);
    }

    /** RFC 3948 ESP-in-UDP between the given ports, no original addresses. */
    public static NatT espInUdp(int sourcePort, int destinationPort) {
        return new NatT(Sadb.UDP_ENCAP_ESPINUDP, sourcePort, destinationPort, Optional.empty(), Optional.empty());
    }
}
