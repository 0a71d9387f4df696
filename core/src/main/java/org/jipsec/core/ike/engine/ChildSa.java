package org.jipsec.core.ike.engine;

/**
 * A CHILD_SA this IKE SA has installed: its name and the SPI pair (RFC 7296 §1.4.1: ESP SAs come in pairs, one per
 * direction; a DELETE payload names the sender's inbound SPI). No key material here.
 */
record ChildSa(String name, int spiIn, int spiOut) {
    @Override
    public String toString() {
        return name + "{in " + Integer.toHexString(spiIn) + " out " + Integer.toHexString(spiOut) + "}";
    }
}
