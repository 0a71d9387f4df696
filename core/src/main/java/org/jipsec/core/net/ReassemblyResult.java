package org.jipsec.core.net;

/** What {@link Reassembler#accept} did with one packet. */
public sealed interface ReassemblyResult {

    /** The packet is not a fragment: use it as it is (nothing was copied or kept). */
    record NotFragment() implements ReassemblyResult {}

    /** The fragment was stored; the datagram is not complete yet. */
    record Pending() implements ReassemblyResult {}

    /**
     * A whole datagram: the last missing fragment arrived (or an IPv6 atomic fragment, RFC 6946). A fresh
     * buffer with headroom for encapsulation; the pending state for it is gone.
     */
    record Complete(PacketBuffer packet) implements ReassemblyResult {}

    /** The fragment was dropped (and, for some reasons, its whole datagram); counted under {@code reason}. */
    record Dropped(Reassembler.DropReason reason) implements ReassemblyResult {}
}
