package org.jipsec.core.spd;

import java.util.List;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.sad.SaIndex;

/**
 * What the outbound path does with a packet once its policy's request chain has been resolved against
 * the SAD (spec §4.4). {@code acquire} lists the SA indexes for which an ACQUIRE is needed (the key
 * engine applies its rate limiting, spec §4.7).
 *
 * @param <S> the SA handle type of the caller's SAD
 */
public sealed interface OutboundDecision<S> {

    /** Policy DISCARD (or an unusable type): drop silently, count {@code out_polvio}. */
    record Discard<S>() implements OutboundDecision<S> {}

    /** Policy NONE/BYPASS: send in clear. */
    record Clear<S>() implements OutboundDecision<S> {}

    /**
     * Apply these steps in order (first = innermost header); may be empty when every request was a
     * USE request without an SA (the packet then leaves without IPsec).
     */
    record Protect<S>(List<Step<S>> steps, List<SaIndex> acquire) implements OutboundDecision<S> {
        public Protect {
            steps = List.copyOf(steps);
            acquire = List.copyOf(acquire);
        }
    }

    /** A required SA is missing: drop (count {@code out_nosa}; the sender still sees success). */
    record NoSa<S>(int requestIndex, SaIndex missing, List<SaIndex> acquire) implements OutboundDecision<S> {
        public NoSa {
            acquire = List.copyOf(acquire);
        }
    }

    /** One request with the SA found for it. */
    record Step<S>(IpsecRequest request, SaIndex index, S sa) {}
}
