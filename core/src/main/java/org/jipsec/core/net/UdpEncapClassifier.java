package org.jipsec.core.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;

/**
 * Classifies the payload of a datagram received on UDP port 4500 (RFC 3948 §2). Pure logic: never throws on
 * any input, reads only inside {@code [off, off + len)}.
 *
 * <pre>
 * RFC 3948 §2.1 UDP-encapsulated ESP          §2.2 IKE on port 4500           §2.3 NAT-keepalive
 *  | UDP header (8)                   |       | UDP header (8)            |     | UDP header (8) |
 *  | SPI (non-zero)                   |       | Non-ESP marker: 0x00000000 |     | 0xFF           |
 *  | Sequence number                  |       | IKE header (RFC 7296)      |
 *  | payload ...                      |       | ...                        |
 * </pre>
 *
 * Rules, in order:
 * <ol>
 *   <li>exactly one octet 0xFF → {@link UdpEncapKind#NAT_KEEPALIVE} (RFC 3948 §2.3);</li>
 *   <li>four zero octets followed by at least one octet → {@link UdpEncapKind#IKE} (RFC 3948 §2.2: the marker
 *       "is aligned with the SPI field of an ESP packet"; RFC 3948 §2.1: "The SPI field in the ESP header MUST
 *       NOT be zero", so no ESP packet is mistaken for IKE);</li>
 *   <li>at least {@link #MIN_ESP_LENGTH} octets (SPI and sequence number, RFC 4303 §2) with a non-zero SPI
 *       → {@link UdpEncapKind#ESP};</li>
 *   <li>anything else → {@link UdpEncapKind#MALFORMED}.</li>
 * </ol>
 * Linux's {@code udp_encap_rcv} (net/ipv4/xfrm4_input.c) draws the same lines.
 */
public final class UdpEncapClassifier {
    /** The IANA port for IKE and UDP-encapsulated ESP (RFC 3948 §2, RFC 7296 §2.23). */
    public static final int PORT = 4500;
    /** SPI (4) + sequence number (4): the shortest payload that can be ESP (RFC 4303 §2). */
    public static final int MIN_ESP_LENGTH = 8;
    /** The non-ESP marker length (RFC 3948 §2.2). */
    public static final int NON_ESP_MARKER_LENGTH = 4;

    private UdpEncapClassifier() {}

    /** Classifies {@code len} bytes of {@code buf} at {@code off}; out-of-range arguments give MALFORMED. */
    public static UdpEncapKind classify(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) {
            return UdpEncapKind.MALFORMED;
        }
        if (len == 1) {
            return buf[off] == (byte) 0xFF ? UdpEncapKind.NAT_KEEPALIVE : UdpEncapKind.MALFORMED;
        }
        if (len < NON_ESP_MARKER_LENGTH) {
            return UdpEncapKind.MALFORMED;
        }
        boolean zeroMarker = (buf[off] | buf[off + 1] | buf[off + 2] | buf[off + 3]) == 0;
        if (zeroMarker) {
            return len > NON_ESP_MARKER_LENGTH ? UdpEncapKind.IKE : UdpEncapKind.MALFORMED;
        }
        return len >= MIN_ESP_LENGTH ? UdpEncapKind.ESP : UdpEncapKind.MALFORMED;
    }

    /** Classifies {@code len} bytes of {@code seg} at {@code off} (the same rules, for off-heap buffers). */
    public static UdpEncapKind classify(MemorySegment seg, long off, int len) {
        if (seg == null || off < 0 || len < 0 || off > seg.byteSize() - len) {
            return UdpEncapKind.MALFORMED;
        }
        if (len == 1) {
            return seg.get(JAVA_BYTE, off) == (byte) 0xFF ? UdpEncapKind.NAT_KEEPALIVE : UdpEncapKind.MALFORMED;
        }
        if (len < NON_ESP_MARKER_LENGTH) {
            return UdpEncapKind.MALFORMED;
        }
        boolean zeroMarker = (seg.get(JAVA_BYTE, off)
                        | seg.get(JAVA_BYTE, off + 1)
                        | seg.get(JAVA_BYTE, off + 2)
                        | seg.get(JAVA_BYTE, off + 3))
                == 0;
        if (zeroMarker) {
            return len > NON_ESP_MARKER_LENGTH ? UdpEncapKind.IKE : UdpEncapKind.MALFORMED;
        }
        return len >= MIN_ESP_LENGTH ? UdpEncapKind.ESP : UdpEncapKind.MALFORMED;
    }
}
