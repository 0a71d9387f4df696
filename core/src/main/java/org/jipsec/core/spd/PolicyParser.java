package org.jipsec.core.spd;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecLevel;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;

/**
 * {@code ipsec_set_policy(3)}: the policy-string grammar of libipsec (policy_parse.y 1.11, spec §3.1),
 * as a hand-written recursive-descent parser producing the shared {@link XPolicy} value (the PF_KEY
 * codec turns that into {@code sadb_x_policy} bytes).
 *
 * <pre>
 * policy  : DIR ACTION rule*
 *         | DIR PRIORITY prio ACTION rule*          -- "Policy priority not compiled in" (NetBSD)
 *         | DIR                                     -- type DISCARD, "ignored by kernel"
 * prio    : DEC | "-" DEC | BASE | BASE "+" DEC | BASE "-" DEC      (BASE = low | def | high)
 * rule    : proto "/" mode "/" addrs "/" level | proto "/" mode "/" addrs "/" | proto "/" mode "/" addrs
 *         | proto "/" mode "/" | proto "/" mode "/" "/" level | proto "/" mode
 *         | proto "/" | proto                       -- "Too few arguments"
 * addrs   : IP "-" IP | IP "[" port "]" "-" IP "[" port "]" | "me" "-" "any" (out) | "any" "-" "me" (in)
 * level   : default | use | require | unique | unique:N
 * </pre>
 *
 * <p>Faithful to NetBSD, including: {@code fwd} parses as {@code in}; rules after a non-ipsec action
 * are kept (the kernel ignores them); {@code rule_check} (protocol, mode, tunnel endpoints, family)
 * runs only for {@code ipsec} and right after each rule, before the next token is looked at;
 * {@code unique:N} takes {@code atol(N)} truncated to the 16-bit reqid field; priority forms fail
 * with "Policy priority not compiled in" except the two whose arithmetic wraps to priority 0
 * ({@code priority 2147483648}, {@code prio low - 1073741824}), which NetBSD's libipsec accepts.
 * Stricter than NetBSD: a character that no token matches is an error (flex would echo and skip it).
 * Syntax errors carry libipsec's "Invalid argument" (yacc leaves no code; ipsec_set_policy then sets
 * EIPSEC_INVAL_ARGUMENT); an unparsable address carries "System error" with "invalid IP address".
 */
public final class PolicyParser {

    private static final long PRIORITY_LOW = 0xC0000000L;
    private static final long PRIORITY_DEFAULT = 0x80000000L;
    private static final long PRIORITY_HIGH = 0x40000000L;
    private static final long PRIORITY_OFFSET_POSITIVE_MAX = 0x40000000L;
    private static final long PRIORITY_OFFSET_NEGATIVE_MAX = 0x3fffffffL;
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private final List<PolicyToken> tokens;
    private int pos;

    private PolicyParser(List<PolicyToken> tokens) {
        this.tokens = tokens;
    }

    /** Parses a policy string into an x_policy value (id 0, flags 0). */
    public static XPolicy parse(String policy) throws PolicyParseException {
        if (policy == null) throw new PolicyParseException(IpsecError.INVAL_ARGUMENT, -1, "", "no policy string");
        return new PolicyParser(PolicyLexer.scan(policy)).policy();
    }

    private PolicyToken peek() {
        return tokens.get(pos);
    }

    private PolicyToken next() {
        return tokens.get(pos++);
    }

    private static PolicyParseException syntax(PolicyToken t) {
        return new PolicyParseException(IpsecError.INVAL_ARGUMENT, t.position(), t.text(), "syntax error");
    }

    private PolicyToken expect(PolicyToken.Kind kind) throws PolicyParseException {
        PolicyToken t = next();
        if (t.kind() != kind) throw syntax(t);
        return t;
    }

    private XPolicy policy() throws PolicyParseException {
        PolicyToken dirTok = expect(PolicyToken.Kind.DIR);
        PolicyDirection dir = dirTok.text().equals("out") ? PolicyDirection.OUTBOUND : PolicyDirection.INBOUND;
        PolicyToken t = peek();
        if (t.kind() == PolicyToken.Kind.EOF) {
            return new XPolicy(PolicyType.DISCARD, dir, 0, 0, List.of()); // "DIR" alone: type 0
        }
        long priority = 0;
        if (t.kind() == PolicyToken.Kind.PRIORITY) priority = priority();
        PolicyToken actionTok = expect(PolicyToken.Kind.ACTION);
        PolicyType type = PolicyType.valueOf(actionTok.text().toUpperCase(java.util.Locale.ROOT));
        if (priority != 0) {
            // init_x_policy without HAVE_PFKEY_POLICY_PRIORITY
            throw new PolicyParseException(IpsecError.PRIORITY_NOT_COMPILED, t.position(), t.text(), null);
        }
        List<IpsecRequest> requests = new ArrayList<>();
        while (peek().kind() != PolicyToken.Kind.EOF) {
            if (peek().kind() != PolicyToken.Kind.PROTOCOL) throw syntax(peek());
            requests.add(rule(dir, type));
        }
        return new XPolicy(type, dir, 0, 0, requests);
    }

