package org.jipsec.core.ipsec;

import java.util.Optional;

/** {@code IPSEC_POLICY_*} (netipsec/ipsec.h; spec §1.7). */
public enum PolicyType {
    DISCARD(0, "discard"),
    NONE(1, "none"),
    IPSEC(2, "ipsec"),
    ENTRUST(3, "entrust"),
    BYPASS(4, "bypass");

    private final int number;
    private final String keyword;

    PolicyType(int number, String keyword) {
        this.number = number;
        this.keyword = keyword;
    }

    public int number() {
        return number;
    }

    public String keyword() {
        return keyword;
    }

    public static Optional<PolicyType> of(int number) {
        for (PolicyType t : values()) if (t.number == number) return Optional.of(t);
        return Optional.empty();
    }
}
