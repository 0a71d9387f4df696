package org.jipsec.core.ike.codec;

import java.util.Arrays;

/**
 * Encrypted and Authenticated payload SK (RFC 7296 §3.14), opaque until {@code SkProtection} decrypts it. Its
 * Next Payload field names the first payload inside, and it is the last payload of the message (§3.14: "the
 * Encrypted payload, if present in a message, MUST be the last payload in the message"), so the decoder ends
 * the chain here.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Initialization Vector                     |
 * |         (length is block size for encryption algorithm)       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                    Encrypted IKE Payloads                     ~
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               |             Padding (0-255 octets)            |
 * +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
 * |                                               |  Pad Length   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                    Integrity Checksum Data                    ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param firstInnerPayload the Next Payload field: type of the first encrypted payload
 * @param body              IV, ciphertext and ICV as received
 */
public record EncryptedPayload(int firstInnerPayload, byte[] body) implements Payload {

    public EncryptedPayload {
        if (firstInnerPayload < 0 || firstInnerPayload > 255) throw new IllegalArgumentException("next payload");
    }

    @Override
    public int type() {
        return PayloadType.SK;
    }

    void encode(WireWriter w) {
        w.bytes(body);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncryptedPayload p
                && p.firstInnerPayload == firstInnerPayload
                && Arrays.equals(p.body, body);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "SK[" + PayloadType.name(firstInnerPayload) + " first, " + body.length + " bytes]";
    }
}
