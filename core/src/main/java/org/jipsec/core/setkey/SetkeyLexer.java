package org.jipsec.core.setkey;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits setkey input into {@link Token}s following ipsec-tools token.l (spec §2.2): {@code #} comments to the
 * end of the line, {@code ;} ends a statement, statements span lines freely, {@code "quoted"} strings have no
 * escapes, {@code 0x} starts a hex string, {@code -P} swallows the policy up to the next {@code ;}.
 */
public final class SetkeyLexer {
    private SetkeyLexer() {}

    /**
     * The longest line read (64 KiB): a real line is a statement of a few hundred characters; a longer one (a 100 MB
     * line, {@code /dev/zero}) is refused before any token is made, so memory stays bounded by the input.
     */
    public static final int MAX_LINE_CHARS = 64 << 10;

    public static List<Token> tokenize(String in) throws SetkeyException {
        checkLineLengths(in);
        List<Token> out = new ArrayList<>();
        int i = 0;
        int line = 1;
        int n = in.length();
        while (i < n) {
            char c = in.charAt(i);
            if (c == '\n') {
                line++;
                i++;
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                i++;
                continue;
            }
            if (c == '#') {
                while (i < n && in.charAt(i) != '\n') i++;
                continue;
            }
            switch (c) {
                case ';' -> {
                    out.add(new Token(Token.Kind.SEMI, ";", line));
                    i++;
                    continue;
                }
                case '/' -> {
                    out.add(new Token(Token.Kind.SLASH, "/", line));
                    i++;
                    continue;
                }
                case '[' -> {
                    out.add(new Token(Token.Kind.LBRACKET, "[", line));
                    i++;
                    continue;
                }
                case ']' -> {
                    out.add(new Token(Token.Kind.RBRACKET, "]", line));
                    i++;
                    continue;
                }
                default -> {}
            }
            if (c == '"') {
                int j = in.indexOf('"', i + 1);
                if (j < 0) throw new SetkeyException(line, "unterminated quoted string");
                String s = in.substring(i + 1, j);
                out.add(new Token(Token.Kind.QUOTED, s, line));
                line += (int) s.chars().filter(ch -> ch == '\n').count();
                i = j + 1;
                continue;
            }
            if (c == '-' && i + 1 < n && isWordChar(in.charAt(i + 1))) {
                int j = i + 1;
                while (j < n && isWordChar(in.charAt(j))) j++;
                String flag = in.substring(i, j);
                out.add(new Token(Token.Kind.FLAG, flag, line));
                i = j;
                if (flag.equals("-P")) {
                    int k = in.indexOf(';', i);
                    if (k < 0) throw new SetkeyException(line, "policy after -P is not terminated by ';'");
                    String policy = in.substring(i, k);
                    out.add(new Token(Token.Kind.POLICY, policy.strip(), line));
                    line += (int) policy.chars().filter(ch -> ch == '\n').count();
                    i = k;
                }
                continue;
            }
            if (isWordStart(c)) {
                int j = i;
                while (j < n && isWordChar(in.charAt(j))) j++;
                String w = in.substring(i, j);
                Token.Kind kind;
                if (w.matches("[0-9]+")) kind = Token.Kind.DEC;
                else if (w.matches("0[xX][0-9a-fA-F]+")) kind = Token.Kind.HEX;
                else kind = Token.Kind.WORD;
                out.add(new Token(kind, w, line));
                i = j;
                continue;
            }
            throw new SetkeyException(line, "syntax error at [" + printable(c) + "]");
        }
        out.add(new Token(Token.Kind.EOF, "", line));
        return out;
    }

    private static void checkLineLengths(String in) throws SetkeyException {
        int line = 1;
        int start = 0;
        for (int i = 0; i <= in.length(); i++) {
            if (i == in.length() || in.charAt(i) == '\n') {
                if (i - start > MAX_LINE_CHARS) {
                    throw new SetkeyException(line, "line too long (more than " + MAX_LINE_CHARS + " characters)");
                }
                line++;
                start = i + 1;
            }
        }
    }

    private static boolean isWordStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':';
    }

    private static boolean isWordChar(char c) {
        return isWordStart(c) || c == '%' || c == '.' || c == '-' || c == ',' || c == '_';
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c);
    }
}
