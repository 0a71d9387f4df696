package org.jipsec.core.ike.codec;

import java.util.Arrays;

/**
 * Authentication payload (RFC 7296 §3.8).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Auth Method   |                RESERVED                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                      Authentication Data                      ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param method 1 RSA signature, 2 shared key MIC, 3 DSS, 9/10/11 ECDSA (RFC 4754), 14 digital signature
 *               (RFC 7427)
 */
public record AuthPayload(int method, byte[] data) implements Payload {

    public static final int SHARED_KEY_MIC = 2;

    public AuthPayload {
        if (method < 0 || method > 255) throw new IllegalArgumentException("auth method " + method);
    }

    @Override
    public int type() {
        return PayloadType.AUTH;
    }

    static AuthPayload decode(WireReader r) throws InvalidSyntaxException {
        int method = r.u8("auth method");
        r.skip(3, "auth reserved");
        return new AuthPayload(method, r.rest());
    }

    void encode(WireWriter w) {
        w.u8(method).u8(0).u16(0).bytes(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthPayload p && p.method == method && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * method + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "AUTH[method " + method + ", " + data.length + " bytes]";
    }
}
