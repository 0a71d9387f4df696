package org.jipsec.io.tun;

/** A frame read from a TUN device with offloads cannot be parsed or split (drop it and count). */
public final class TunPacketException extends Exception {
    public TunPacketException(String message) {
        super(message);
    }
}
