package org.jipsec.core.spd;

import java.net.InetAddress;
import java.util.Objects;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;

/**
 * One step of a received packet's decapsulation history: the transform that was removed (protocol,
 * the SA's mode and endpoints, SPI) and the outer addresses of the header it was found under. The
 * input path records these outermost first. {@code saModeAny}: the SA's mode is "any", so {@code mode} was inferred
 * from the packet (tunnel when an IP header follows the transform) and does not bind the SA to that mode.
 */
public record AppliedTransform(
        IpsecProtocol protocol,
        IpsecMode mode,
        InetAddress saSource,
        InetAddress saDestination,
        int spi,
        InetAddress outerSource,
        InetAddress outerDestination,
        boolean saModeAny) {

    /** A transform of an SA with a mode of its own ({@code saModeAny} false). */
    public AppliedTransform(
            IpsecProtocol protocol,
            IpsecMode mode,
            InetAddress saSource,
            InetAddress saDestination,
            int spi,
            InetAddress outerSource,
            InetAddress outerDestination) {
        this(protocol, mode, saSource, saDestination, spi, outerSource, outerDestination, false);
    }

    public AppliedTransform {
        Objects.requireNonNull(protocol);
        Objects.requireNonNull(mode);
        Objects.requireNonNull(saSource);
        Objects.requireNonNull(saDestination);
        Objects.requireNonNull(outerSource);
        Objects.requireNonNull(outerDestination);
    }
}
