package org.jipsec.core.pfkey;

import java.util.Objects;

/**
 * The one exception of the PF_KEY codec and key engine: a request refused with the errno NetBSD's keysock.c /
 * key.c would give (spec §1.9, §1.10). Never carries key material.
 */
public final class PfkeyException extends Exception {

    /**
     * Which of NetBSD's malformed-request counters ({@code PFKEY_STAT_OUT_*}, keysock.h) the refusal feeds, for the
     * codec's refusals (keysock.c key_output, key.c key_parse/key_align/key_validate_ext); NONE for everything else.
     */
    public enum Malformation {
        NONE,
        TOO_SHORT,
        BAD_LENGTH,
        BAD_VERSION,
        BAD_TYPE,
        DUPLICATE_EXTENSION,
        BAD_EXTENSION_TYPE,
        BAD_ADDRESS
    }

    private final Errno errno;
    private final Malformation malformation;

    public PfkeyException(Errno errno, String message) {
        this(errno, Malformation.NONE, message);
    }

    public PfkeyException(Errno errno, Malformation malformation, String message) {
        super(errno.name() + ": " + message);
        this.errno = Objects.requireNonNull(errno);
        this.malformation = Objects.requireNonNull(malformation);
    }

    public Errno errno() {
        return errno;
    }

    public Malformation malformation() {
        return malformation;
    }

    static PfkeyException malformed(Malformation m, String message) {
        return new PfkeyException(Errno.EINVAL, m, message);
    }

    static PfkeyException inval(String message) {
        return new PfkeyException(Errno.EINVAL, message);
    }
}
