package org.jipsec.core.spd;

/** One token of a policy string (policy_token.l): its kind, its text and its 0-based offset. */
record PolicyToken(Kind kind, String text, int position) {

    /** The token classes of policy_token.l (spec §3.1), plus PORT ({@code [n]}) and EOF. */
    enum Kind {
        DIR,
        PRIORITY,
        PRIO_BASE,
        PLUS,
        DECSTRING,
        ACTION,
        PROTOCOL,
        MODE,
        ME,
        ANY,
        LEVEL,
        LEVEL_SPECIFY,
        SLASH,
        HYPHEN,
        IPADDRESS,
        PORT,
        EOF
    }
}
