package org.jipsec.core.ike.config;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * strongSwan's settings syntax (strongswan.conf(5) "SETTINGS SYNTAX", as swanctl.conf uses it):
 * <pre>
 *   # comment to the end of the line
 *   section {
 *       key = value until the end of the line
 *       key = "a quoted value, may contain # and span lines, with \" \\ \n \t escapes"
 *       subsection { ... }
 *   }
 *   include path/or/glob*.conf      # relative to the including file's directory
 * </pre>
 * Names are made of anything but whitespace, {@code = { } # "}. An unquoted value is trimmed. A key defined
 * twice keeps the later value; a section defined twice is merged. Errors (an unterminated quote or section, a
 * stray brace, a line that is neither, an include that matches nothing or nests more than 10 deep) name the
 * file and line. Templates ({@code name : base { }}) are not supported and say so.
 */
public final class SettingsParser {
    private SettingsParser() {}

    private static final int MAX_INCLUDE_DEPTH = 10;

    public static Settings parse(String path, ConfigSource source) throws ConfigException {
        String text = source.read(path);
        if (text == null) throw new ConfigException(path, 0, "cannot read the file");
        Settings root = new Settings("", path, 0);
        Deque<Settings> stack = new ArrayDeque<>();
        stack.push(root);
        parseInto(path, text, source, stack, 0);
        if (stack.size() != 1) {
            throw new ConfigException(
                    path,
                    lines(text),
                    "section '" + stack.peek().name() + "' (line "
                            + stack.peek().line() + ") is not closed");
        }
        return root;
    }

    private static int lines(String text) {
        return (int) text.chars().filter(c -> c == '\n').count() + 1;
    }

    private static final class Lexer {
        final String file;
        final String s;
        int pos;
        int line = 1;

        Lexer(String file, String s) {
            this.file = file;
            this.s = s;
        }

        /** Skips blanks and comments, not newlines. */
        void blanks() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\r') {
                    pos++;
                } else if (c == '#') {
                    while (pos < s.length() && s.charAt(pos) != '\n') pos++;
                } else {
                    break;
                }
            }
        }

        /** Skips blanks, comments and newlines. */
        void space() {
            while (true) {
                blanks();
                if (pos < s.length() && s.charAt(pos) == '\n') {
                    pos++;
                    line++;
                } else {
                    return;
                }
            }
        }

        boolean at(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        String name() {
            int start = pos;
            while (pos < s.length() && " \t\r\n={}#\":".indexOf(s.charAt(pos)) < 0) pos++;
            return s.substring(start, pos);
        }

        /** The value after '=': a quoted string or the rest of the line, trimmed. */
        String value() throws ConfigException {
            blanks();
            if (at('"')) {
                int startLine = line;
                pos++;
                StringBuilder b = new StringBuilder();
                while (true) {
                    if (pos >= s.length()) throw new ConfigException(file, startLine, "unterminated quoted value");
                    char c = s.charAt(pos++);
                    if (c == '"') break;
                    if (c == '\n') line++;
                    if (c == '\\' && pos < s.length()) {
                        char e = s.charAt(pos++);
                        switch (e) {
                            case 'n' -> b.append('\n');
                            case 't' -> b.append('\t');
                            case 'r' -> b.append('\r');
                            case '\n' -> line++; // line continuation
                            default -> b.append(e);
                        }
                    } else {
                        b.append(c);
                    }
                }
                blanks();
                if (pos < s.length() && s.charAt(pos) != '\n' && s.charAt(pos) != '}') {
                    throw new ConfigException(file, line, "text after the quoted value");
                }
                return b.toString();
            }
            int start = pos;
            while (pos < s.length() && s.charAt(pos) != '\n' && s.charAt(pos) != '#' && s.charAt(pos) != '}') pos++;
            return s.substring(start, pos).trim();
        }
    }

    private static void parseInto(String file, String text, ConfigSource source, Deque<Settings> stack, int depth)
            throws ConfigException {
        Lexer lx = new Lexer(file, text);
        int openedHere = 0;
        while (true) {
            lx.space();
            if (lx.pos >= text.length()) break;
            if (lx.at('}')) {
                if (openedHere == 0) throw new ConfigException(file, lx.line, "'}' without a section to close");
                lx.pos++;
                stack.pop();
                openedHere--;
                continue;
            }
            int line = lx.line;
            String name = lx.name();
            if (name.isEmpty()) {
                throw new ConfigException(file, line, "unexpected '" + text.charAt(lx.pos) + "'");
            }
            lx.blanks();
            if (name.equals("include") && !lx.at('=') && !lx.at('{')) {
                String pattern = lx.value();
                if (pattern.isEmpty()) throw new ConfigException(file, line, "include without a path");
                if (depth >= MAX_INCLUDE_DEPTH) {
                    throw new ConfigException(file, line, "includes nested more than " + MAX_INCLUDE_DEPTH + " deep");
                }
                String dir = file.contains("/") ? file.substring(0, file.lastIndexOf('/')) : ".";
                var files = source.glob(pattern, dir);
                if (files.isEmpty() && !pattern.contains("*") && !pattern.contains("?")) {
                    throw new ConfigException(file, line, "include '" + pattern + "' matches no file");
                }
                for (String f : files) {
                    String t = source.read(f);
                    if (t == null) throw new ConfigException(file, line, "cannot read included '" + f + "'");
                    int before = stack.size();
                    parseInto(f, t, source, stack, depth + 1);
                    if (stack.size() != before) {
                        throw new ConfigException(f, lines(t), "section not closed at the end of the included file");
                    }
                }
                continue;
            }
            if (lx.at(':'))
                throw new ConfigException(
                        file, line, "section templates ('" + name + " : ...') are not" + " supported by jipsec");
            if (lx.at('=')) {
                lx.pos++;
                String v = lx.value();
                stack.peek().put(name, new Settings.Value(v, file, line));
                continue;
            }
            lx.space();
            if (lx.at('{')) {
                lx.pos++;
                stack.push(stack.peek().section(name, file, line));
                openedHere++;
                continue;
            }
            throw new ConfigException(file, line, "'" + name + "' is neither 'key = value' nor 'section {'");
        }
        if (openedHere > 0 && depth > 0) {
            throw new ConfigException(file, lx.line, "section '" + stack.peek().name() + "' is not closed");
        }
    }
}
