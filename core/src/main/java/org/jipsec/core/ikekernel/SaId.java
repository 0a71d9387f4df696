package org.jipsec.core.ikekernel;

import java.util.Objects;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.SaType;

/** An SA's identity in the SAD (RFC 2367 §2.3.2, RFC 4301 §4.1): protocol, SPI and destination, with the source. */
public record SaId(SaType saType, int spi, Endpoint source, Endpoint destination) {
    public SaId {
        Objects.requireNonNull(saType);
        Objects.requireNonNull(source);
        Objects.requireNonNull(destination);
    }

    @Override
    public String toString() {
        return saType.dumpName() + " SA 0x" + Integer.toHexString(spi) + " " + source + "->" + destination;
    }
}
