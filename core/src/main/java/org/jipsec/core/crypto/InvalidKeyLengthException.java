package org.jipsec.core.crypto;

/** A key whose length the algorithm table does not allow. The message names the algorithm and its allowed lengths. */
public final class InvalidKeyLengthException extends Exception {
    private final Algorithm algorithm;
    private final int bits;

    public InvalidKeyLengthException(Algorithm algorithm, int bits) {
        super("Invalid key length: " + algorithm.name() + " takes keys of "
                + algorithm.keyBits().describe() + " bits, not " + bits);
        this.algorithm = algorithm;
        this.bits = bits;
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    public int bits() {
        return bits;
    }
}
