package org.jipsec.core.pfkey;

import java.util.Objects;

/**
 * The one exception of the PF_KEY codec and key engine: a request refused with the errno NetBSD's keysock.c /
 * key.c would give (spec §1.9, §1.10). Never carries key material.
 */
public final class PfkeyException extends Exception {

    private final Errno errno;

    public PfkeyException(Errno errno, String message) {
        super(errno.name() + ": " + message);
        this.errno = Objects.requireNonNull(errno);
    }

    public Errno errno() { return errno; }

    static PfkeyException inval(String message) {
        return new PfkeyException(Errno.EINVAL, message);
    }
}