    /** Returns the 32-bit priority the prio form computes (policy_parse.y actions), or throws. */
    private long priority() throws PolicyParseException {
        PolicyToken prioTok = next();
        PolicyToken t = next();
        long p;
        switch (t.kind()) {
            case DECSTRING -> {
                // atol("-N"): p = DEFAULT + (u_int32_t)(-N); error when -N < INT32_MIN
                BigInteger n = new BigInteger(t.text());
                requireAction();
                if (n.compareTo(BigInteger.valueOf(2147483648L)) > 0) {
                    throw new PolicyParseException(
                            IpsecError.INVAL_PRIORITY_OFFSET, prioTok.position(), t.text(), null);
                }
                p = (PRIORITY_DEFAULT - n.longValue()) & 0xffffffffL;
            }
            case HYPHEN -> {
                PolicyToken num = expect(PolicyToken.Kind.DECSTRING);
                BigInteger n = new BigInteger(num.text());
                requireAction();
                if (n.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
                    throw new PolicyParseException(
                            IpsecError.INVAL_PRIORITY_OFFSET, prioTok.position(), num.text(), null);
                }
                p = (PRIORITY_DEFAULT + n.longValue()) & 0xffffffffL;
            }
            case PRIO_BASE -> {
                long base = switch (t.text()) {
                    case "low" -> PRIORITY_LOW;
                    case "high" -> PRIORITY_HIGH;
                    default -> PRIORITY_DEFAULT;
                };
                PolicyToken op = peek();
                if (op.kind() == PolicyToken.Kind.PLUS || op.kind() == PolicyToken.Kind.HYPHEN) {
                    next();
                    PolicyToken num = expect(PolicyToken.Kind.DECSTRING);
                    BigInteger n = new BigInteger(num.text());
                    requireAction();
                    boolean plus = op.kind() == PolicyToken.Kind.PLUS;
                    long max = plus ? PRIORITY_OFFSET_NEGATIVE_MAX : PRIORITY_OFFSET_POSITIVE_MAX;
                    if (n.compareTo(BigInteger.valueOf(max)) > 0) {
                        throw new PolicyParseException(
                                IpsecError.INVAL_PRIORITY_BASE_OFFSET, prioTok.position(), num.text(), null);
                    }
                    p = (plus ? base - n.longValue() : base + n.longValue()) & 0xffffffffL;
                } else {
                    requireAction();
                    p = base;
                }
            }
            default -> throw syntax(t);
        }
        return p;
    }

    private void requireAction() throws PolicyParseException {
        if (peek().kind() != PolicyToken.Kind.ACTION) throw syntax(peek());
    }

    private IpsecRequest rule(PolicyDirection dir, PolicyType type) throws PolicyParseException {
        PolicyToken protoTok = next();
        IpsecProtocol proto = IpsecProtocol.ofKeyword(protoTok.text()).orElseThrow();
        if (peek().kind() != PolicyToken.Kind.SLASH) throw fewArguments(peek());
        next();
        if (peek().kind() != PolicyToken.Kind.MODE) throw fewArguments(peek());
        IpsecMode mode = next().text().equals("tunnel") ? IpsecMode.TUNNEL : IpsecMode.TRANSPORT;
        IpsecLevel level = IpsecLevel.DEFAULT;
        int reqid = 0;
        Endpoint src = null;
        Endpoint dst = null;
        if (peek().kind() == PolicyToken.Kind.SLASH) {
            next();
            PolicyToken t = peek();
            switch (t.kind()) {
                case IPADDRESS -> {
                    Endpoint[] pair = addresses();
                    src = pair[0];
                    dst = pair[1];
                    if (peek().kind() == PolicyToken.Kind.SLASH) {
                        next();
                        if (isLevel(peek())) {
                            PolicyToken lt = next();
                            level = level(lt);
                            reqid = reqid(lt);
                        }
                    }
                }
                case ME, ANY -> {
                    meAny(dir);
                    if (peek().kind() == PolicyToken.Kind.SLASH) {
                        next();
                        if (isLevel(peek())) {
                            PolicyToken lt = next();
                            level = level(lt);
                            reqid = reqid(lt);
                        }
                    }
                }
                case SLASH -> {
                    next();
                    PolicyToken lt = next();
                    if (!isLevel(lt)) throw syntax(lt);
                    level = level(lt);
                    reqid = reqid(lt);
                }
                default -> {
                    // "proto/mode/" followed by the next rule or the end
                }
            }
        }
        ruleCheck(type, protoTok, mode, src, dst);
        return new IpsecRequest(proto, mode, level, reqid, Optional.ofNullable(src), Optional.ofNullable(dst));
    }

