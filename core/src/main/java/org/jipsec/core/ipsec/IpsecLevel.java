package org.jipsec.core.ipsec;

import java.util.Optional;

/** {@code IPSEC_LEVEL_*} (netipsec/ipsec.h; spec §1.7, §4.8). */
public enum IpsecLevel {
    DEFAULT(0, "default"),
    USE(1, "use"),
    REQUIRE(2, "require"),
    UNIQUE(3, "unique");

    private final int number;
    private final String keyword;

    IpsecLevel(int number, String keyword) {
        this.number = number;
        this.keyword = keyword;
    }

    public int number() {
        return number;
    }

    public String keyword() {
        return keyword;
    }

    public static Optional<IpsecLevel> of(int number) {
        for (IpsecLevel l : values()) if (l.number == number) return Optional.of(l);
        return Optional.empty();
    }
}
