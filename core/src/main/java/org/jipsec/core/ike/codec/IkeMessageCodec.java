package org.jipsec.core.ike.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * Decoder and encoder of IKE messages (RFC 7296 §3): the header, then the chain of generic payload headers,
 * each naming the next payload's type.
 *
 * <p>Decoding takes untrusted bytes and throws only {@link IkeDecodeException}. Every length is checked
 * against its container before anything is read; the only allocations are copies of byte ranges of the
 * input and one small object per payload (each payload is at least 4 bytes), so decoding never allocates
 * more than a small multiple of the datagram's size, whatever the length fields say. Rules enforced (each
 * violation is INVALID_SYNTAX unless noted):
 * <ul>
 *   <li>§3.1: at least 28 bytes; major version 2 (else INVALID_MAJOR_VERSION); the Length field equals the
 *       datagram's length (the caller strips the non-ESP marker on port 4500, RFC 3948 §2.2).</li>
 *   <li>§3.2: every payload length is at least 4 and stays inside the message; the chain ends with Next
 *       Payload 0 exactly at the end of the message.</li>
 *   <li>§2.5: a payload of unknown type with the critical bit set fails with
 *       UNSUPPORTED_CRITICAL_PAYLOAD; without it the payload is kept as {@link UnknownPayload}.</li>
 *   <li>§3.14, RFC 7383 §2.5: SK and SKF are the last payload (their Next Payload field is the first inner
 *       payload's type) and never occur inside an SK payload.</li>
 * </ul>
 */
public final class IkeMessageCodec {

    private IkeMessageCodec() {}

    /** Decodes one IKE message occupying exactly {@code buf[off, off+len)}. */
    public static IkeMessage decode(byte[] buf, int off, int len) throws IkeDecodeException {
        if (off < 0 || len < 0 || off > buf.length - len) throw new IllegalArgumentException("range");
        if (len < IkeHeader.LENGTH) {
            throw new InvalidSyntaxException("message of " + len + " bytes is shorter than the IKE header");
        }
        WireReader r = new WireReader(buf, off, off + len);
        IkeHeader.IkeHeaderFields h = IkeHeader.decode(r);
        if (h.length() != len) {
            throw new InvalidSyntaxException("IKE header length " + h.length() + " but the datagram has " + len);
        }
        return new IkeMessage(h.header(), decodeChain(h.nextPayload(), r, false));
    }

    public static IkeMessage decode(byte[] datagram) throws IkeDecodeException {
        return decode(datagram, 0, datagram.length);
    }

    /**
     * Decodes the payload chain found inside a decrypted SK payload (§3.14), whose first payload type is the SK
     * payload's Next Payload field.
     */
    public static List<Payload> decodeInner(int firstPayload, byte[] buf, int off, int len) throws IkeDecodeException {
        if (off < 0 || len < 0 || off > buf.length - len) throw new IllegalArgumentException("range");
        return decodeChain(firstPayload, new WireReader(buf, off, off + len), true);
    }

    private static List<Payload> decodeChain(int next, WireReader r, boolean inner) throws IkeDecodeException {
        List<Payload> payloads = new ArrayList<>();
        while (next != PayloadType.NONE) {
            int type = next;
            next = r.u8(PayloadType.name(type) + " next payload");
            boolean critical = (r.u8(PayloadType.name(type) + " critical") & 0x80) != 0;
            int length = r.u16(PayloadType.name(type) + " length");
            if (length < 4) throw new InvalidSyntaxException(PayloadType.name(type) + " length " + length + " < 4");
            WireReader body = r.slice(length - 4, PayloadType.name(type) + " body");
            switch (type) {
                case PayloadType.SK, PayloadType.SKF -> {
                    if (inner) throw new InvalidSyntaxException(PayloadType.name(type) + " inside an SK payload");
                    if (r.remaining() != 0) {
                        throw new InvalidSyntaxException(PayloadType.name(type) + " is not the last payload");
                    }
                    payloads.add(
                            type == PayloadType.SK
                                    ? new EncryptedPayload(next, body.rest())
                                    : EncryptedFragmentPayload.decode(next, body));
                    return payloads;
                }
                default -> payloads.add(decodeBody(type, critical, body));
            }
        }
        if (r.remaining() != 0) {
            throw new InvalidSyntaxException(r.remaining() + " bytes after the last payload");
        }
        return payloads;
    }

    private static Payload decodeBody(int type, boolean critical, WireReader r) throws IkeDecodeException {
        return switch (type) {
            case PayloadType.SA -> SaPayload.decode(r);
            case PayloadType.KE -> KePayload.decode(r);
            case PayloadType.IDI -> IdPayload.decode(true, r);
            case PayloadType.IDR -> IdPayload.decode(false, r);
            case PayloadType.CERT -> CertPayload.decode(false, r);
            case PayloadType.CERTREQ -> CertPayload.decode(true, r);
            case PayloadType.AUTH -> AuthPayload.decode(r);
            case PayloadType.NONCE -> NoncePayload.decode(r);
            case PayloadType.NOTIFY -> NotifyPayload.decode(r);
            case PayloadType.DELETE -> DeletePayload.decode(r);
            case PayloadType.VENDOR_ID -> VendorIdPayload.decode(r);
            case PayloadType.TSI -> TsPayload.decode(true, r);
            case PayloadType.TSR -> TsPayload.decode(false, r);
            case PayloadType.CP -> CpPayload.decode(r);
            case PayloadType.EAP -> EapPayload.decode(r);
            default -> {
                // §2.5: unknown + critical → reject the message; unknown + not critical → ignore (kept here).
                if (critical) throw new UnsupportedCriticalPayloadException(type);
                yield new UnknownPayload(type, r.rest());
            }
        };
    }

    /** Encodes a message: header with computed Next Payload and Length, then the chain. */
    public static byte[] encode(IkeMessage m) {
        WireWriter w = new WireWriter();
        m.header()
                .encode(
                        w,
                        m.payloads().isEmpty()
                                ? PayloadType.NONE
                                : m.payloads().getFirst().type(),
                        0);
        encodeChain(w, m.payloads());
        w.put32At(24, w.length());
        return w.toByteArray();
    }

    /** The payload chain alone, as it goes inside an SK payload (§3.14). */
    public static byte[] encodeInner(List<Payload> payloads) {
        for (Payload p : payloads) {
            if (p instanceof EncryptedPayload || p instanceof EncryptedFragmentPayload) {
                throw new IllegalArgumentException("SK/SKF inside an SK payload");
            }
        }
        WireWriter w = new WireWriter();
        encodeChain(w, payloads);
        return w.toByteArray();
    }

    /** The type of the first payload of a chain, or NONE for an empty one. */
    public static int firstType(List<Payload> payloads) {
        return payloads.isEmpty() ? PayloadType.NONE : payloads.getFirst().type();
    }

    private static void encodeChain(WireWriter w, List<Payload> payloads) {
        for (int i = 0; i < payloads.size(); i++) {
            Payload p = payloads.get(i);
            boolean last = i == payloads.size() - 1;
            int next = last ? PayloadType.NONE : payloads.get(i + 1).type();
            if (p instanceof EncryptedPayload sk) {
                if (!last) throw new IllegalArgumentException("SK must be the last payload (RFC 7296 §3.14)");
                next = sk.firstInnerPayload();
            } else if (p instanceof EncryptedFragmentPayload skf) {
                if (!last) throw new IllegalArgumentException("SKF must be the last payload (RFC 7383 §2.5)");
                next = skf.firstInnerPayload();
            }
            int start = w.length();
            w.u8(next).u8(0).u16(0);
            switch (p) {
                case SaPayload x -> x.encode(w);
                case KePayload x -> x.encode(w);
                case IdPayload x -> x.encode(w);
                case CertPayload x -> x.encode(w);
                case AuthPayload x -> x.encode(w);
                case NoncePayload x -> x.encode(w);
                case NotifyPayload x -> x.encode(w);
                case DeletePayload x -> x.encode(w);
                case VendorIdPayload x -> x.encode(w);
                case TsPayload x -> x.encode(w);
                case EncryptedPayload x -> x.encode(w);
                case EncryptedFragmentPayload x -> x.encode(w);
                case CpPayload x -> x.encode(w);
                case EapPayload x -> x.encode(w);
                case UnknownPayload x -> x.encode(w);
            }
            w.put16At(start + 2, w.length() - start);
        }
    }
}
