package org.jipsec.core.ike.codec;

import java.util.Arrays;

/**
 * Key Exchange payload (RFC 7296 §3.4).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Diffie-Hellman Group Num    |           RESERVED            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                       Key Exchange Data                       ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The data's length for the group is checked by the key exchange, not here (§3.4: a wrong length is
 * INVALID_SYNTAX, but only the group knows its length).
 */
public record KePayload(int dhGroup, byte[] data) implements Payload {

    public KePayload {
        if (dhGroup < 0 || dhGroup > 0xffff) throw new IllegalArgumentException("DH group " + dhGroup);
    }

    @Override
    public int type() {
        return PayloadType.KE;
    }

    static KePayload decode(WireReader r) throws InvalidSyntaxException {
        int group = r.u16("KE group");
        r.skip(2, "KE reserved");
        return new KePayload(group, r.rest());
    }

    void encode(WireWriter w) {
        w.u16(dhGroup).u16(0).bytes(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KePayload p && p.dhGroup == dhGroup && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * dhGroup + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "KE[group " + dhGroup + ", " + data.length + " bytes]";
    }
}
