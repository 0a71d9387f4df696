package org.jipsec.core.xform;

import java.net.InetAddress;

/**
 * UDP encapsulation of an ESP SA (RFC 3948; PF_KEY {@code SADB_X_EXT_NAT_T_*}).
 *
 * @param type        {@code UDP_ENCAP_ESPINUDP} (2, with the non-ESP marker rule of RFC 3948 §2.2) or
 *                    {@code UDP_ENCAP_ESPINUDP_NON_IKE} (1, legacy, sent the same way by jipsec)
 * @param sourcePort  UDP source port (4500 by default)
 * @param destPort    UDP destination port
 * @param originalSrc NAT-OA: the peer's original source address (NAT_T_OAI), or null
 * @param originalDst NAT-OA: the original destination address (NAT_T_OAR), or null
 */
public record NatTraversal(int type, int sourcePort, int destPort, InetAddress originalSrc, InetAddress originalDst) {

    public static final int UDP_ENCAP_ESPINUDP_NON_IKE = 1;
    public static final int UDP_ENCAP_ESPINUDP = 2;
    public static final int DEFAULT_PORT = 4500;

    public NatTraversal {
        if (type != UDP_ENCAP_ESPINUDP && type != UDP_ENCAP_ESPINUDP_NON_IKE)
            throw new IllegalArgumentException("NAT-T type " + type);
        if (sourcePort < 1 || sourcePort > 0xffff || destPort < 1 || destPort > 0xffff)
            throw new IllegalArgumentException("NAT-T port out of range");
    }

    public static NatTraversal of(int sport, int dport) {
        return new NatTraversal(UDP_ENCAP_ESPINUDP, sport, dport, null, null);
    }
}
