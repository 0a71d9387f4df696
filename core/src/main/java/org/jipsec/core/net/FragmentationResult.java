package org.jipsec.core.net;

import java.util.List;

/** What {@link Fragmenter} decided for one packet and one MTU. */
public sealed interface FragmentationResult {

    /** The packet fits the MTU: send it unchanged. */
    record Fits() implements FragmentationResult {}

    /** The packet was split; send the fragments in order. Each is a complete IP packet. */
    record Fragments(List<byte[]> packets) implements FragmentationResult {
        public Fragments {
            packets = List.copyOf(packets);
        }
    }

    /**
     * IPv4 with DF set and larger than the MTU (RFC 791, RFC 1191): do not send; tell the source with ICMP
     * "fragmentation needed and DF set" (type 3 code 4) carrying this next-hop MTU.
     */
    record NeedsFragmentation(int mtu) implements FragmentationResult {}

    /** The packet cannot be fragmented to this MTU (MTU below the minimum, headers alone too large). */
    record CannotFragment(String reason) implements FragmentationResult {}
}
