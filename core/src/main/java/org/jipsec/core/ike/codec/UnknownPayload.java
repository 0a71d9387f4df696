package org.jipsec.core.ike.codec;

import java.util.Arrays;

/**
 * A payload of a type this implementation does not know, with the critical bit clear. §2.5: "If the critical
 * bit is not set and the payload type is unsupported, that payload MUST be ignored" — it is kept (the engine
 * ignores it) so that a decoded message still accounts for every byte. With the critical bit set the
 * decoder throws {@link UnsupportedCriticalPayloadException} instead.
 */
public record UnknownPayload(int type, byte[] body) implements Payload {

    public UnknownPayload {
        if (type < 0 || type > 255) throw new IllegalArgumentException("payload type " + type);
    }

    void encode(WireWriter w) {
        w.bytes(body);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnknownPayload p && p.type == type && Arrays.equals(p.body, body);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return PayloadType.name(type) + "[" + body.length + " bytes]";
    }
}
