package org.jipsec.core.sad;

/**
 * The data path's state of one SA — for ESP and AH the transforms' sequence counter, replay window, usage counters
 * and keyed ciphers — seen from the SAD, which owns its life: the {@link TransformStateFactory} makes it when the SA
 * becomes usable (PF_KEY ADD, UPDATE of a larval SA, UPDATE replacing an SA) and the SAD destroys it, keys zeroed,
 * when the SA leaves (DELETE, FLUSH, hard expiry, replacement). The SAD does not know the transforms: the
 * implementation lives in {@code org.jipsec.core.xform}, the factory is given by the engine.
 */
public interface TransformState {

    /**
     * The SA's {@code sadb_x_sa2_sequence} as {@code setkey -D} shows it (NetBSD {@code replay->count}): the last
     * sequence number sent, plus the packets accepted inbound when the SA has a replay window.
     */
    int reportedSequence();

    /** Zeroes every key copy and lets go of the keyed transforms; called once, when the SA leaves the SAD. */
    void destroy();

    /** A state the factory could not make (the transforms refuse the SA: unknown algorithm, key length, TCP-MD5). */
    record Refused(String reason) implements TransformState {
        @Override
        public int reportedSequence() {
            return 0;
        }

        @Override
        public void destroy() {}
    }
}
