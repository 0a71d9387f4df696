package org.jipsec.core.xform;

import org.jipsec.core.ipsec.IpsecProtocol;

/**
 * What the inbound path did with one packet, for verdict lines and tests: the outermost IPsec header's
 * protocol, SPI and (inferred) sequence number, and how many IPsec headers were removed. Reused per packet.
 */
public final class InboundTrace {
    IpsecProtocol protocol;
    long spi = -1;
    long seq = -1;
    int headers;
    boolean tunnel;
    /** Bit i set: an IP-in-IP header was removed right after IPsec header i (outermost = 0); engine history. */
    long tunnelLayers;

    final long[] seqBox = new long[1];

    void reset() {
        protocol = null;
        spi = -1;
        seq = -1;
        headers = 0;
        tunnel = false;
        tunnelLayers = 0;
    }

    /** Protocol of the outermost IPsec header, or null if the packet carried none. */
    public IpsecProtocol protocol() {
        return protocol;
    }

    /** SPI/CPI of the outermost IPsec header, -1 if none. */
    public long spi() {
        return spi;
    }

    /** Sequence number of the outermost ESP/AH header (64-bit with ESN), -1 if none. */
    public long seq() {
        return seq;
    }

    /** IPsec headers removed. */
    public int headers() {
        return headers;
    }

    /** Whether an IP-in-IP tunnel header was removed. */
    public boolean tunnel() {
        return tunnel;
    }

    /**
     * Whether the IPsec header {@code layer} (0 = outermost) was followed by an IP-in-IP header that was removed,
     * i.e. its SA worked in tunnel mode for this packet (the engine's decapsulation history needs the mode per
     * layer for SAs of mode "any").
     */
    public boolean tunnelAfter(int layer) {
        return layer >= 0 && layer < 64 && (tunnelLayers & (1L << layer)) != 0;
    }
}
