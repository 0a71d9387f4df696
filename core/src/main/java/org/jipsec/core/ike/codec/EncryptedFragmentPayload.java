package org.jipsec.core.ike.codec;

import java.util.Arrays;

/**
 * Encrypted Fragment payload SKF (RFC 7383 §2.5), opaque until decrypted; like SK it is the last payload and
 * its Next Payload field is the first inner payload's type in fragment 1 and zero in the others.
 * Reassembly belongs to issue #15.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Fragment Number        |        Total Fragments        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Initialization Vector                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                      Encrypted content                        ~
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               |             Padding (0-255 octets)            |
 * +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
 * |                                               |  Pad Length   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                    Integrity Checksum Data                    ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * §2.5: "Fragment Number ... MUST start with 1"; "Total Fragments ... MUST be greater than or equal to
 * Fragment Number" — otherwise INVALID_SYNTAX here (the RFC says discard; the engine drops silently).
 */
public record EncryptedFragmentPayload(int firstInnerPayload, int fragmentNumber, int totalFragments, byte[] body)
        implements Payload {

    public EncryptedFragmentPayload {
        if (fragmentNumber < 1 || fragmentNumber > totalFragments || totalFragments > 0xffff) {
            throw new IllegalArgumentException("fragment " + fragmentNumber + " of " + totalFragments);
        }
    }

    @Override
    public int type() {
        return PayloadType.SKF;
    }

    static EncryptedFragmentPayload decode(int next, WireReader r) throws InvalidSyntaxException {
        int number = r.u16("SKF fragment number");
        int total = r.u16("SKF total fragments");
        if (number < 1 || number > total) throw new InvalidSyntaxException("SKF fragment " + number + " of " + total);
        return new EncryptedFragmentPayload(next, number, total, r.rest());
    }

    void encode(WireWriter w) {
        w.u16(fragmentNumber).u16(totalFragments).bytes(body);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncryptedFragmentPayload p
                && p.firstInnerPayload == firstInnerPayload
                && p.fragmentNumber == fragmentNumber
                && p.totalFragments == totalFragments
                && Arrays.equals(p.body, body);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(body) + fragmentNumber;
    }

    @Override
    public String toString() {
        return "SKF[" + fragmentNumber + "/" + totalFragments + ", " + body.length + " bytes]";
    }
}
