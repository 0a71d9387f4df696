package org.jipsec.core.ike.control;

/** A control-socket frame that breaks {@link IkeControlCodec}'s format; the message says which rule. */
public final class ControlFrameException extends Exception {
    public ControlFrameException(String message) {
        super(message, null, false, false);
    }
}
