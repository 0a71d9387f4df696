package org.jipsec.core.ike.codec;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Notify payload (RFC 7296 §3.10); types in {@link NotifyType}.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Protocol ID  |   SPI Size    |      Notify Message Type      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                Security Parameter Index (SPI)                 ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                       Notification Data                       ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param protocolId 0 (none / IKE SA, §3.10: "If the SPI field is empty, this field MUST be sent as zero and
 *                   MUST be ignored on receipt"), 2 AH, 3 ESP
 */
public record NotifyPayload(int protocolId, byte[] spi, int notifyType, byte[] data) implements Payload {

    public NotifyPayload {
        if (protocolId < 0 || protocolId > 255) throw new IllegalArgumentException("protocol " + protocolId);
        if (spi.length > 255) throw new IllegalArgumentException("SPI of " + spi.length + " bytes");
        if (notifyType < 0 || notifyType > 0xffff) throw new IllegalArgumentException("notify " + notifyType);
    }

    /** A notify about the IKE SA (no protocol, no SPI). */
    public static NotifyPayload of(int notifyType, byte[] data) {
        return new NotifyPayload(0, new byte[0], notifyType, data);
    }

    public static NotifyPayload of(int notifyType) {
        return of(notifyType, new byte[0]);
    }

    @Override
    public int type() {
        return PayloadType.NOTIFY;
    }

    public boolean isError() {
        return NotifyType.isError(notifyType);
    }

    static NotifyPayload decode(WireReader r) throws InvalidSyntaxException {
        int protocol = r.u8("notify protocol ID");
        int spiSize = r.u8("notify SPI size");
        int type = r.u16("notify type");
        byte[] spi = r.bytes(spiSize, "notify SPI");
        return new NotifyPayload(protocol, spi, type, r.rest());
    }

    void encode(WireWriter w) {
        w.u8(protocolId).u8(spi.length).u16(notifyType).bytes(spi).bytes(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NotifyPayload p
                && p.protocolId == protocolId
                && p.notifyType == notifyType
                && Arrays.equals(p.spi, spi)
                && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * notifyType + Arrays.hashCode(data);
    }

    /** Names the type; the data is printed only for types that carry no secret (all here carry none). */
    @Override
    public String toString() {
        return "N(" + NotifyType.name(notifyType)
                + (spi.length > 0 ? " spi " + HexFormat.of().formatHex(spi) : "")
                + (data.length > 0 ? " " + data.length + " bytes" : "") + ")";
    }
}
