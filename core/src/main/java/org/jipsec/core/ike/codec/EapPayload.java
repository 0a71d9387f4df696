package org.jipsec.core.ike.codec;

import java.util.Arrays;

/**
 * EAP payload (RFC 7296 §3.16), kept raw: the EAP message (RFC 3748 Code, Identifier, Length, Type, data).
 * jipsec does not authenticate with EAP; the engine answers it as an unsupported method.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                       EAP Message                             ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record EapPayload(byte[] message) implements Payload {

    @Override
    public int type() {
        return PayloadType.EAP;
    }

    static EapPayload decode(WireReader r) {
        return new EapPayload(r.rest());
    }

    void encode(WireWriter w) {
        w.bytes(message);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EapPayload p && Arrays.equals(p.message, message);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(message);
    }

    @Override
    public String toString() {
        return "EAP[" + message.length + " bytes]";
    }
}
