package org.jipsec.core.setkey;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.AlgorithmTable;
import org.jipsec.core.crypto.InvalidKeyLengthException;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;

/**
 * The start of setkey's parser (ipsec-tools parse.y; spec §2.3 grammar, §2.4 defaults): {@code add} and
 * {@code spdadd}/{@code spdupdate} are modelled; the other verbs are recognised, skipped to their {@code ;} and
 * returned as {@link OtherStatement} (issue #6 models them). Addresses must be numeric (the core resolves no
 * names). Every error names its line.
 *
 * <pre>
 * add       : "add" aiflags ipandport ipandport proto spi ext* algo ";"
 * proto     : esp | ah | ipcomp | esp-udp [ipaddr]
 * spi       : DECSTRING | HEXSTRING
 * algo      : "-E" ealg [key] ["-A" aalg [key]] | "-A" aalg [key] | "-C" calg ["-R"]
 * key       : QUOTEDSTRING | HEXSTRING
 * ext       : "-f" (random-pad|seq-pad|zero-pad|nocyclic-seq) | "-m" (transport|tunnel|any) | "-u" DEC
 *           | "-r" DEC | "-lh" DEC | "-ls" DEC | "-bh" DEC | "-bs" DEC
 * </pre>
 */
public final class SetkeyParser {

    /** {@code SADB_X_EXT_CYCSEQ}, set by setkey's parse_init. */
    private static final int CYCSEQ = 0x0040;
    private static final int PRAND = 0x0100, PZERO = 0x0200, RAWCPI = 0x0080;

    private final List<Token> toks;
    private int pos;

    private SetkeyParser(List<Token> toks) {
        this.toks = toks;
    }

    /** Parses a whole configuration. */
    public static List<SetkeyStatement> parse(String text) throws SetkeyException {
        SetkeyParser p = new SetkeyParser(SetkeyLexer.tokenize(text));
        List<SetkeyStatement> out = new ArrayList<>();
        while (p.peek().kind() != Token.Kind.EOF) {
            SetkeyStatement s = p.statement();
            if (s != null) out.add(s);
        }
        return out;
    }

    private Token peek() { return toks.get(pos); }

    private Token next() {
        Token t = toks.get(pos);
        if (t.kind() != Token.Kind.EOF) pos++;
        return t;
    }

    private SetkeyException error(Token t, String msg) {
        return new SetkeyException(t.line(), msg + " at [" + t + "]");
    }

    private SetkeyStatement statement() throws SetkeyException {
        Token verb = next();
        if (verb.kind() == Token.Kind.SEMI) return null; // empty statement
        if (verb.kind() != Token.Kind.WORD) throw error(verb, "syntax error: a statement starts with a command");
        return switch (verb.text()) {
            case "add" -> add(verb);
            case "spdadd", "spdupdate" -> spdadd(verb);
            case "delete", "deleteall", "get", "flush", "dump", "spddelete", "spddump", "spdflush", "exit",
                 "quit", "bye" -> {
                skipToSemi(verb);
                yield new OtherStatement(verb.line(), verb.text());
            }
            case "update" -> throw error(verb, "'update' is not a setkey command");
            default -> throw error(verb, "syntax error: unknown command");
        };
    }

    private void skipToSemi(Token start) throws SetkeyException {
        while (true) {
            Token t = next();
            if (t.kind() == Token.Kind.SEMI) return;
            if (t.kind() == Token.Kind.EOF) throw new SetkeyException(start.line(), "'" + start.text() + "' is not terminated by ';'");
        }
    }

    private void expectSemi() throws SetkeyException {
        Token t = next();
        if (t.kind() != Token.Kind.SEMI) throw error(t, "syntax error: ';' expected");
    }

    // ---- add ---------------------------------------------------------------------------------------------

