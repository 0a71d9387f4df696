package org.jipsec.core.net;

/**
 * Where the upper-layer header of an IP packet starts (the "last header" of KAME's {@code ip6_lasthdr}).
 *
 * @param protocol      the upper-layer protocol number (TCP, UDP, ICMP, ESP, No Next Header, …)
 * @param offset        absolute offset of that header (for a later fragment: of the fragment's data)
 * @param laterFragment true for a fragment with a non-zero offset, whose data is not a header at all
 */
public record UpperLayer(int protocol, int offset, boolean laterFragment) {}
