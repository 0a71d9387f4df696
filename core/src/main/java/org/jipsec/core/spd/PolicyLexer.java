package org.jipsec.core.spd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hand-written scanner for the policy strings of ipsec_set_policy(3) (policy_token.l 1.7; spec §3.1).
 *
 * <p>flex takes the longest match and, on a tie, the first rule; every keyword, decimal number and
 * {@code unique:N} is also a match of the IP-address pattern {@code [a-zA-Z0-9:._]+(%[a-zA-Z0-9]+)?},
 * so a word is scanned with that pattern and then classified: an exact keyword, an all-digit word
 * (DECSTRING), {@code unique:<digits>} (LEVEL_SPECIFY), else IPADDRESS. Ports are {@code [<decimal>]}.
 * Whitespace and newlines separate tokens. Where flex would echo an unknown character and go on,
 * jipsec refuses it (Invalid argument) — a stricter reading documented in the parser.
 */
final class PolicyLexer {

    private static final Map<String, PolicyToken.Kind> KEYWORDS = Map.ofEntries(
            Map.entry("in", PolicyToken.Kind.DIR),
            Map.entry("out", PolicyToken.Kind.DIR),
            Map.entry("fwd", PolicyToken.Kind.DIR),
            Map.entry("priority", PolicyToken.Kind.PRIORITY),
            Map.entry("prio", PolicyToken.Kind.PRIORITY),
            Map.entry("low", PolicyToken.Kind.PRIO_BASE),
            Map.entry("def", PolicyToken.Kind.PRIO_BASE),
            Map.entry("high", PolicyToken.Kind.PRIO_BASE),
            Map.entry("discard", PolicyToken.Kind.ACTION),
            Map.entry("none", PolicyToken.Kind.ACTION),
            Map.entry("ipsec", PolicyToken.Kind.ACTION),
            Map.entry("bypass", PolicyToken.Kind.ACTION),
            Map.entry("entrust", PolicyToken.Kind.ACTION),
            Map.entry("esp", PolicyToken.Kind.PROTOCOL),
            Map.entry("ah", PolicyToken.Kind.PROTOCOL),
            Map.entry("ipcomp", PolicyToken.Kind.PROTOCOL),
            Map.entry("transport", PolicyToken.Kind.MODE),
            Map.entry("tunnel", PolicyToken.Kind.MODE),
            Map.entry("me", PolicyToken.Kind.ME),
            Map.entry("any", PolicyToken.Kind.ANY),
            Map.entry("default", PolicyToken.Kind.LEVEL),
            Map.entry("use", PolicyToken.Kind.LEVEL),
            Map.entry("require", PolicyToken.Kind.LEVEL),
            Map.entry("unique", PolicyToken.Kind.LEVEL));

    private PolicyLexer() {}

    static List<PolicyToken> scan(String s) throws PolicyParseException {
        List<PolicyToken> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n') {
                i++;
            } else if (c == '/') {
                out.add(new PolicyToken(PolicyToken.Kind.SLASH, "/", i++));
            } else if (c == '-') {
                out.add(new PolicyToken(PolicyToken.Kind.HYPHEN, "-", i++));
            } else if (c == '+') {
                out.add(new PolicyToken(PolicyToken.Kind.PLUS, "+", i++));
            } else if (c == '[') {
                int start = i++;
                while (i < n && isDigit(s.charAt(i))) i++;
                if (i == start + 1 || i >= n || s.charAt(i) != ']') {
                    throw new PolicyParseException(
                            IpsecError.INVAL_ARGUMENT,
                            start,
                            s.substring(start, Math.min(n, i + 1)),
                            "port must be [<decimal>]");
                }
                i++;
                out.add(new PolicyToken(PolicyToken.Kind.PORT, s.substring(start, i), start));
            } else if (isWordChar(c)) {
                int start = i;
                while (i < n && isWordChar(s.charAt(i))) i++;
                int wordEnd = i;
                boolean scoped = false;
                if (i + 1 < n && s.charAt(i) == '%' && isAlnum(s.charAt(i + 1))) {
                    i++;
                    while (i < n && isAlnum(s.charAt(i))) i++;
                    scoped = true;
                }
                String text = s.substring(start, i);
                out.add(new PolicyToken(classify(scoped, s.substring(start, wordEnd)), text, start));
            } else {
                throw new PolicyParseException(IpsecError.INVAL_ARGUMENT, i, String.valueOf(c), "unexpected character");
            }
        }
        out.add(new PolicyToken(PolicyToken.Kind.EOF, "", n));
        return out;
    }

    private static PolicyToken.Kind classify(boolean scoped, String word) {
        if (scoped) return PolicyToken.Kind.IPADDRESS;
        PolicyToken.Kind k = KEYWORDS.get(word);
        if (k != null) return k;
        if (allDigits(word, 0)) return PolicyToken.Kind.DECSTRING;
        if (word.startsWith("unique:") && word.length() > 7 && allDigits(word, 7))
            return PolicyToken.Kind.LEVEL_SPECIFY;
        return PolicyToken.Kind.IPADDRESS;
    }

    private static boolean allDigits(String w, int from) {
        for (int i = from; i < w.length(); i++) if (!isDigit(w.charAt(i))) return false;
        return w.length() > from;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlnum(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isWordChar(char c) {
        return isAlnum(c) || c == ':' || c == '.' || c == '_';
    }
}
