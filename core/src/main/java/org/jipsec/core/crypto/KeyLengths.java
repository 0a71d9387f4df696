package org.jipsec.core.crypto;

import java.util.List;

/**
 * The key lengths, in bits, that an algorithm accepts: either a list of discrete lengths or an inclusive
 * range with a step. For AES-CTR/GCM/GMAC/CCM and ChaCha20-Poly1305 the length includes the salt/nonce.
 */
public sealed interface KeyLengths {

    /** Whether a key of {@code bits} bits is acceptable. */
    boolean allows(int bits);

    /** Smallest accepted length in bits (sadb_alg_minbits). */
    int minBits();

    /** Largest accepted length in bits (sadb_alg_maxbits). */
    int maxBits();

    /** Human readable form for error messages and {@code jipsec algorithms}: "128/192/256" or "40 to 448". */
    String describe();

    static KeyLengths of(int... bits) {
        return new Discrete(java.util.Arrays.stream(bits).boxed().toList());
    }

    static KeyLengths range(int minBits, int maxBits, int stepBits) {
        return new Range(minBits, maxBits, stepBits);
    }

    /** Accepts exactly the listed lengths. */
    record Discrete(List<Integer> bits) implements KeyLengths {
        public Discrete {
            if (bits.isEmpty()) throw new IllegalArgumentException("no key length");
            bits = List.copyOf(bits);
        }

        @Override
        public boolean allows(int b) {
            return bits.contains(b);
        }

        @Override
        public int minBits() {
            return bits.stream().mapToInt(Integer::intValue).min().orElseThrow();
        }

        @Override
        public int maxBits() {
            return bits.stream().mapToInt(Integer::intValue).max().orElseThrow();
        }

        @Override
        public String describe() {
            return String.join("/", bits.stream().map(String::valueOf).toList());
        }
    }

    /** Accepts {@code min, min+step, …, max}. */
    record Range(int minBits, int maxBits, int stepBits) implements KeyLengths {
        public Range {
            if (minBits < 0 || maxBits < minBits || stepBits <= 0) throw new IllegalArgumentException("bad range");
        }

        @Override
        public boolean allows(int b) {
            return b >= minBits && b <= maxBits && (b - minBits) % stepBits == 0;
        }

        @Override
        public String describe() {
            return minBits + " to " + maxBits;
        }
    }
}
