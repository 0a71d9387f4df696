package org.jipsec.core.net;

/**
 * A packet (or a part of one) does not parse: a length runs past the end of the buffer, a version or header
 * length is impossible, an extension-header chain is broken. Thrown by every decoder in this package instead
 * of any unchecked exception. Carries no stack trace: bad packets are counted drops, not bugs.
 */
public final class MalformedPacketException extends Exception {
    public MalformedPacketException(String message) {
        super(message, null, false, false);
    }
}
