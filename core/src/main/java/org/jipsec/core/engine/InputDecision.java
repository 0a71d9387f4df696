package org.jipsec.core.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.spd.AppliedTransform;
import org.jipsec.core.xform.DropReason;

/** What {@link IpsecEngine#input} decided for one received packet. */
public sealed interface InputDecision {

    /**
     * Deliver the inner packet to the local stack (or forward it): every IPsec layer removed, the inbound policy
     * check passed.
     *
     * @param packet  the IP packet after decapsulation
     * @param history the transforms removed, outermost first (empty for a packet received in clear)
     */
    record Deliver(byte[] packet, List<AppliedTransform> history) implements InputDecision {
        public Deliver {
            Objects.requireNonNull(packet);
            history = List.copyOf(history);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Deliver d && Arrays.equals(packet, d.packet) && history.equals(d.history);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(packet) * 31 + history.hashCode();
        }

        @Override
        public String toString() {
            return "Deliver[" + packet.length + " bytes, " + history.size() + " transforms]";
        }
    }

    /**
     * The packet is dropped.
     *
     * @param xform the transform's reason when {@code cause} is {@link DropCause#XFORM}, else null
     */
    record Drop(DropCause cause, DropReason xform, String detail) implements InputDecision {
        public Drop {
            Objects.requireNonNull(cause);
            Objects.requireNonNull(detail);
        }
    }

    /** An IP fragment was stored; the datagram is not complete yet (nothing to do). */
    record Reassembling() implements InputDecision {}

    /** RFC 3948 §2.2: a NAT-keepalive (one 0xFF byte on the NAT-T port) — consumed. */
    record Keepalive(Endpoint source, Endpoint destination) implements InputDecision {}

    /**
     * RFC 3948 §2.1: a UDP datagram on the NAT-T port with the non-ESP marker — an IKE message for the IKE daemon.
     *
     * @param payload the IKE message (the 4-byte non-ESP marker removed)
     */
    record Ike(Endpoint source, Endpoint destination, byte[] payload) implements InputDecision {
        public Ike {
            Objects.requireNonNull(payload);
        }

        @Override
        public String toString() {
            return "Ike[" + source + " -> " + destination + ", " + payload.length + " bytes]";
        }
    }
}