    private AddStatement add(Token verb) throws SetkeyException {
        int family = aiflags();
        Endpoint src = ipAndPort(family);
        Endpoint dst = ipAndPort(family);
        if ((src.address() instanceof Inet6Address) != (dst.address() instanceof Inet6Address))
            throw new SetkeyException(verb.line(), "source and destination address families differ");
        Token pt = next();
        if (pt.kind() != Token.Kind.WORD) throw error(pt, "syntax error: protocol expected");
        IpsecProtocol proto;
        boolean espUdp = false;
        InetAddress natOa = null;
        switch (pt.text()) {
            case "esp" -> proto = IpsecProtocol.ESP;
            case "ah" -> proto = IpsecProtocol.AH;
            case "ipcomp" -> proto = IpsecProtocol.IPCOMP;
            case "esp-udp" -> {
                proto = IpsecProtocol.ESP;
                espUdp = true;
                if (peek().kind() == Token.Kind.WORD && looksLikeAddress(peek().text())) natOa = address(next(), 0);
            }
            case "esp-old", "ah-old" -> throw error(pt, "RFC 1827/1826 (" + pt.text() + ") SAs are not supported");
            case "tcp" -> throw error(pt, "TCP-MD5 SAs are not supported by the data plane");
            default -> throw error(pt, "syntax error: unknown protocol");
        }
        Token st = next();
        long spi = number(st, "invalid SPI", 0xffffffffL, "SPI too big.");

        IpsecMode mode = IpsecMode.ANY;
        int reqid = 0, replay = 0, flags = CYCSEQ;
        long lh = 0, ls = 0, bh = 0, bs = 0;
        Algorithm enc = null, auth = null;
        byte[] encKey = null, authKey = null;
        boolean sawAlgo = false;
        while (peek().kind() == Token.Kind.FLAG) {
            Token f = next();
            switch (f.text()) {
                case "-m" -> {
                    Token m = next();
                    mode = switch (m.text()) {
                        case "transport" -> IpsecMode.TRANSPORT;
                        case "tunnel" -> IpsecMode.TUNNEL;
                        case "any" -> IpsecMode.ANY;
                        default -> throw error(m, "syntax error: mode must be transport, tunnel or any");
                    };
                }
                case "-u" -> reqid = (int) number(next(), "invalid reqid", 0xffffffffL, "reqid too big");
                case "-r" -> {
                    replay = (int) number(next(), "invalid replay window", 255, "replay window too big (at most 255 bytes)");
                }
                case "-f" -> {
                    Token v = next();
                    switch (v.text()) {
                        case "random-pad" -> flags = (flags & ~0x0300) | PRAND;
                        case "zero-pad" -> flags = (flags & ~0x0300) | PZERO;
                        case "seq-pad" -> flags = flags & ~0x0300;
                        case "nocyclic-seq" -> flags &= ~CYCSEQ;
                        default -> throw error(v, "syntax error: -f takes random-pad, seq-pad, zero-pad or nocyclic-seq");
                    }
                }
                case "-lh" -> lh = number(next(), "invalid lifetime", Long.MAX_VALUE, "");
                case "-ls" -> ls = number(next(), "invalid lifetime", Long.MAX_VALUE, "");
                case "-bh" -> bh = number(next(), "invalid byte lifetime", Long.MAX_VALUE, "");
                case "-bs" -> bs = number(next(), "invalid byte lifetime", Long.MAX_VALUE, "");
                case "-ctx" -> throw error(f, "-ctx (security context) is compiled out on NetBSD");
                case "-E" -> {
                    if (sawAlgo) throw error(f, "syntax error: -E must come first in the algorithm list");
                    if (proto != IpsecProtocol.ESP) throw error(f, "-E is for ESP SAs");
                    enc = algorithm(next(), AlgorithmKind.ENCRYPTION);
                    encKey = key(enc);
                    sawAlgo = true;
                }
                case "-A" -> {
                    if (auth != null) throw error(f, "syntax error: -A given twice");
                    if (proto == IpsecProtocol.IPCOMP) throw error(f, "IPComp SAs take no -A algorithm");
                    auth = algorithm(next(), AlgorithmKind.AUTHENTICATION);
                    authKey = key(auth);
                    sawAlgo = true;
                }
                case "-C" -> {
                    if (proto != IpsecProtocol.IPCOMP) throw error(f, "-C is for IPComp SAs");
                    enc = algorithm(next(), AlgorithmKind.COMPRESSION);
                    sawAlgo = true;
                    if (peek().kind() == Token.Kind.FLAG && peek().text().equals("-R")) {
                        next();
                        flags |= RAWCPI;
                    }
                }
                default -> throw error(f, "syntax error: unknown option");
            }
        }
        if (!sawAlgo) throw error(peek(), "syntax error: algorithm (-E, -A or -C) expected");
        if (proto == IpsecProtocol.ESP && enc == null) throw new SetkeyException(verb.line(), "ESP SA needs -E (use -E null for none)");
        if (proto == IpsecProtocol.AH && auth == null) throw new SetkeyException(verb.line(), "AH SA needs -A");
        if (enc != null && enc.combinedMode() && auth != null)
            throw new SetkeyException(verb.line(), enc.name() + " is a combined-mode algorithm: no -A allowed");
        if ((proto == IpsecProtocol.ESP || proto == IpsecProtocol.AH) && spi <= 255)
            throw new SetkeyException(st.line(), "SPI " + spi + " is reserved (0 to 255)");
        if (proto == IpsecProtocol.IPCOMP && (flags & RAWCPI) == 0 && spi >= 0x10000)
            throw new SetkeyException(st.line(), "IPComp CPI must be below 0x10000 (or use -R)");
        expectSemi();
        if (espUdp) {
            if (src.port() == 0) src = src.withPort(4500); // DEFAULT_NATT_PORT
            if (dst.port() == 0) dst = dst.withPort(4500);
        }
        return new AddStatement(verb.line(), src, dst, proto, espUdp, natOa, spi, mode, reqid, replay, flags,
                enc, encKey, auth, authKey, lh, ls, bh, bs);
    }

