package org.jipsec.core.ike.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Delete payload (RFC 7296 §3.11). For the IKE SA the SPI size and count are 0 (§3.11: "the SPI Size MUST be
 * zero"); for ESP/AH each SPI is 4 bytes and is the sender's inbound SPI.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Protocol ID   |   SPI Size    |          Num of SPIs          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~               Security Parameter Index(es) (SPI)              ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record DeletePayload(int protocolId, int spiSize, List<byte[]> spis) implements Payload {

    public DeletePayload {
        if (protocolId < 0 || protocolId > 255) throw new IllegalArgumentException("protocol " + protocolId);
        if (spiSize < 0 || spiSize > 255) throw new IllegalArgumentException("SPI size " + spiSize);
        spis = List.copyOf(spis);
        for (byte[] s : spis) {
            if (s.length != spiSize) throw new IllegalArgumentException("SPI of " + s.length + " bytes");
        }
        if (spis.size() > 0xffff) throw new IllegalArgumentException(spis.size() + " SPIs");
    }

    /** Deletes the IKE SA this message travels in (§1.4.1). */
    public static DeletePayload ikeSa() {
        return new DeletePayload(Proposal.PROTOCOL_IKE, 0, List.of());
    }

    @Override
    public int type() {
        return PayloadType.DELETE;
    }

    static DeletePayload decode(WireReader r) throws InvalidSyntaxException {
        int protocol = r.u8("delete protocol ID");
        int spiSize = r.u8("delete SPI size");
        int count = r.u16("delete SPI count");
        if (spiSize == 0 && count != 0) throw new InvalidSyntaxException("delete: " + count + " SPIs of size 0");
        if ((long) spiSize * count != r.remaining()) {
            throw new InvalidSyntaxException(
                    "delete: " + count + " SPIs of " + spiSize + " bytes in " + r.remaining() + " bytes");
        }
        List<byte[]> spis = new ArrayList<>();
        for (int i = 0; i < count; i++) spis.add(r.bytes(spiSize, "delete SPI"));
        return new DeletePayload(protocol, spiSize, spis);
    }

    void encode(WireWriter w) {
        w.u8(protocolId).u8(spiSize).u16(spis.size());
        for (byte[] s : spis) w.bytes(s);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeletePayload p)
                || p.protocolId != protocolId
                || p.spiSize != spiSize
                || p.spis.size() != spis.size()) {
            return false;
        }
        for (int i = 0; i < spis.size(); i++) {
            if (!Arrays.equals(p.spis.get(i), spis.get(i))) return false;
        }
        return true;
    }

    @Override
    public int hashCode() {
        return 31 * protocolId + spis.size();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("D[protocol " + protocolId);
        for (byte[] s : spis) sb.append(' ').append(HexFormat.of().formatHex(s));
        return sb.append(']').toString();
    }
}
