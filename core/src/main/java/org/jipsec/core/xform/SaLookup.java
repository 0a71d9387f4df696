package org.jipsec.core.xform;

import org.jipsec.core.ipsec.IpsecProtocol;

/** Finds the inbound SA of a received packet: by protocol, SPI (or CPI) and destination address (spec §4.6). */
@FunctionalInterface
public interface SaLookup {
    /**
     * Finds the inbound SA of a packet.
     *
     * @param dst    buffer holding the packet's destination address
     * @param dstOff offset of the address
     * @param dstLen 4 or 16
     * @return the SA, or null (the packet is dropped as {@link DropReason#NO_SA})
     */
    SaContext inbound(IpsecProtocol protocol, long spi, byte[] dst, int dstOff, int dstLen);
}
