package org.jipsec.core.engine.socket;

/** A socket call refused, with the errno NetBSD's call would set (EINVAL, EPERM, EADDRINUSE, ENOTCONN…). */
public final class JipsecSocketException extends Exception {

    private final String errno;

    public JipsecSocketException(String errno, String message) {
        super(errno + ": " + message);
        this.errno = errno;
    }

    public JipsecSocketException(String errno, String message, Throwable cause) {
        super(errno + ": " + message, cause);
        this.errno = errno;
    }

    /** The errno name, e.g. {@code "EINVAL"}. */
    public String errno() {
        return errno;
    }
}
