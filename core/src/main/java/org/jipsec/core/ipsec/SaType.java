package org.jipsec.core.ipsec;

import java.util.Optional;

/** PF_KEY SA types, {@code sadb_msg_satype} (RFC 2367 §2.3.2, NetBSD pfkeyv2.h; spec §1.6). */
public enum SaType {
    UNSPEC(0, "unspec"),
    AH(2, "ah"),
    ESP(3, "esp"),
    RSVP(5, "rsvp"),
    OSPFV2(6, "ospfv2"),
    RIPV2(7, "ripv2"),
    MIP(8, "mip"),
    IPCOMP(9, "ipcomp"),
    TCPSIGNATURE(11, "tcp");

    /** {@code SADB_SATYPE_MAX} in NetBSD. */
    public static final int MAX = 12;

    private final int number;
    private final String dumpName;

    SaType(int number, String dumpName) {
        this.number = number;
        this.dumpName = dumpName;
    }

    public int number() {
        return number;
    }

    /** The name {@code setkey -D} prints for it (pfkey_dump.c satype table). */
    public String dumpName() {
        return dumpName;
    }

    public static Optional<SaType> of(int number) {
        for (SaType t : values()) if (t.number == number) return Optional.of(t);
        return Optional.empty();
    }
}
