package org.jipsec.core.ipsec;

import java.util.Optional;

/**
 * {@code IPSEC_DIR_*} (netipsec/ipsec.h; spec §1.7). NetBSD has no forward direction: the policy word
 * {@code fwd} maps to INBOUND.
 */
public enum PolicyDirection {
    ANY(0, "any"),
    INBOUND(1, "in"),
    OUTBOUND(2, "out");

    /** {@code IPSEC_DIR_INVALID}. */
    public static final int INVALID = 4;

    private final int number;
    private final String keyword;

    PolicyDirection(int number, String keyword) {
        this.number = number;
        this.keyword = keyword;
    }

    public int number() {
        return number;
    }

    public String keyword() {
        return keyword;
    }

    public static Optional<PolicyDirection> of(int number) {
        for (PolicyDirection d : values()) if (d.number == number) return Optional.of(d);
        return Optional.empty();
    }
}
