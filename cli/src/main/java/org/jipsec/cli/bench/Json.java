package org.jipsec.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader (RFC 8259) for the bench's tool output (iperf3 {@code -J}): objects become {@link Map}s, arrays
 * {@link List}s, numbers {@link Double}s, strings, booleans and null as themselves. Malformed text is an
 * {@link IllegalArgumentException} naming the offset. Pure: no I/O.
 */
public final class Json {
    private static final int MAX_DEPTH = 64;
    private final String s;
    private int at;

    private Json(String s) {
        this.s = s;
    }

    /** The value {@code text} holds (whitespace around it allowed). */
    public static Object parse(String text) {
        Json j = new Json(text);
        j.space();
        Object v = j.value(0);
        j.space();
        if (j.at != text.length()) throw j.error("text after the value");
        return v;
    }

    /**
     * The number at {@code path} (object keys) inside {@code root}, or NaN when a key is missing or the value is not
     * a number.
     */
    public static double number(Object root, String... path) {
        Object o = root;
        for (String k : path) {
            if (!(o instanceof Map<?, ?> m)) return Double.NaN;
            o = m.get(k);
        }
        return o instanceof Double d ? d : Double.NaN;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("JSON: " + what + " at offset " + at);
    }

    private void space() {
        while (at < s.length()) {
            char c = s.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            at++;
        }
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        if (at >= s.length()) throw error("end of text where a value was expected");
        char c = s.charAt(at);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> word("true", true);
            case 'f' -> word("false", false);
            case 'n' -> word("null", null);
            default -> number();
        };
    }

    private Object word(String w, Object v) {
        if (!s.startsWith(w, at)) throw error("unexpected character");
        at += w.length();
        return v;
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        at++;
        space();
        if (peek() == '}') {
            at++;
            return m;
        }
        while (true) {
            space();
            if (peek() != '"') throw error("object key expected");
            String k = string();
            space();
            expect(':');
            space();
            m.put(k, value(depth + 1));
            space();
            char c = next();
            if (c == '}') return m;
            if (c != ',') throw error("',' or '}' expected");
        }
    }

    private List<Object> array(int depth) {
        List<Object> l = new ArrayList<>();
        at++;
        space();
        if (peek() == ']') {
            at++;
            return l;
        }
        while (true) {
            space();
            l.add(value(depth + 1));
            space();
            char c = next();
            if (c == ']') return l;
            if (c != ',') throw error("',' or ']' expected");
        }
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') return b.toString();
            if (c < 0x20) throw error("control character in a string");
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (at + 4 > s.length()) throw error("short \\u escape");
                    try {
                        b.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error("bad \\u escape");
                    }
                    at += 4;
                }
                default -> throw error("bad escape");
            }
        }
    }

    private Double number() {
        int start = at;
        while (at < s.length() && "+-0123456789.eE".indexOf(s.charAt(at)) >= 0) at++;
        if (start == at) throw error("unexpected character");
        try {
            return Double.valueOf(s.substring(start, at));
        } catch (NumberFormatException e) {
            at = start;
            throw error("bad number");
        }
    }

    private char peek() {
        if (at >= s.length()) throw error("unexpected end of text");
        return s.charAt(at);
    }

    private char next() {
        char c = peek();
        at++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            at--;
            throw error("'" + c + "' expected");
        }
    }
}
