package org.jipsec.core.spd;

import java.net.InetAddress;
import java.util.Objects;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;

/**
 * One step of a received packet's decapsulation history: the transform that was removed (protocol,
 * the SA's mode and endpoints, SPI) and the outer addresses of the header it was found under. The
 * input path records these outermost first.
 */
public record AppliedTransform(IpsecProtocol protocol, IpsecMode mode, InetAddress saSource, InetAddress saDestination,
                               int spi, InetAddress outerSource, InetAddress outerDestination) {

    public AppliedTransform {
        Objects.requireNonNull(protocol);
        Objects.requireNonNull(mode);
        Objects.requireNonNull(saSource);
        Objects.requireNonNull(saDestination);
        Objects.requireNonNull(outerSource);
        Objects.requireNonNull(outerDestination);
    }
}
