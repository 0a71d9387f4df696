package org.jipsec.core.ike.proposal;

/** A strongSwan proposal string jipsec cannot use: unknown keyword, missing or contradictory algorithms. */
public final class ProposalSyntaxException extends Exception {
    public ProposalSyntaxException(String message) {
        super(message, null, false, false);
    }
}
