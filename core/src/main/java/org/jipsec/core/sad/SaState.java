package org.jipsec.core.sad;

/** SA states {@code SADB_SASTATE_*} (RFC 2367 §2.3.3; spec §1.5). Usable = MATURE or DYING. */
public enum SaState {
    LARVAL(0, "larval"),
    MATURE(1, "mature"),
    DYING(2, "dying"),
    DEAD(3, "dead");

    private final int number;
    private final String dumpName;

    SaState(int number, String dumpName) {
        this.number = number;
        this.dumpName = dumpName;
    }

    public int number() {
        return number;
    }

    /** As {@code setkey -D} prints it. */
    public String dumpName() {
        return dumpName;
    }

    public boolean usable() {
        return this == MATURE || this == DYING;
    }

    public boolean alive() {
        return this != DEAD;
    }
}
