package org.jipsec.core.setkey;

/**
 * setkey's tokens as the parser reads and reports them: yyerror's {@code line N: msg at [token]} messages (never
 * showing what may be key material, issue #12), numbers as parse.y's DECSTRING/HEXSTRING take them, and the
 * {@code upper_misc} of an spdadd (ICMP type/code, GRE key). Split from {@link SetkeyParser} (issue #16 item 3).
 */
final class SetkeyTokens {

    private SetkeyTokens() {}

    static SetkeyException error(Token t, String msg) {
        return new SetkeyException(t.line(), msg + " at [" + shown(t) + "]");
    }

    /**
     * A token as an error message may show it. yyerror prints the token, so NetBSD's setkey echoes a key it refuses
     * ({@code Invalid key length at [0x0011…]}, into a daemon's log too); jipsec never prints key material: a quoted
     * string (setkey's only use of quotes is a key) and any long run of letters and digits (a hex or text key in the
     * wrong place, a key with a typo) are described by their length only. Names, addresses, numbers and keywords
     * (short, or holding {@code - . : ,}) are shown as they are.
     */
    static String shown(Token t) {
        if (t.kind() == Token.Kind.QUOTED) return hidden(t.text().length() + 2);
        if (t.kind() != Token.Kind.EOF && mayBeKey(t.text()))
            return hidden(t.text().length());
        return t.toString();
    }

    /** 12 or more characters, letters and digits only: as long as a 40-bit hex key, and no keyword or name. */
    static boolean mayBeKey(String text) {
        if (text.length() < 12) return false;
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isLetterOrDigit(text.charAt(i))) return false;
        }
        return true;
    }

    static String hidden(int characters) {
        return "(" + characters + " characters, not shown: may be a key)";
    }

    /** A token in a key's place: never shown, whatever it looks like. */
    static SetkeyException keyError(Token t, String msg) {
        return new SetkeyException(
                t.line(),
                msg + " at ["
                        + hidden(
                                t.kind() == Token.Kind.QUOTED
                                        ? t.text().length() + 2
                                        : t.text().length()) + "]");
    }

    static SetkeyException syntax(Token t) {
        return error(t, "syntax error");
    }

    static long number(Token t, long max) throws SetkeyException {
        long v;
        try {
            if (t.kind() == Token.Kind.DEC) {
                if (t.text().length() > 18) throw error(t, "value out of range");
                v = Long.parseLong(t.text());
            } else if (t.kind() == Token.Kind.HEX) {
                String h = t.text().substring(2).replaceFirst("^0+(?=.)", "");
                if (h.length() > 15) throw error(t, "value out of range");
                v = Long.parseLong(h, 16);
            } else {
                throw syntax(t);
            }
        } catch (NumberFormatException e) {
            throw syntax(t);
        }
        if (v > max) throw error(t, "value out of range");
        return v;
    }

    static int[] upperMisc(Token t, int upper) throws SetkeyException {
        String s = t.text();
        try {
            switch (upper) {
                case 1, 58, 135 -> {
                    String[] tc = s.split(",", -1);
                    if (tc.length > 2) throw error(t, "invalid upper layer protocol specification");
                    int type = Integer.parseInt(tc[0]);
                    int code = tc.length == 2 ? Integer.parseInt(tc[1]) : 0;
                    if (type < 0 || type > 255 || code < 0 || code > 255) throw error(t, "invalid ICMP type or code");
                    return new int[] {type, code};
                }
                case 47 -> {
                    if (s.contains(".")) {
                        String[] b = s.split("\\.", -1);
                        if (b.length != 4) throw error(t, "invalid GRE key");
                        int[] v = new int[4];
                        for (int i = 0; i < 4; i++) {
                            v[i] = Integer.parseInt(b[i]);
                            if (v[i] < 0 || v[i] > 255) throw error(t, "invalid GRE key");
                        }
                        return new int[] {(v[0] << 8) + v[1], (v[2] << 8) + v[3]};
                    }
                    long k = Long.parseLong(s);
                    if (k < 0 || k > 0xffffffffL) throw error(t, "invalid GRE key");
                    return new int[] {(int) (k >>> 16), (int) (k & 0xffff)};
                }
                default -> throw error(t, "upper layer protocol " + upper + " takes no type or key");
            }
        } catch (NumberFormatException e) {
            throw error(t, "invalid upper layer protocol specification");
        }
    }
}
