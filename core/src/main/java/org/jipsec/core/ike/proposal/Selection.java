package org.jipsec.core.ike.proposal;

import java.util.List;
import org.jipsec.core.ike.codec.Proposal;

/** The outcome of proposal selection (§2.7). */
public sealed interface Selection {

    /** A proposal was accepted: the offer as the peer sent it and what was chosen from it. */
    record Chosen(Proposal offered, Negotiated negotiated) implements Selection {}

    /**
     * Nothing matched: the responder answers NO_PROPOSAL_CHOSEN (§2.7, §3.10.1). {@code reasons} has one line per
     * (offered, configured) pair naming the transform type that found no common algorithm, with both sides'
     * algorithms, for the log users ask for (ikev2-notes.md §5.2).
     */
    record NoProposalChosen(List<String> reasons) implements Selection {
        public NoProposalChosen {
            reasons = List.copyOf(reasons);
        }

        @Override
        public String toString() {
            return "no proposal chosen: " + String.join("; ", reasons);
        }
    }
}
