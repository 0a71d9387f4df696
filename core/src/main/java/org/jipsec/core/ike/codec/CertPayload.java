package org.jipsec.core.ike.codec;

import java.util.Arrays;

/**
 * Certificate (RFC 7296 §3.6) and Certificate Request (§3.7) payloads. The data is kept raw; {@link #x509} and
 * {@link #certReq} build the forms jipsec sends, {@link #caHashes} reads a CERTREQ of encoding 4.
 *
 * <p>§3.6: for encoding 4 (X.509 Certificate - Signature) the data is the DER certificate. §3.7: for encoding 4
 * the Certification Authority field is "a concatenated list of SHA-1 hashes of the public keys of trusted
 * Certification Authorities (CAs). Each is encoded as the SHA-1 hash of the Subject Public Key Info element".
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
    /** §3.7: each CA is named by a 20-octet SHA-1 hash. */
    public static final int CA_HASH_BYTES = 20;

    /** CERT with a DER X.509 certificate (encoding 4). */
    public static CertPayload x509(byte[] der) {
        return new CertPayload(false, X509_SIGNATURE, der.clone());
    }

    /** CERTREQ of encoding 4 naming the CAs by their 20-octet SPKI SHA-1 hashes, concatenated (§3.7). */
    public static CertPayload certReq(java.util.List<byte[]> caHashes) {
        byte[] data = new byte[caHashes.size() * CA_HASH_BYTES];
        for (int i = 0; i < caHashes.size(); i++) {
            byte[] h = caHashes.get(i);
            if (h.length != CA_HASH_BYTES) throw new IllegalArgumentException("CA hash of " + h.length + " octets");
            System.arraycopy(h, 0, data, i * CA_HASH_BYTES, CA_HASH_BYTES);
        }
        return new CertPayload(true, X509_SIGNATURE, data);
    }

    /**
     * The CA hashes of a CERTREQ of encoding 4; empty for another encoding. A length that is not a multiple of 20
     * is malformed: the whole hashes are returned and the rest ignored (strongSwan reads it the same way).
     */
    public java.util.List<byte[]> caHashes() {
        if (!request || encoding != X509_SIGNATURE) return java.util.List.of();
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        for (int i = 0; i + CA_HASH_BYTES <= data.length; i += CA_HASH_BYTES) {
            out.add(Arrays.copyOfRange(data, i, i + CA_HASH_BYTES));
        }
        return out;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

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
