package org.jipsec.core.ike.codec;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Identification payloads IDi and IDr (RFC 7296 §3.5).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   ID Type     |                 RESERVED                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                   Identification Data                         ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * §2.15: the AUTH computation covers the payload body ("IDType | RESERVED | data"), see {@link #body()}.
 * ID_IPV4_ADDR must be 4 bytes and ID_IPV6_ADDR 16 (INVALID_SYNTAX otherwise); DN, GN and KEY_ID are raw.
 *
 * @param initiator true for IDi, false for IDr
 */
public record IdPayload(boolean initiator, int idType, byte[] data) implements Payload {

    public static final int ID_IPV4_ADDR = 1;
    public static final int ID_FQDN = 2;
    public static final int ID_RFC822_ADDR = 3;
    public static final int ID_IPV6_ADDR = 5;
    public static final int ID_DER_ASN1_DN = 9;
    public static final int ID_DER_ASN1_GN = 10;
    public static final int ID_KEY_ID = 11;

    public IdPayload {
        if (idType < 0 || idType > 255) throw new IllegalArgumentException("ID type " + idType);
        if (idType == ID_IPV4_ADDR && data.length != 4) throw new IllegalArgumentException("ID_IPV4_ADDR length");
        if (idType == ID_IPV6_ADDR && data.length != 16) throw new IllegalArgumentException("ID_IPV6_ADDR length");
    }

    public static IdPayload ofAddress(boolean initiator, InetAddress address) {
        byte[] a = address.getAddress();
        return new IdPayload(initiator, a.length == 4 ? ID_IPV4_ADDR : ID_IPV6_ADDR, a);
    }

    public static IdPayload ofFqdn(boolean initiator, String fqdn) {
        return new IdPayload(initiator, ID_FQDN, fqdn.getBytes(StandardCharsets.US_ASCII));
    }

    /** ID_DER_ASN1_DN from the DER encoding (e.g. a certificate's subject). */
    public static IdPayload ofDn(boolean initiator, byte[] der) {
        return new IdPayload(initiator, ID_DER_ASN1_DN, der.clone());
    }

    public static IdPayload ofEmail(boolean initiator, String email) {
        return new IdPayload(initiator, ID_RFC822_ADDR, email.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public int type() {
        return initiator ? PayloadType.IDI : PayloadType.IDR;
    }

    /** The payload body without the generic header: IDi'/IDr' of §2.15. */
    public byte[] body() {
        WireWriter w = new WireWriter();
        encode(w);
        return w.toByteArray();
    }

    static IdPayload decode(boolean initiator, WireReader r) throws InvalidSyntaxException {
        int type = r.u8("ID type");
        r.skip(3, "ID reserved");
        byte[] data = r.rest();
        if (type == ID_IPV4_ADDR && data.length != 4) {
            throw new InvalidSyntaxException("ID_IPV4_ADDR of " + data.length + " bytes");
        }
        if (type == ID_IPV6_ADDR && data.length != 16) {
            throw new InvalidSyntaxException("ID_IPV6_ADDR of " + data.length + " bytes");
        }
        return new IdPayload(initiator, type, data);
    }

    void encode(WireWriter w) {
        w.u8(idType).u8(0).u16(0).bytes(data);
    }

    /** strongSwan's way of printing an ID: the address, name or e-mail; hex for the binary types. */
    public String text() {
        return switch (idType) {
            case ID_IPV4_ADDR, ID_IPV6_ADDR -> {
                try {
                    yield InetAddress.getByAddress(data).getHostAddress();
                } catch (UnknownHostException e) {
                    throw new AssertionError(e); // lengths checked in the constructor
                }
            }
            case ID_FQDN, ID_RFC822_ADDR -> new String(data, StandardCharsets.US_ASCII);
            case ID_DER_ASN1_DN -> DistinguishedName.text(data);
            default -> "type" + idType + ":" + HexFormat.of().formatHex(data);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdPayload p
                && p.initiator == initiator
                && p.idType == idType
                && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * idType + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return (initiator ? "IDi[" : "IDr[") + text() + "]";
    }
}
