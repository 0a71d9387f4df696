package org.jipsec.core.ike.codec;

import java.util.Arrays;

/**
 * Certificate (RFC 7296 §3.6) and Certificate Request (§3.7) payloads, kept raw: the certificate issue (#15)
 * interprets them.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Cert Encoding |                                               |
 * +-+-+-+-+-+-+-+-+                                               |
 * ~       Certificate Data / Certification Authority              ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param request  true for CERTREQ, false for CERT
 * @param encoding Cert Encoding (§3.6: 4 = X.509 Certificate - Signature, 12 = Hash and URL of X.509 ...)
 */
public record CertPayload(boolean request, int encoding, byte[] data) implements Payload {

    public static final int X509_SIGNATURE = 4;

    public CertPayload {
        if (encoding < 0 || encoding > 255) throw new IllegalArgumentException("cert encoding " + encoding);
    }

    @Override
    public int type() {
        return request ? PayloadType.CERTREQ : PayloadType.CERT;
    }

    static CertPayload decode(boolean request, WireReader r) throws InvalidSyntaxException {
        int encoding = r.u8("cert encoding");
        return new CertPayload(request, encoding, r.rest());
    }

    void encode(WireWriter w) {
        w.u8(encoding).bytes(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CertPayload p
                && p.request == request
                && p.encoding == encoding
                && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * encoding + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return (request ? "CERTREQ[" : "CERT[") + "encoding " + encoding + ", " + data.length + " bytes]";
    }
}
