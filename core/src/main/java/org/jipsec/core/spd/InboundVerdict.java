package org.jipsec.core.spd;

/** The decision of the inbound policy check ({@link InboundPolicyCheck}). */
public sealed interface InboundVerdict permits InboundVerdict.Accept, InboundVerdict.Reject {

    /** Why a packet was rejected; each one is counted as {@code in_polvio}. */
    enum Reason {
        /** The policy is DISCARD. */
        POLICY_DISCARD,
        /** The policy type cannot apply to a packet (ENTRUST). */
        POLICY_INVALID,
        /** A required request found no transform of its protocol in the history. */
        NOT_PROTECTED,
        /** A transform of the protocol was there, but in another mode, between other endpoints or out of order. */
        PROTECTION_MISMATCH
    }

    record Accept() implements InboundVerdict {}

    /**
     * The packet is refused.
     *
     * @param requestIndex index of the failing request in the chain, or -1
     */
    record Reject(Reason reason, int requestIndex, String detail) implements InboundVerdict {}
}
