package org.jipsec.core.ike.engine;

import java.util.List;
import org.jipsec.core.ike.codec.TrafficSelector;

/**
 * A CHILD_SA this IKE SA has installed: its name, the SPI pair (RFC 7296 §1.4.1: ESP SAs come in pairs, one per
 * direction; DELETE and REKEY_SA name the sender's inbound SPI) and its selectors (reused when it is rekeyed,
 * §2.8). No key material here.
 */
record ChildSa(String name, int spiIn, int spiOut, List<TrafficSelector> localTs, List<TrafficSelector> remoteTs) {

    ChildSa {
        localTs = List.copyOf(localTs);
        remoteTs = List.copyOf(remoteTs);
    }

    ChildSa(String name, int spiIn, int spiOut) {
        this(name, spiIn, spiOut, List.of(), List.of());
    }

    @Override
    public String toString() {
        return name + "{in " + Integer.toHexString(spiIn) + " out " + Integer.toHexString(spiOut) + "}";
    }
}
