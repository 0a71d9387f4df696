package org.jipsec.core.ike.engine;

/**
 * Where an {@link IkeSaEngine} gets the SPI of each inbound ESP SA it negotiates (RFC 7296 §3.3.1: the SPI in a
 * proposal is the sender's inbound SPI). The daemon allocates it in the kernel with PF_KEY SADB_GETSPI (a larval SA,
 * as racoon's {@code pk_sendgetspi}), so the SPI is unique in the SAD before the peer sees it; without a daemon
 * (tests, simulations) the engine draws it from its random source.
 */
@FunctionalInterface
public interface InboundSpis {

    /**
     * A fresh inbound SPI (≥ 256, RFC 4303 §2.1).
     *
     * @param udpEncap whether NAT was detected (RFC 7296 §2.23), so the SA will be UDP-encapsulated: the kernel
     *                 keys the larval SA by its NAT-T ports (NetBSD key_setsaidx)
     */
    int allocate(boolean udpEncap);
}
