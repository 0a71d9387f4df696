package org.jipsec.core.ike.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Configuration payload CP (RFC 7296 §3.15) with its attributes (§3.15.1).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C| RESERVED    |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   CFG Type    |                    RESERVED                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                   Configuration Attributes                    ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  attribute (§3.15.1):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |R|         Attribute Type      |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                             Value                             ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param cfgType 1 CFG_REQUEST, 2 CFG_REPLY, 3 CFG_SET, 4 CFG_ACK
 */
public record CpPayload(int cfgType, List<Attribute> attributes) implements Payload {

    public CpPayload {
        if (cfgType < 0 || cfgType > 255) throw new IllegalArgumentException("CFG type " + cfgType);
        attributes = List.copyOf(attributes);
    }

    /** One configuration attribute; the R bit is sent as zero and ignored on receipt (§3.15.1). */
    public record Attribute(int type, byte[] value) {
        public Attribute {
            if (type < 0 || type > 0x7fff) throw new IllegalArgumentException("attribute type " + type);
            if (value.length > 0xffff) throw new IllegalArgumentException("attribute length " + value.length);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Attribute a && a.type == type && Arrays.equals(a.value, value);
        }

        @Override
        public int hashCode() {
            return 31 * type + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "attr" + type + "[" + value.length + " bytes]";
        }
    }

    @Override
    public int type() {
        return PayloadType.CP;
    }

    static CpPayload decode(WireReader r) throws InvalidSyntaxException {
        int cfgType = r.u8("CP type");
        r.skip(3, "CP reserved");
        List<Attribute> attributes = new ArrayList<>();
        while (r.remaining() > 0) {
            int type = r.u16("CP attribute type") & 0x7fff;
            int length = r.u16("CP attribute length");
            attributes.add(new Attribute(type, r.bytes(length, "CP attribute value")));
        }
        return new CpPayload(cfgType, attributes);
    }

    void encode(WireWriter w) {
        w.u8(cfgType).u8(0).u16(0);
        for (Attribute a : attributes) w.u16(a.type).u16(a.value.length).bytes(a.value);
    }
}
