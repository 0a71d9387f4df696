package org.jipsec.core.ike.codec;

/**
 * One IKEv2 payload, without its generic payload header (RFC 7296 §3.2), which the chain codec
 * ({@link IkeMessageCodec}) reads and writes:
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The critical bit is sent as zero for every payload type defined here and ignored on receipt (§2.5, §3.2:
 * "MUST be ignored by the recipient if the recipient understands the payload type code"); an unknown
 * payload with it set fails decoding with {@link UnsupportedCriticalPayloadException}.
 *
 * <p>The byte arrays in payload records belong to the record: the decoder hands out fresh copies, and
 * callers must not modify them. Records compare arrays by identity; compare encodings instead.
 */
public sealed interface Payload
        permits SaPayload,
                KePayload,
                IdPayload,
                CertPayload,
                AuthPayload,
                NoncePayload,
                NotifyPayload,
                DeletePayload,
                VendorIdPayload,
                TsPayload,
                EncryptedPayload,
                EncryptedFragmentPayload,
                CpPayload,
                EapPayload,
                UnknownPayload {

    /** The payload type number ({@link PayloadType}). */
    int type();
}