    private static PolicyParseException fewArguments(PolicyToken t) {
        return new PolicyParseException(IpsecError.FEW_ARGUMENTS, t.position(), t.text(), null);
    }

    private static boolean isLevel(PolicyToken t) {
        return t.kind() == PolicyToken.Kind.LEVEL || t.kind() == PolicyToken.Kind.LEVEL_SPECIFY;
    }

    private static IpsecLevel level(PolicyToken t) {
        if (t.kind() == PolicyToken.Kind.LEVEL_SPECIFY) return IpsecLevel.UNIQUE;
        return switch (t.text()) {
            case "use" -> IpsecLevel.USE;
            case "require" -> IpsecLevel.REQUIRE;
            case "unique" -> IpsecLevel.UNIQUE;
            default -> IpsecLevel.DEFAULT;
        };
    }

    /** {@code unique:N}: {@code atol(N)} (clamped at LONG_MAX like strtol) stored in the u_int16 reqid. */
    private static int reqid(PolicyToken t) {
        if (t.kind() != PolicyToken.Kind.LEVEL_SPECIFY) return 0;
        BigInteger n = new BigInteger(t.text().substring(7));
        if (n.compareTo(LONG_MAX) > 0) n = LONG_MAX;
        return (int) (n.longValue() & 0xffff);
    }

    private Endpoint[] addresses() throws PolicyParseException {
        PolicyToken srcTok = next();
        AddressText.Parsed src = address(srcTok);
        int sport = 0;
        boolean ports = false;
        if (peek().kind() == PolicyToken.Kind.PORT) {
            sport = port(next());
            ports = true;
        }
        expect(PolicyToken.Kind.HYPHEN);
        PolicyToken dstTok = expect(PolicyToken.Kind.IPADDRESS);
        AddressText.Parsed dst = address(dstTok);
        int dport = 0;
        if (ports) {
            PolicyToken pt = expect(PolicyToken.Kind.PORT);
            dport = port(pt);
        } else if (peek().kind() == PolicyToken.Kind.PORT) {
            throw syntax(peek());
        }
        return new Endpoint[] {
            new Endpoint(src.address(), sport, src.scopeId()), new Endpoint(dst.address(), dport, dst.scopeId())
        };
    }

    private static AddressText.Parsed address(PolicyToken t) throws PolicyParseException {
        AddressText.Parsed p = AddressText.parse(t.text());
        if (p == null) {
            throw new PolicyParseException(IpsecError.SYSTEM_ERROR, t.position(), t.text(), "invalid IP address");
        }
        return p;
    }

    private static int port(PolicyToken t) throws PolicyParseException {
        String digits = t.text().substring(1, t.text().length() - 1);
        if (digits.length() > 5 || Integer.parseInt(digits) > 0xffff) {
            throw new PolicyParseException(IpsecError.INVAL_ADDRESS, t.position(), t.text(), "port out of range");
        }
        return Integer.parseInt(digits);
    }

    private void meAny(PolicyDirection dir) throws PolicyParseException {
        PolicyToken first = next();
        expect(PolicyToken.Kind.HYPHEN);
        PolicyToken second = next();
        if (first.kind() == PolicyToken.Kind.ME && second.kind() == PolicyToken.Kind.ANY) {
            if (dir != PolicyDirection.OUTBOUND) {
                throw new PolicyParseException(IpsecError.INVAL_DIR, first.position(), "me-any", null);
            }
        } else if (first.kind() == PolicyToken.Kind.ANY && second.kind() == PolicyToken.Kind.ME) {
            if (dir != PolicyDirection.INBOUND) {
                throw new PolicyParseException(IpsecError.INVAL_DIR, first.position(), "any-me", null);
            }
        } else {
            throw syntax(second);
        }
    }

    /** policy_parse.y {@code rule_check}, only for action {@code ipsec}. */
    private static void ruleCheck(PolicyType type, PolicyToken at, IpsecMode mode, Endpoint src, Endpoint dst)
            throws PolicyParseException {
        if (type != PolicyType.IPSEC) return;
        if (src == null && dst == null) {
            if (mode != IpsecMode.TRANSPORT) {
                throw new PolicyParseException(
                        IpsecError.INVAL_ADDRESS, at.position(), at.text(), "tunnel mode needs endpoints");
            }
        } else if (src.isIpv6() != dst.isIpv6()) {
            throw new PolicyParseException(IpsecError.FAMILY_MISMATCH, at.position(), at.text(), null);
        }
    }
}
