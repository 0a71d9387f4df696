package org.jipsec.core.ike.codec;

import java.util.Arrays;

/**
 * Nonce payload (RFC 7296 §3.9). "The size of the Nonce Data MUST be between 16 and 256 octets, inclusive";
 * a nonce outside that range is INVALID_SYNTAX.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                            Nonce Data                         ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record NoncePayload(byte[] data) implements Payload {

    public static final int MIN_BYTES = 16;
    public static final int MAX_BYTES = 256;

    public NoncePayload {
        if (data.length < MIN_BYTES || data.length > MAX_BYTES) {
            throw new IllegalArgumentException("nonce of " + data.length + " bytes");
        }
    }

    @Override
    public int type() {
        return PayloadType.NONCE;
    }

    static NoncePayload decode(WireReader r) throws InvalidSyntaxException {
        if (r.remaining() < MIN_BYTES || r.remaining() > MAX_BYTES) {
            throw new InvalidSyntaxException("nonce of " + r.remaining() + " bytes (16..256, RFC 7296 §3.9)");
        }
        return new NoncePayload(r.rest());
    }

    void encode(WireWriter w) {
        w.bytes(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoncePayload p && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "No[" + data.length + " bytes]";
    }
}
