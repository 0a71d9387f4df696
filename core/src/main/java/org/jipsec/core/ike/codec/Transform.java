package org.jipsec.core.ike.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Transform substructure (RFC 7296 §3.3.2) with its attributes (§3.3.5).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Last Substruc |   RESERVED    |        Transform Length       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Transform Type |   RESERVED    |          Transform ID         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                      Transform Attributes                     ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param type transform type (1 ENCR, 2 PRF, 3 INTEG, 4 DH, 5 ESN; §3.3.2)
 * @param id   transform ID within the type (IANA)
 */
public record Transform(int type, int id, List<TransformAttribute> attributes) {

    public Transform {
        if (type < 0 || type > 255) throw new IllegalArgumentException("transform type " + type);
        if (id < 0 || id > 0xffff) throw new IllegalArgumentException("transform ID " + id);
        attributes = List.copyOf(attributes);
    }

    public Transform(int type, int id) {
        this(type, id, List.of());
    }

    /** A transform with the Key Length attribute (§3.3.5, attribute type 14, TV format). */
    public static Transform withKeyLength(int type, int id, int keyBits) {
        return new Transform(type, id, List.of(TransformAttribute.keyLength(keyBits)));
    }

    /** The Key Length attribute's value in bits, if present (§3.3.5). */
    public OptionalInt keyLength() {
        for (TransformAttribute a : attributes) {
            if (a.type() == TransformAttribute.KEY_LENGTH && a.tv()) return OptionalInt.of(a.tvValue());
        }
        return OptionalInt.empty();
    }

    static Transform decode(WireReader r) throws InvalidSyntaxException {
        int type = r.u8("transform type");
        r.skip(1, "transform reserved");
        int id = r.u16("transform ID");
        List<TransformAttribute> attributes = new ArrayList<>();
        while (r.remaining() > 0) attributes.add(TransformAttribute.decode(r));
        return new Transform(type, id, attributes);
    }

    void encode(WireWriter w, boolean lastTransform) {
        int start = w.length();
        w.u8(lastTransform ? 0 : 3).u8(0).u16(0);
        w.u8(type).u8(0).u16(id);
        for (TransformAttribute a : attributes) a.encode(w);
        w.put16At(start + 2, w.length() - start);
    }
}
