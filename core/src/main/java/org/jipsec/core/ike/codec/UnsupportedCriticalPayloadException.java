package org.jipsec.core.ike.codec;

/**
 * UNSUPPORTED_CRITICAL_PAYLOAD (RFC 7296 §3.10.1, type 1): a payload of a type this implementation does not
 * know arrived with the critical bit set. §2.5: "If the critical bit is set and the payload type is
 * unrecognized, the message MUST be rejected and the response to the IKE request containing that payload MUST
 * include a Notify payload UNSUPPORTED_CRITICAL_PAYLOAD, indicating an unsupported critical payload was
 * included. In that Notify payload, the notification data contains the one-octet payload type."
 */
public final class UnsupportedCriticalPayloadException extends IkeDecodeException {

    private final int payloadType;

    public UnsupportedCriticalPayloadException(int payloadType) {
        super("unsupported critical payload type " + payloadType);
        this.payloadType = payloadType;
    }

    /** The unrecognized payload type (0..255). */
    public int payloadType() {
        return payloadType;
    }

    @Override
    public int notifyType() {
        return NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD;
    }

    @Override
    public byte[] notifyData() {
        return new byte[] {(byte) payloadType};
    }
}