    /** {@code -4}, {@code -6}, {@code -n} in any combination; returns 4, 6 or 0 (any). */
    private int aiflags() throws SetkeyException {
        int family = 0;
        while (peek().kind() == Token.Kind.FLAG && peek().text().matches("-[46n]+")) {
            String f = next().text();
            if (f.contains("4") && !f.contains("6")) family = 4;
            else if (f.contains("6") && !f.contains("4")) family = 6;
        }
        return family;
    }

    private Endpoint ipAndPort(int family) throws SetkeyException {
        Token t = next();
        InetAddress a = address(t, family);
        int port = portstr();
        return new Endpoint(a, port);
    }

    private int portstr() throws SetkeyException {
        if (peek().kind() != Token.Kind.LBRACKET) return 0;
        next();
        Token p = next();
        int port;
        if (p.kind() == Token.Kind.WORD && p.text().equals("any")) port = 0;
        else port = (int) number(p, "invalid port", 0xffff, "port out of range");
        Token r = next();
        if (r.kind() != Token.Kind.RBRACKET) throw error(r, "syntax error: ']' expected");
        return port;
    }

    private static boolean looksLikeAddress(String s) {
        return s.matches("[0-9.]+") || s.contains(":");
    }

    private InetAddress address(Token t, int family) throws SetkeyException {
        if (t.kind() != Token.Kind.WORD && t.kind() != Token.Kind.DEC) throw error(t, "syntax error: address expected");
        String s = t.text();
        int pct = s.indexOf('%');
        String lit = pct >= 0 ? s.substring(0, pct) : s;
        boolean v4 = lit.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = !v4 && lit.matches("[0-9A-Fa-f:.]+") && lit.contains(":");
        if (!v4 && !v6) throw error(t, "host names are not resolved (give a numeric address)");
        try {
            InetAddress a = InetAddress.getByName(s); // a literal: no name lookup happens
            if (family == 4 && !(a instanceof Inet4Address)) throw error(t, "not an IPv4 address (-4 given)");
            if (family == 6 && !(a instanceof Inet6Address)) throw error(t, "not an IPv6 address (-6 given)");
            return a;
        } catch (UnknownHostException | RuntimeException e) {
            throw error(t, "invalid address");
        }
    }

    private long number(Token t, String bad, long max, String tooBig) throws SetkeyException {
        long v;
        try {
            if (t.kind() == Token.Kind.DEC) {
                if (t.text().length() > 19) throw error(t, tooBig.isEmpty() ? bad : tooBig);
                v = Long.parseLong(t.text());
            } else if (t.kind() == Token.Kind.HEX) {
                String h = t.text().substring(2);
                if (h.replaceFirst("^0+", "").length() > 16) throw error(t, tooBig.isEmpty() ? bad : tooBig);
                v = Long.parseUnsignedLong(h, 16);
                if (v < 0) throw error(t, tooBig.isEmpty() ? bad : tooBig);
            } else {
                throw error(t, bad);
            }
        } catch (NumberFormatException e) {
            throw error(t, bad);
        }
        if (v > max) throw error(t, tooBig.isEmpty() ? bad : tooBig);
        return v;
    }

