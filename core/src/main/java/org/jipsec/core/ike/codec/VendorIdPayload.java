package org.jipsec.core.ike.codec;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Vendor ID payload (RFC 7296 §3.12).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                        Vendor ID (VID)                        ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record VendorIdPayload(byte[] data) implements Payload {

    @Override
    public int type() {
        return PayloadType.VENDOR_ID;
    }

    static VendorIdPayload decode(WireReader r) {
        return new VendorIdPayload(r.rest());
    }

    void encode(WireWriter w) {
        w.bytes(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VendorIdPayload p && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "V[" + HexFormat.of().formatHex(data) + "]";
    }
}
