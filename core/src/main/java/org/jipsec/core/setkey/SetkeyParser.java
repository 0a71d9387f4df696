package org.jipsec.core.setkey;

import static org.jipsec.core.setkey.SetkeyTokens.error;
import static org.jipsec.core.setkey.SetkeyTokens.keyError;
import static org.jipsec.core.setkey.SetkeyTokens.number;
import static org.jipsec.core.setkey.SetkeyTokens.syntax;
import static org.jipsec.core.setkey.SetkeyTokens.upperMisc;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.AlgorithmTable;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.setkey.dump.Protocols;

/**
 * setkey's parser (ipsec-tools parse.y 1.14; spec §2.3 grammar, §2.4 defaults). The whole input is parsed before
 * anything is sent (see {@link SetkeyRunner}); errors carry the line and the token, as yyerror prints them:
 * {@code line N: msg at [token]}. Host names go through an injected {@link HostResolver} (numeric only by default),
 * key lengths through an injected {@link KeyLengthCheck} (the daemon's SUPPORTED lists, spec §2.1).
 *
 * <pre>
 * add       : "add" aiflags ipandport ipandport proto spi ext* algo ";"
 * update    : "update" aiflags ipandport ipandport proto spi ext* algo ";"   (NetBSD: SADB_UPDATE)
 * getspi    : "getspi" aiflags ipandport ipandport proto spi ext* ";"        (NetBSD: SADB_GETSPI, SPI range spi-spi)
 * get       : "get" aiflags ipandport ipandport proto spi ext* ";"
 * delete    : "delete" aiflags ipandport ipandport proto spi ext* ";"
 * deleteall : "deleteall" aiflags ipaddr ipaddr proto ";"
 * flush     : "flush" [proto] ";"          dump : "dump" [proto] ";"
 * spdadd    : "spdadd" aiflags STRING prefix portstr STRING prefix portstr upper [upper_misc] "-P" policy ";"
 * spdupdate, spddelete : the same;  spddump ";"  spdflush ";"  ("exit"|"quit"|"bye") ";"
 * proto     : esp | esp-old | ah | ah-old | ipcomp | esp-udp [ipaddr] | tcp
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

    private static final int OLD = 0x0001, PRAND = 0x0100, PZERO = 0x0200, PMASK = 0x0300, RAWCPI = 0x0080;
    private static final int IV4B = AlgorithmTable.SADB_X_EXT_IV4B, DERIV = AlgorithmTable.SADB_X_EXT_DERIV;

    private final List<Token> toks;
    private final HostResolver resolver;
    private final KeyLengthCheck keyCheck;
    private final List<String> warnings = new ArrayList<>();
    private int pos;

    private SetkeyParser(List<Token> toks, HostResolver resolver, KeyLengthCheck keyCheck) {
        this.toks = toks;
        this.resolver = resolver;
        this.keyCheck = keyCheck;
    }

    /** Parses a whole configuration with numeric addresses and the algorithm table's key lengths. */
    public static List<SetkeyStatement> parse(String text) throws SetkeyException {
        return parse(text, HostResolver.NUMERIC, KeyLengthCheck.TABLE).statements();
    }

    /** Parses a whole input; nothing is half-parsed: either every statement or an exception naming the line. */
    public static SetkeyScript parse(String text, HostResolver resolver, KeyLengthCheck keyCheck)
            throws SetkeyException {
        SetkeyParser p = new SetkeyParser(SetkeyLexer.tokenize(text), resolver, keyCheck);
        List<SetkeyStatement> out = new ArrayList<>();
        while (p.peek().kind() != Token.Kind.EOF) p.statement(out);
        return new SetkeyScript(out, p.warnings);
    }

    /**
     * A parser over already-lexed tokens that is read one statement at a time with {@link #nextStatement()}: NetBSD's
     * setkey sends each statement as soon as the grammar has read it ({@link SetkeyRunner}'s default mode).
     */
    public static SetkeyParser over(List<Token> toks, HostResolver resolver, KeyLengthCheck keyCheck) {
        return new SetkeyParser(List.copyOf(toks), resolver, keyCheck);
    }

    /** Whether every statement has been read. */
    public boolean atEnd() {
        return peek().kind() == Token.Kind.EOF;
    }

    /**
     * The next statement (several for an {@code add} naming host names with several addresses; none for a lone
     * {@code ;}); on an error the parser stays where the error was found.
     */
    public List<SetkeyStatement> nextStatement() throws SetkeyException {
        List<SetkeyStatement> out = new ArrayList<>();
        statement(out);
        return out;
    }

    /** The line of the last token read (yacc's {@code lineno} when a statement's action runs: its {@code ;}). */
    public int lastLine() {
        return pos == 0 ? toks.get(0).line() : toks.get(pos - 1).line();
    }

    /** The warnings found since the last call (parse.y prints them through yyerror and goes on). */
    public List<String> takeWarnings() {
        List<String> w = List.copyOf(warnings);
        warnings.clear();
        return w;
    }

    private Token peek() {
        return toks.get(pos);
    }

    private Token next() {
        Token t = toks.get(pos);
        if (t.kind() != Token.Kind.EOF) pos++;
        return t;
    }

    private void statement(List<SetkeyStatement> out) throws SetkeyException {
        Token verb = next();
        if (verb.kind() == Token.Kind.SEMI) return; // empty statement
        if (verb.kind() != Token.Kind.WORD) throw syntax(verb);
        switch (verb.text()) {
            case "add", "update" -> add(verb, out); // NetBSD parse.y: update takes add's grammar, sends SADB_UPDATE
            case "get", "delete" -> out.add(getDelete(verb));
            case "getspi" -> out.add(getspi(verb));
            case "deleteall" -> deleteAll(verb, out);
            case "flush", "dump" -> {
                SaType t = SaType.UNSPEC;
                if (peek().kind() == Token.Kind.WORD) t = protocol(next()).saType;
                expectSemi();
                out.add(new BareStatement(
                        verb.line(),
                        verb.text().equals("flush") ? BareStatement.Verb.FLUSH : BareStatement.Verb.DUMP,
                        t));
            }
            case "spdflush", "spddump", "exit", "quit", "bye" -> {
                expectSemi();
                BareStatement.Verb v = switch (verb.text()) {
                    case "spdflush" -> BareStatement.Verb.SPDFLUSH;
                    case "spddump" -> BareStatement.Verb.SPDDUMP;
                    default -> BareStatement.Verb.EXIT;
                };
                out.add(new BareStatement(verb.line(), v, SaType.UNSPEC));
            }
            case "spdadd", "spdupdate", "spddelete" -> out.add(spd(verb));
            default -> throw syntax(verb);
        }
    }

    private void expectSemi() throws SetkeyException {
        Token t = next();
        if (t.kind() != Token.Kind.SEMI) throw syntax(t);
    }

    // ---- protocols --------------------------------------------------------------------------------------

    private record Proto(SaType saType, IpsecProtocol protocol, boolean old, boolean espUdp) {}

    private static Proto protocolOrNull(String w) {
        return switch (w) {
            case "esp" -> new Proto(SaType.ESP, IpsecProtocol.ESP, false, false);
            case "esp-old" -> new Proto(SaType.ESP, IpsecProtocol.ESP, true, false);
            case "ah" -> new Proto(SaType.AH, IpsecProtocol.AH, false, false);
            case "ah-old" -> new Proto(SaType.AH, IpsecProtocol.AH, true, false);
            case "ipcomp" -> new Proto(SaType.IPCOMP, IpsecProtocol.IPCOMP, false, false);
            case "esp-udp" -> new Proto(SaType.ESP, IpsecProtocol.ESP, false, true);
            case "tcp" -> new Proto(SaType.TCPSIGNATURE, null, false, false);
            default -> null;
        };
    }

    private Proto protocol(Token t) throws SetkeyException {
        Proto p = t.kind() == Token.Kind.WORD ? protocolOrNull(t.text()) : null;
        if (p == null) throw syntax(t);
        return p;
    }

    // ---- add / get / delete -----------------------------------------------------------------------------

    /** Values of the ext* part (parse_init defaults). */
    private static final class Ext {
        IpsecMode mode = IpsecMode.ANY;
        boolean modeGiven;
        int reqid, replay, flags = CYCSEQ;
        long lh, ls, bh, bs;
    }

    private boolean ext(Ext e, Proto proto) throws SetkeyException {
        Token f = peek();
        if (f.kind() != Token.Kind.FLAG) return false;
        switch (f.text()) {
            case "-m" -> {
                next();
                Token m = next();
                e.mode = switch (m.text()) {
                    case "transport" -> IpsecMode.TRANSPORT;
                    case "tunnel" -> IpsecMode.TUNNEL;
                    case "any" -> IpsecMode.ANY;
                    default -> throw syntax(m);
                };
                e.modeGiven = true;
            }
            case "-u" -> {
                next();
                e.reqid = (int) number(next(), 0xffffffffL);
            }
            case "-r" -> {
                next();
                Token v = next();
                if (proto.old) throw error(v, "replay prevention cannot be used with ah/esp-old");
                e.replay = (int) number(v, 255);
            }
            case "-f" -> {
                next();
                Token v = next();
                switch (v.text()) {
                    case "random-pad" -> e.flags = (e.flags & ~PMASK) | PRAND;
                    case "zero-pad" -> e.flags = (e.flags & ~PMASK) | PZERO;
                    case "seq-pad" -> e.flags = e.flags & ~PMASK;
                    case "nocyclic-seq" -> e.flags &= ~CYCSEQ;
                    default -> throw syntax(v);
                }
            }
            case "-lh" -> {
                next();
                e.lh = number(next(), 0xffffffffL);
            }
            case "-ls" -> {
                next();
                e.ls = number(next(), 0xffffffffL);
            }
            case "-bh" -> {
                next();
                e.bh = number(next(), 0xffffffffL);
            }
            case "-bs" -> {
                next();
                e.bs = number(next(), 0xffffffffL);
            }
            case "-ctx" -> throw error(f, "-ctx (security context) is not compiled in");
            default -> {
                return false;
            }
        }
        return true;
    }

    private void add(Token verb, List<SetkeyStatement> out) throws SetkeyException {
        int[] ai = aiflags();
        List<Endpoint> srcs = ipAndPort(ai);
        List<Endpoint> dsts = ipAndPort(ai);
        Proto proto = protocol(next());
        InetAddress natOa = null;
        if (proto.espUdp && peek().kind() == Token.Kind.WORD && looksLikeAddress(peek().text())) {
            natOa = resolveOne(next(), ai);
        }
        Token st = next();
        long spi = spi(st);
        Ext e = new Ext();
        while (ext(e, proto)) {
            /* ext* */
        }
        if (proto.old) e.flags |= OLD;
        Algorithm enc = null, auth = null;
        byte[] encKey = null, authKey = null;
        Token f = next();
        if (f.kind() != Token.Kind.FLAG) throw syntax(f);
        switch (f.text()) {
            case "-E" -> {
                Token name = next();
                enc = algorithm(name, AlgorithmKind.ENCRYPTION);
                int flagBits = enc.saFlagsFor(name.text());
                if ((flagBits & DERIV) != 0 && proto.old) throw error(name, "des-deriv cannot be used with esp-old");
                if ((flagBits & IV4B) != 0 && !proto.old) throw error(name, "des-32iv must be used with esp-old");
                if (name.text().equals("simple")) warnings.add("WARNING: obsolete algorithm");
                e.flags |= flagBits;
                encKey =
                        key(enc, name, name.text().equals("null") || name.text().equals("simple"));
                if (peek().kind() == Token.Kind.FLAG && peek().text().equals("-A")) {
                    next();
                    Token an = next();
                    auth = algorithm(an, AlgorithmKind.AUTHENTICATION);
                    authKey = key(auth, an, an.text().equals("null"));
                }
            }
            case "-A" -> {
                Token an = next();
                auth = algorithm(an, AlgorithmKind.AUTHENTICATION);
                authKey = key(auth, an, an.text().equals("null"));
            }
            case "-C" -> {
                Token cn = next();
                enc = algorithm(cn, AlgorithmKind.COMPRESSION);
                if (peek().kind() == Token.Kind.FLAG && peek().text().equals("-R")) {
                    next();
                    e.flags |= RAWCPI;
                }
            }
            default -> throw syntax(f);
        }
        // the rest of the ext list may follow the algorithms too (parse.y: extension_spec after algorithm_spec)
        while (ext(e, proto)) {
            /* ext* */
        }
        expectSemi();
        if (proto.saType == SaType.IPCOMP && enc != null && enc.kind() != AlgorithmKind.COMPRESSION)
            throw new SetkeyException(verb.line(), "IPComp SAs take -C");
        if (proto.saType != SaType.IPCOMP && enc != null && enc.kind() == AlgorithmKind.COMPRESSION)
            throw new SetkeyException(verb.line(), "-C is for IPComp SAs");
        if (proto.saType == SaType.AH && enc != null) throw new SetkeyException(verb.line(), "AH SAs take no -E");
        if (proto.saType == SaType.TCPSIGNATURE && (auth == null || !auth.name().equals("tcp-md5")))
            throw new SetkeyException(verb.line(), "TCP-MD5 SAs take -A tcp-md5");
        if (enc != null && enc.combinedMode() && auth != null)
            throw new SetkeyException(verb.line(), enc.name() + " is a combined-mode algorithm: no -A allowed");
        List<Endpoint[]> pairs = pairs(verb, srcs, dsts);
        for (Endpoint[] pair : pairs) {
            Endpoint src = pair[0], dst = pair[1];
            if (proto.espUdp) {
                if (src.port() == 0) src = src.withPort(4500); // DEFAULT_NATT_PORT
                if (dst.port() == 0) dst = dst.withPort(4500);
            }
            out.add(new AddStatement(
                    verb.line(),
                    src,
                    dst,
                    proto.protocol,
                    proto.espUdp,
                    natOa,
                    spi,
                    e.mode,
                    e.reqid,
                    e.replay,
                    e.flags,
                    enc,
                    encKey,
                    auth,
                    authKey,
                    e.lh,
                    e.ls,
                    e.bh,
                    e.bs,
                    proto.saType,
                    verb.text().equals("update")));
        }
        if (encKey != null) java.util.Arrays.fill(encKey, (byte) 0);
        if (authKey != null) java.util.Arrays.fill(authKey, (byte) 0);
    }

    /** setkeymsg_add: one message per (src, dst) pair of the same family. */
    private static List<Endpoint[]> pairs(Token verb, List<Endpoint> srcs, List<Endpoint> dsts) throws SetkeyException {
        List<Endpoint[]> pairs = new ArrayList<>();
        for (Endpoint s : srcs) for (Endpoint d : dsts) if (s.isIpv6() == d.isIpv6()) pairs.add(new Endpoint[] {s, d});
        if (pairs.isEmpty()) throw new SetkeyException(verb.line(), "address family mismatch");
        return pairs;
    }

    /** {@code src dst proto spi extensions ;} of one SA, as get, delete and getspi take it (one address each). */
    private record OneSa(Endpoint src, Endpoint dst, Proto proto, long spi, Ext ext) {}

    private OneSa oneSa(Token verb) throws SetkeyException {
        int[] ai = aiflags();
        List<Endpoint> srcs = ipAndPort(ai);
        List<Endpoint> dsts = ipAndPort(ai);
        Proto proto = protocol(next());
        long spi = spi(next());
        Ext e = new Ext();
        while (ext(e, proto)) {
            /* ext* */
        }
        Token semi = peek();
        expectSemi();
        if (srcs.size() != 1 || dsts.size() != 1) throw error(semi, "multiple address specified");
        if (srcs.get(0).isIpv6() != dsts.get(0).isIpv6())
            throw new SetkeyException(verb.line(), "address family mismatch");
        return new OneSa(srcs.get(0), dsts.get(0), proto, spi, e);
    }

    private SaKeyStatement getDelete(Token verb) throws SetkeyException {
        OneSa sa = oneSa(verb);
        Ext e = sa.ext();
        if (e.modeGiven) warnings.add("WARNING: mode is obsolete");
        if (sa.proto().old) e.flags |= OLD;
        return new SaKeyStatement(
                verb.line(),
                verb.text().equals("delete"),
                sa.src(),
                sa.dst(),
                sa.proto().saType,
                sa.spi(),
                e.mode,
                e.reqid,
                e.flags);
    }

    private GetspiStatement getspi(Token verb) throws SetkeyException {
        OneSa sa = oneSa(verb);
        return new GetspiStatement(
                verb.line(), sa.src(), sa.dst(), sa.proto().saType, sa.spi(), sa.ext().mode, sa.ext().reqid);
    }

    private void deleteAll(Token verb, List<SetkeyStatement> out) throws SetkeyException {
        int[] ai = aiflags();
        List<InetAddress> srcs = resolve(next(), ai);
        List<InetAddress> dsts = resolve(next(), ai);
        Proto proto = protocol(next());
        expectSemi();
        boolean any = false;
        for (InetAddress s : srcs) {
            for (InetAddress d : dsts) {
                if ((s instanceof Inet6Address) != (d instanceof Inet6Address)) continue;
                out.add(new DeleteAllStatement(verb.line(), s, d, proto.saType));
                any = true;
            }
        }
        if (!any) throw new SetkeyException(verb.line(), "address family mismatch");
    }

    private long spi(Token t) throws SetkeyException {
        if (t.kind() == Token.Kind.HEX) {
            String h = t.text().substring(2).replaceFirst("^0+(?=.)", "");
            if (h.length() > 8) throw error(t, "SPI too big.");
            return Long.parseLong(h, 16);
        }
        if (t.kind() != Token.Kind.DEC) throw error(t, "invalid SPI");
        return number(t, 0xffffffffL);
    }

    /** {@code -4}, {@code -6}, {@code -n} in any combination: {family (0/4/6), numeric (0/1)}. */
    private int[] aiflags() {
        int family = 0, numeric = 0;
        while (peek().kind() == Token.Kind.FLAG && peek().text().matches("-[46n]+")) {
            for (char c : next().text().substring(1).toCharArray()) {
                if (c == '4') family = 4;
                else if (c == '6') family = 6;
                else numeric = 1;
            }
        }
        return new int[] {family, numeric};
    }

    private List<Endpoint> ipAndPort(int[] ai) throws SetkeyException {
        Token t = next();
        List<InetAddress> as = resolve(t, ai);
        int port = portstr();
        List<Endpoint> out = new ArrayList<>();
        for (InetAddress a : as) out.add(new Endpoint(a, port));
        return out;
    }

    private int portstr() throws SetkeyException {
        if (peek().kind() != Token.Kind.LBRACKET) return 0;
        next();
        Token p = next();
        int port;
        if (p.kind() == Token.Kind.WORD && p.text().equals("any")) port = 0;
        else if (p.kind() == Token.Kind.WORD) {
            OptionalInt s = Protocols.service(p.text());
            if (s.isEmpty()) throw error(p, "invalid port");
            port = s.getAsInt();
        } else port = (int) number(p, 0xffff);
        Token r = next();
        if (r.kind() != Token.Kind.RBRACKET) throw syntax(r);
        return port;
    }

    private static boolean looksLikeAddress(String s) {
        return s.matches("[0-9.]+") || s.contains(":") || s.contains(".");
    }

    private List<InetAddress> resolve(Token t, int[] ai) throws SetkeyException {
        if (t.kind() != Token.Kind.WORD && t.kind() != Token.Kind.DEC) throw syntax(t);
        try {
            List<InetAddress> r = resolver.resolve(t.text(), ai[0], ai[1] == 1);
            if (r == null || r.isEmpty()) throw error(t, "Name or service not known");
            return r;
        } catch (UnknownHostException e) {
            // the resolver's message repeats the name (a key typed in an address's place): the token is shown by
            // error(), hidden when it may be a key
            String m = e.getMessage();
            throw error(t, m == null || m.contains(t.text()) ? "Name or service not known" : m);
        } catch (RuntimeException e) {
            throw error(t, "Name or service not known");
        }
    }

    private InetAddress resolveOne(Token t, int[] ai) throws SetkeyException {
        List<InetAddress> r = resolve(t, ai);
        if (r.size() != 1) throw error(t, "multiple address specified");
        return r.get(0);
    }

    private Algorithm algorithm(Token t, AlgorithmKind kind) throws SetkeyException {
        if (t.kind() != Token.Kind.WORD) throw syntax(t);
        // token.l knows twofish-cbc, but NetBSD has no number for it (value -1): parse.y's message
        if (kind == AlgorithmKind.ENCRYPTION && t.text().equals("twofish-cbc")) throw error(t, "unsupported algorithm");
        return AlgorithmTable.byName(kind, t.text()).orElseThrow(() -> syntax(t));
    }

    /**
     * The key after an algorithm name. {@code noKey} names ({@code -E null}, {@code -E simple}, {@code -A null}) take
     * none (setkey's ALG_*_NOKEY tokens); the others need {@code 0x…} or {@code "…"}, checked by {@link #keyCheck}.
     */
    private byte[] key(Algorithm alg, Token name, boolean noKey) throws SetkeyException {
        if (noKey) return new byte[0];
        Token t = next();
        byte[] key;
        if (t.kind() == Token.Kind.QUOTED) {
            key = t.text().getBytes(StandardCharsets.ISO_8859_1);
        } else if (t.kind() == Token.Kind.HEX) {
            String h = t.text().substring(2);
            if (h.length() % 2 == 1) h = "0" + h; // parse.y: an odd digit count makes the first digit a lone nibble
            key = HexFormat.of().parseHex(h);
        } else if (t.kind() == Token.Kind.EOF || t.kind() == Token.Kind.SEMI || t.kind() == Token.Kind.FLAG) {
            throw syntax(t); // no key at all: the token is the statement's structure, safe to show
        } else {
            throw keyError(t, "syntax error");
        }
        String refused;
        String allowed;
        if (alg.kind() == AlgorithmKind.AUTHENTICATION && alg.name().equals("tcp-md5")) {
            // parse.y: tcp-md5 keys are 1..80 bytes, not checked against the kernel's lists
            refused = key.length >= 1 && key.length <= 80 ? null : KeyLengthCheck.INVALID_KEY_LENGTH;
            allowed = "8 to 640";
        } else {
            refused = keyCheck.refuse(alg, key.length * 8);
            allowed = alg.keyBits().describe();
        }
        if (refused != null) {
            int bits = key.length * 8;
            java.util.Arrays.fill(key, (byte) 0);
            // issue #12: the length and the algorithm, never the key (NetBSD prints the key token here)
            if (refused.equals(KeyLengthCheck.INVALID_KEY_LENGTH)) {
                throw new SetkeyException(
                        t.line(), refused + " for " + name.text() + ": " + bits + " bits (allowed: " + allowed + ")");
            }
            throw error(name, refused);
        }
        return key;
    }

    // ---- spdadd / spdupdate / spddelete ---------------------------------------------------------------------

    private SetkeyStatement spd(Token verb) throws SetkeyException {
        if (peek().kind() == Token.Kind.WORD && peek().text().equals("tagged"))
            throw error(peek(), "'tagged' policies need SADB_X_EXT_TAG, which NetBSD does not have");
        int[] ai = aiflags();
        Token st = next();
        InetAddress src = resolveOne(st, ai);
        int sp = prefix(src);
        int sport = portstr();
        Token dt = next();
        InetAddress dst = resolveOne(dt, ai);
        int dp = prefix(dst);
        int dport = portstr();
        if ((src instanceof Inet6Address) != (dst instanceof Inet6Address)) throw error(dt, "address family mismatch");
        Token ut = next();
        int upper = upper(ut);
        // upper_misc (fix_portstr): ICMP/ICMPv6/MH "type[,code]", GRE "a.b.c.d" or a 32-bit key
        Token misc = peek();
        if (misc.kind() == Token.Kind.DEC || misc.kind() == Token.Kind.WORD) {
            next();
            int[] ports = upperMisc(misc, upper);
            sport = ports[0];
            dport = ports[1];
        }
        Token p = next();
        if (p.kind() != Token.Kind.FLAG || !p.text().equals("-P")) throw syntax(p);
        Token pol = next();
        if (pol.kind() != Token.Kind.POLICY || pol.text().isEmpty()) throw syntax(pol);
        expectSemi();
        if (verb.text().equals("spddelete"))
            return new SpdDeleteStatement(verb.line(), src, sp, sport, dst, dp, dport, upper, pol.text());
        return new SpdAddStatement(
                verb.line(), verb.text().equals("spdupdate"), src, sp, sport, dst, dp, dport, upper, pol.text());
    }

    private int upper(Token ut) throws SetkeyException {
        if (ut.kind() == Token.Kind.DEC) return (int) number(ut, 255);
        if (ut.kind() != Token.Kind.WORD) throw syntax(ut);
        if (ut.text().equals("any")) return 255;
        OptionalInt n = Protocols.byName(ut.text());
        if (n.isPresent()) return n.getAsInt();
        if (ut.text().equals("ip4")) return 4;
        throw error(ut, "invalid upper layer protocol");
    }

    private int prefix(InetAddress a) throws SetkeyException {
        int full = a instanceof Inet6Address ? 128 : 32;
        if (peek().kind() != Token.Kind.SLASH) return full;
        next();
        Token t = next();
        if (t.kind() != Token.Kind.DEC) throw syntax(t);
        return (int) number(t, full);
    }
}
