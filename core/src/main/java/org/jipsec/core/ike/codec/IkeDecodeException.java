package org.jipsec.core.ike.codec;

/**
 * An IKE message from the network does not decode. The only exception the decoders in this package throw, in
 * one of three kinds named after the RFC 7296 §3.10.1 error notifications a responder would answer with:
 * {@link InvalidSyntaxException} (INVALID_SYNTAX, 7), {@link UnsupportedCriticalPayloadException}
 * (UNSUPPORTED_CRITICAL_PAYLOAD, 1, §2.5) and {@link InvalidMajorVersionException} (INVALID_MAJOR_VERSION, 5).
 * Whether to answer at all is the engine's decision (§2.21: errors in unauthenticated messages are mostly
 * dropped). Carries no stack trace: malformed messages are counted drops, not bugs. The message names the
 * field, never any secret.
 */
public abstract sealed class IkeDecodeException extends Exception
        permits InvalidSyntaxException, UnsupportedCriticalPayloadException, InvalidMajorVersionException {

    IkeDecodeException(String message) {
        super(message, null, false, false);
    }

    /** The RFC 7296 §3.10.1 notify type that reports this error to the peer. */
    public abstract int notifyType();

    /** The notification data that goes with {@link #notifyType()} (§3.10.1), empty if none. */
    public abstract byte[] notifyData();
}
