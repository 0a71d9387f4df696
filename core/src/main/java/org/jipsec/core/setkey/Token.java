package org.jipsec.core.setkey;

/**
 * One setkey token (token.l; spec §2.2).
 *
 * @param kind what it is
 * @param text the characters (without quotes for {@link Kind#QUOTED}; the whole policy text for {@link Kind#POLICY})
 * @param line 1-based line where it starts
 */
public record Token(Kind kind, String text, int line) {

    public enum Kind {
        /** {@code [A-Za-z0-9:][A-Za-z0-9:%.,-]*} that is not a number: keywords, names, addresses. */
        WORD,
        /** Decimal number. */
        DEC,
        /** {@code 0x…} */
        HEX,
        /** {@code "…"}, no escapes. */
        QUOTED,
        /** {@code -X…}: an option such as {@code -E}, {@code -lh}, {@code -46n}. */
        FLAG,
        /** Everything after {@code -P} up to the next {@code ;}, verbatim. */
        POLICY,
        SEMI,
        SLASH,
        LBRACKET,
        RBRACKET,
        EOF
    }

    @Override
    public String toString() {
        return kind == Kind.EOF ? "end of input" : text;
    }
}
