package org.jipsec.core.net;

/** What a datagram received on the UDP encapsulation port (4500) carries (RFC 3948 §2). */
public enum UdpEncapKind {
    /** RFC 3948 §2.3: a single 0xFF octet; the receiver SHOULD ignore it. */
    NAT_KEEPALIVE,
    /** RFC 3948 §2.2: the four-octet zero non-ESP marker, followed by an IKE message (hand to IKE). */
    IKE,
    /** RFC 3948 §2.1: an ESP packet starting at the UDP payload (non-zero SPI). */
    ESP,
    /** None of the above: too short for ESP, or a non-ESP marker with nothing after it. Drop and count. */
    MALFORMED
}
