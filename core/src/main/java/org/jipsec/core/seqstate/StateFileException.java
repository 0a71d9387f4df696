package org.jipsec.core.seqstate;

/** A state file that cannot be read as one: wrong magic or version, bad length, checksum mismatch, duplicates. */
public final class StateFileException extends Exception {
    public StateFileException(String message) {
        super(message);
    }
}
