package org.jipsec.core.pfkey;

import java.util.Objects;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.PolicyDirection;

/**
 * The selector of an SPD entry as X_SPD* messages give it ({@code struct secpolicyindex}, spec §1.10 X_SPDADD):
 * direction, source/destination address with port (0 = any) and prefix length, upper-layer protocol (255 = any).
 * Record equality is key.c's {@code key_spidx_match_exactly} (spec §4.1).
 */
public record PolicySelector(
        PolicyDirection direction,
        Endpoint source,
        int sourcePrefixBits,
        Endpoint destination,
        int destinationPrefixBits,
        int upperProtocol) {
    public PolicySelector {
        Objects.requireNonNull(direction);
        Objects.requireNonNull(source);
        Objects.requireNonNull(destination);
        if (sourcePrefixBits < 0
                || sourcePrefixBits > source.addressBits()
                || destinationPrefixBits < 0
                || destinationPrefixBits > destination.addressBits()) {
            throw new IllegalArgumentException("prefix length out of range");
        }
        if (upperProtocol < 0 || upperProtocol > 255) throw new IllegalArgumentException("upper protocol");
    }
}
