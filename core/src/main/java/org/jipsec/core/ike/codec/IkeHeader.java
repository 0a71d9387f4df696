package org.jipsec.core.ike.codec;

/**
 * The IKE header (RFC 7296 §3.1). Next Payload and Length are not fields here: the decoder checks them against
 * the payload chain and the datagram, the encoder computes them.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       IKE SA Initiator's SPI                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       IKE SA Responder's SPI                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Message ID                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            Length                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param spiI         initiator's SPI (§3.1: never zero)
 * @param spiR         responder's SPI (zero in the first IKE_SA_INIT request)
 * @param minorVersion the sender's minor version (§2.5: ignored on receipt; we send 0)
 * @param exchangeType {@link ExchangeType}
 * @param flags        {@link #FLAG_RESPONSE}, {@link #FLAG_VERSION}, {@link #FLAG_INITIATOR}; other bits are
 *                     sent as zero and ignored on receipt (§3.1)
 * @param messageId    unsigned 32-bit message ID (§2.2)
 */
public record IkeHeader(long spiI, long spiR, int minorVersion, int exchangeType, int flags, long messageId) {

    /** Bytes of the header on the wire. */
    public static final int LENGTH = 28;
    /** The only major version this implementation speaks (§2.5). */
    public static final int MAJOR_VERSION = 2;
    /** R (Response): this message is a response to a message containing the same Message ID (§3.1). */
    public static final int FLAG_RESPONSE = 0x20;
    /** V (Version): the sender can speak a higher major version (§3.1); we never set it. */
    public static final int FLAG_VERSION = 0x10;
    /** I (Initiator): set in messages sent by the original initiator of the IKE SA (§3.1). */
    public static final int FLAG_INITIATOR = 0x08;

    public IkeHeader {
        if (minorVersion < 0 || minorVersion > 15) throw new IllegalArgumentException("minor version " + minorVersion);
        if (exchangeType < 0 || exchangeType > 255) throw new IllegalArgumentException("exchange " + exchangeType);
        if (flags < 0 || flags > 255) throw new IllegalArgumentException("flags " + flags);
        if (messageId < 0 || messageId > 0xffffffffL) throw new IllegalArgumentException("message ID " + messageId);
    }

    public boolean isResponse() {
        return (flags & FLAG_RESPONSE) != 0;
    }

    public boolean isFromOriginalInitiator() {
        return (flags & FLAG_INITIATOR) != 0;
    }

    static IkeHeaderFields decode(WireReader r) throws IkeDecodeException {
        long spiI = r.u64("IKE header SPIi");
        long spiR = r.u64("IKE header SPIr");
        int next = r.u8("IKE header next payload");
        int version = r.u8("IKE header version");
        int exchange = r.u8("IKE header exchange type");
        int flags = r.u8("IKE header flags");
        long mid = r.u32("IKE header message ID");
        long length = r.u32("IKE header length");
        // §2.5: "If an endpoint receives a message with a higher major version number, it MUST drop the message
        // and SHOULD send an unauthenticated Notify message of type INVALID_MAJOR_VERSION".
        if ((version >>> 4) != MAJOR_VERSION) throw new InvalidMajorVersionException(version >>> 4);
        // §3.1 flags: "Implementations MUST ignore [the other bits] on receipt"; we keep only R, V, I.
        IkeHeader h = new IkeHeader(
                spiI, spiR, version & 0x0f, exchange, flags & (FLAG_RESPONSE | FLAG_VERSION | FLAG_INITIATOR), mid);
        return new IkeHeaderFields(h, next, length);
    }

    void encode(WireWriter w, int nextPayload, long length) {
        w.u64(spiI)
                .u64(spiR)
                .u8(nextPayload)
                .u8((MAJOR_VERSION << 4) | minorVersion)
                .u8(exchangeType)
                .u8(flags)
                .u32(messageId)
                .u32(length);
    }

    /** The header with the chain's first payload type and the Length field as read. */
    record IkeHeaderFields(IkeHeader header, int nextPayload, long length) {}

    @Override
    public String toString() {
        return String.format(
                "%s %s %d %016x_i %016x_r",
                ExchangeType.name(exchangeType), isResponse() ? "response" : "request", messageId, spiI, spiR);
    }
}
