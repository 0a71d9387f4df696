package org.jipsec.core.ike.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Proposal substructure (RFC 7296 §3.3.1).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Last Substruc |   RESERVED    |         Proposal Length       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                        SPI (variable)                         ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                     &lt;Transforms&gt;                        ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The SPI's size is not checked against the protocol here (IKE: 0 or 8, AH/ESP: 4, §3.3.1); proposal
 * selection does that and names the mismatch.
 *
 * @param number     Proposal Num (the first proposal is 1, §3.3.1)
 * @param protocolId {@link #PROTOCOL_IKE}, {@link #PROTOCOL_AH}, {@link #PROTOCOL_ESP}
 * @param spi        the SPI, 0..255 bytes
 */
public record Proposal(int number, int protocolId, byte[] spi, List<Transform> transforms) {

    public static final int PROTOCOL_IKE = 1;
    public static final int PROTOCOL_AH = 2;
    public static final int PROTOCOL_ESP = 3;

    public Proposal {
        if (number < 0 || number > 255) throw new IllegalArgumentException("proposal number " + number);
        if (protocolId < 0 || protocolId > 255) throw new IllegalArgumentException("protocol " + protocolId);
        if (spi.length > 255) throw new IllegalArgumentException("SPI of " + spi.length + " bytes");
        transforms = List.copyOf(transforms);
        if (transforms.size() > 255) throw new IllegalArgumentException(transforms.size() + " transforms");
    }

    static Proposal decode(WireReader r) throws InvalidSyntaxException {
        int number = r.u8("proposal number");
        int protocol = r.u8("proposal protocol ID");
        int spiSize = r.u8("proposal SPI size");
        int count = r.u8("proposal transform count");
        byte[] spi = r.bytes(spiSize, "proposal SPI");
        List<Transform> transforms = new ArrayList<>();
        // §3.3.2 Last Substruc: 0 for the last transform, 3 if more follow.
        int last = count == 0 ? 0 : 3;
        while (last == 3) {
            last = r.u8("transform last substruc");
            if (last != 0 && last != 3) throw new InvalidSyntaxException("transform last substruc " + last);
            r.skip(1, "transform reserved");
            int length = r.u16("transform length");
            if (length < 8) throw new InvalidSyntaxException("transform length " + length + " < 8");
            transforms.add(Transform.decode(r.slice(length - 4, "transform body")));
        }
        if (transforms.size() != count) {
            throw new InvalidSyntaxException(
                    "proposal " + number + ": " + count + " transforms announced, " + transforms.size() + " present");
        }
        if (r.remaining() != 0) {
            throw new InvalidSyntaxException("proposal " + number + ": " + r.remaining() + " bytes after transforms");
        }
        return new Proposal(number, protocol, spi, transforms);
    }

    void encode(WireWriter w, boolean lastProposal) {
        int start = w.length();
        w.u8(lastProposal ? 0 : 2).u8(0).u16(0);
        w.u8(number).u8(protocolId).u8(spi.length).u8(transforms.size()).bytes(spi);
        for (int i = 0; i < transforms.size(); i++) {
            transforms.get(i).encode(w, i == transforms.size() - 1);
        }
        w.put16At(start + 2, w.length() - start);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Proposal p
                && p.number == number
                && p.protocolId == protocolId
                && Arrays.equals(p.spi, spi)
                && p.transforms.equals(transforms);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * number + protocolId) + transforms.hashCode();
    }

    @Override
    public String toString() {
        return "Proposal[" + number + " protocol " + protocolId + " spi "
                + java.util.HexFormat.of().formatHex(spi) + " " + transforms + "]";
    }
}