    private Algorithm algorithm(Token t, AlgorithmKind kind) throws SetkeyException {
        if (t.kind() != Token.Kind.WORD) throw error(t, "syntax error: algorithm name expected");
        return AlgorithmTable.byName(kind, t.text())
                .orElseThrow(() -> error(t, "unknown " + kind.name().toLowerCase(Locale.ROOT) + " algorithm (see 'jipsec algorithms')"));
    }

    /** The optional key after an algorithm name; required unless the algorithm takes a 0-bit key. */
    private byte[] key(Algorithm alg) throws SetkeyException {
        Token t = peek();
        byte[] key;
        if (t.kind() == Token.Kind.QUOTED) {
            next();
            key = t.text().getBytes(StandardCharsets.ISO_8859_1);
        } else if (t.kind() == Token.Kind.HEX) {
            next();
            String h = t.text().substring(2);
            if (h.length() % 2 == 1) h = "0" + h; // parse.y: an odd digit count makes the first digit a lone nibble
            key = HexFormat.of().parseHex(h);
        } else {
            if (alg.keyBits().allows(0)) return new byte[0];
            throw error(t, alg.name() + " needs a key (0x… or \"…\")");
        }
        try {
            alg.checkKeyBits(key.length * 8);
        } catch (InvalidKeyLengthException e) {
            throw new SetkeyException(t.line(), e.getMessage());
        }
        return key;
    }

    // ---- spdadd ------------------------------------------------------------------------------------------

    private SpdAddStatement spdadd(Token verb) throws SetkeyException {
        if (peek().kind() == Token.Kind.WORD && peek().text().equals("tagged"))
            throw error(peek(), "'spdadd tagged' needs SADB_X_EXT_TAG, which NetBSD does not have");
        int family = aiflags();
        Token st = next();
        InetAddress src = address(st, family);
        int sp = prefix(src);
        int sport = portstr();
        Token dt = next();
        InetAddress dst = address(dt, family);
        int dp = prefix(dst);
        int dport = portstr();
        if ((src instanceof Inet6Address) != (dst instanceof Inet6Address))
            throw new SetkeyException(verb.line(), "source and destination address families differ");
        Token ut = next();
        int upper = switch (ut.text()) {
            case "any" -> 255;
            case "tcp" -> 6;
            case "udp" -> 17;
            case "icmp" -> 1;
            case "icmp6", "ipv6-icmp" -> 58;
            case "ip4", "ipencap" -> 4;
            case "gre" -> 47;
            case "esp" -> 50;
            case "ah" -> 51;
            default -> {
                if (ut.kind() == Token.Kind.DEC) yield (int) number(ut, "invalid upper layer protocol", 255, "invalid upper layer protocol");
                throw error(ut, "invalid upper layer protocol");
            }
        };
        // upper_misc (ICMP type,code or GRE key) is accepted and not modelled yet (issue #5)
        while (peek().kind() == Token.Kind.DEC || (peek().kind() == Token.Kind.WORD && peek().text().matches("[0-9,.]+"))) next();
        Token p = next();
        if (p.kind() != Token.Kind.FLAG || !p.text().equals("-P")) throw error(p, "syntax error: -P policy expected");
        Token pol = next();
        if (pol.kind() != Token.Kind.POLICY || pol.text().isEmpty()) throw error(pol, "syntax error: policy expected after -P");
        expectSemi();
        return new SpdAddStatement(verb.line(), verb.text().equals("spdupdate"), src, sp, sport, dst, dp, dport, upper, pol.text());
    }

    private int prefix(InetAddress a) throws SetkeyException {
        int full = a instanceof Inet6Address ? 128 : 32;
        if (peek().kind() != Token.Kind.SLASH) return full;
        next();
        Token t = next();
        return (int) number(t, "invalid prefix length", full, "invalid prefix length");
    }
}
