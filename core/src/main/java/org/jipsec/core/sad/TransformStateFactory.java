package org.jipsec.core.sad;

/**
 * Makes the {@link TransformState} of an SA that becomes usable (MATURE). Injected into the key engine by whoever
 * runs the data path (the IPsec engine), so that {@code sad} does not depend on the transforms. Called under the
 * key engine's lock; must not throw: an SA the transforms refuse gets a {@link TransformState.Refused}.
 */
@FunctionalInterface
public interface TransformStateFactory {

    /** No data path (a key engine alone: {@code setkey --embedded}, benchmarks): SAs carry no transform state. */
    TransformStateFactory NONE = sa -> null;

    /** Returns the SA's state, a {@link TransformState.Refused}, or null for none. */
    TransformState create(SecurityAssociation sa);
}
