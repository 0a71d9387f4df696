package org.jipsec.core.engine.socket;

import org.jipsec.core.engine.WirePacket;

/**
 * Where a {@link JipsecHost} puts packets for the network. The gateway implements it with TUN and raw/UDP sockets
 * (issue #7); tests use {@link MemoryLink}. Called on the sender's thread; must not call back into the same host.
 */
@FunctionalInterface
public interface Link {
    void transmit(WirePacket packet);
}
