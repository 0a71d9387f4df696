package org.jipsec.core.ike.codec;

/**
 * INVALID_MAJOR_VERSION (RFC 7296 §3.10.1, type 5): the header's major version is not 2. §2.5: a higher major
 * version is answered with this notification (data: none; the response carries the highest version we
 * support, §1.5); a lower one (IKEv1, major 1) is dropped. The received version is here for that decision.
 */
public final class InvalidMajorVersionException extends IkeDecodeException {

    private final int majorVersion;

    public InvalidMajorVersionException(int majorVersion) {
        super("IKE major version " + majorVersion + " (only 2 is supported)");
        this.majorVersion = majorVersion;
    }

    public int majorVersion() {
        return majorVersion;
    }

    @Override
    public int notifyType() {
        return NotifyType.INVALID_MAJOR_VERSION;
    }

    @Override
    public byte[] notifyData() {
        return new byte[0];
    }
}
