package org.jipsec.core.engine;

import java.util.List;
import java.util.Objects;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.xform.DropReason;

/** What {@link IpsecEngine#output} decided for one outbound packet. */
public sealed interface OutputDecision {

    /** Send these protected packets (one today; more once NAT-T fragmentation is done in the engine). */
    record Send(List<WirePacket> packets) implements OutputDecision {
        public Send {
            packets = List.copyOf(packets);
        }
    }

    /**
     * Send the packet as it is: policy NONE/BYPASS, the system default NONE, or every request at level USE
     * without an SA (spec §4.4).
     */
    record SendClear(WirePacket packet) implements OutputDecision {
        public SendClear {
            Objects.requireNonNull(packet);
        }
    }

    /**
     * Dropped. The sender still sees success except for {@link DropCause#SOCKET_POLICY_REFUSED} (NetBSD turns the
     * ENOENT of a missing SA into 0, spec §4.4 step 2).
     *
     * @param xform the transform's reason when {@code cause} is {@link DropCause#XFORM}, else null
     */
    record Drop(DropCause cause, DropReason xform, String detail) implements OutputDecision {
        public Drop {
            Objects.requireNonNull(cause);
            Objects.requireNonNull(detail);
        }
    }

    /**
     * Held in the pending queue until the SA for {@code waitingFor} arrives (an ACQUIRE went to the registered
     * PF_KEY sockets); released by {@link IpsecEngine#drainReady()}, or dropped by {@link IpsecEngine#tick()} after
     * the queue's timeout.
     */
    record Queued(SaIndex waitingFor) implements OutputDecision {
        public Queued {
            Objects.requireNonNull(waitingFor);
        }
    }
}
