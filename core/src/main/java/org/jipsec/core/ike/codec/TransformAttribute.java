package org.jipsec.core.ike.codec;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Data attribute of a transform (RFC 7296 §3.3.5). TV format (AF=1) carries a 2-byte value in place of the
 * length; TLV format (AF=0) a length and that many bytes.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |A|       Attribute Type        |    AF=0  Attribute Length     |
 * |F|                             |    AF=1  Attribute Value      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   AF=0  Attribute Value                       |
 * |                   AF=1  Not Transmitted                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param type    attribute type (15 bits); {@link #KEY_LENGTH} is the only one RFC 7296 defines
 * @param tv      true for TV format (AF=1)
 * @param tvValue the value in TV format, 0 otherwise
 * @param value   the value in TLV format, empty for TV
 */
public record TransformAttribute(int type, boolean tv, int tvValue, byte[] value) {

    /** Key Length in bits, TV format (§3.3.5). */
    public static final int KEY_LENGTH = 14;

    public TransformAttribute {
        if (type < 0 || type > 0x7fff) throw new IllegalArgumentException("attribute type " + type);
        if (tvValue < 0 || tvValue > 0xffff) throw new IllegalArgumentException("attribute value " + tvValue);
        if (tv && value.length != 0) throw new IllegalArgumentException("a TV attribute has no variable value");
        if (value.length > 0xffff) throw new IllegalArgumentException("attribute of " + value.length + " bytes");
    }

    public static TransformAttribute keyLength(int bits) {
        return new TransformAttribute(KEY_LENGTH, true, bits, new byte[0]);
    }

    static TransformAttribute decode(WireReader r) throws InvalidSyntaxException {
        int head = r.u16("attribute type");
        int second = r.u16("attribute length/value");
        if ((head & 0x8000) != 0) return new TransformAttribute(head & 0x7fff, true, second, new byte[0]);
        return new TransformAttribute(head, false, 0, r.bytes(second, "attribute value"));
    }

    void encode(WireWriter w) {
        if (tv) {
            w.u16(0x8000 | type).u16(tvValue);
        } else {
            w.u16(type).u16(value.length).bytes(value);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransformAttribute a
                && a.type == type
                && a.tv == tv
                && a.tvValue == tvValue
                && Arrays.equals(a.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * type + tvValue) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return tv
                ? "attr" + type + "=" + tvValue
                : "attr" + type + "=" + HexFormat.of().formatHex(value);
    }
}
