package org.jipsec.core.ike.codec;

/**
 * INVALID_SYNTAX (RFC 7296 §3.10.1, type 7): a length runs past its container, a field has a value the RFC
 * forbids, the payload chain does not end where the message ends.
 */
public final class InvalidSyntaxException extends IkeDecodeException {

    public InvalidSyntaxException(String message) {
        super(message);
    }

    @Override
    public int notifyType() {
        return NotifyType.INVALID_SYNTAX;
    }

    @Override
    public byte[] notifyData() {
        return new byte[0];
    }
}
