package org.jipsec.core.ipsec;

import java.util.Optional;

/** {@code IPSEC_MODE_*} (netipsec/ipsec.h; spec §1.7). ANY is for the SAD only ("DON'T use at SPD"). */
public enum IpsecMode {
    ANY(0, "any"),
    TRANSPORT(1, "transport"),
    TUNNEL(2, "tunnel"),
    TCPMD5(3, "tcp-md5");

    private final int number;
    private final String keyword;

    IpsecMode(int number, String keyword) {
        this.number = number;
        this.keyword = keyword;
    }

    public int number() {
        return number;
    }

    public String keyword() {
        return keyword;
    }

    public static Optional<IpsecMode> of(int number) {
        for (IpsecMode m : values()) if (m.number == number) return Optional.of(m);
        return Optional.empty();
    }
}
