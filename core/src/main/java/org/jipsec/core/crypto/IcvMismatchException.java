package org.jipsec.core.crypto;

/** The integrity check value of a received packet did not verify (RFC 4303 §3.4.4, RFC 4302 §3.4.4). */
public final class IcvMismatchException extends Exception {
    public IcvMismatchException() {
        super("ICV mismatch", null, false, false);
    }
}
