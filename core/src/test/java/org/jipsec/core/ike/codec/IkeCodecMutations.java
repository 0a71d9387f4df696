package org.jipsec.core.ike.codec;

import java.util.Random;

/** The seeded message mutator of {@link IkeCodecMutationTest}, for other packages' property tests. */
public final class IkeCodecMutations {
    private IkeCodecMutations() {}

    public static byte[] mutate(byte[] seed, Random rnd) {
        return IkeCodecMutationTest.mutate(seed, rnd);
    }
}
