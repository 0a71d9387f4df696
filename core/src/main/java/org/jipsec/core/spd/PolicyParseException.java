package org.jipsec.core.spd;

import java.util.Objects;

/**
 * The one exception of the policy-string parser and dump formatter: a libipsec error code and text
 * (spec §3.1), plus where it happened (0-based character offset into the policy string, or -1) and
 * the offending token (empty at end of input).
 */
public final class PolicyParseException extends Exception {

    private final IpsecError error;
    private final int position;
    private final String token;

    public PolicyParseException(IpsecError error, int position, String token, String detail) {
        super(format(error, position, token, detail));
        this.error = Objects.requireNonNull(error);
        this.position = position;
        this.token = token == null ? "" : token;
    }

    private static String format(IpsecError error, int position, String token, String detail) {
        StringBuilder sb = new StringBuilder(error.text());
        if (detail != null && !detail.isEmpty()) sb.append(" (").append(detail).append(')');
        if (position >= 0) {
            sb.append(" at position ").append(position);
            sb.append(token == null || token.isEmpty() ? " (end of input)" : " near \"" + token + "\"");
        }
        return sb.toString();
    }

    public IpsecError error() {
        return error;
    }

    /** 0-based offset of the token in the policy string; -1 when not tied to a position. */
    public int position() {
        return position;
    }

    public String token() {
        return token;
    }
}
