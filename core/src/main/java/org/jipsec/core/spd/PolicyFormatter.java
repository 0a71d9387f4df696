package org.jipsec.core.spd;

import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;

/**
 * {@code ipsec_dump_policy(3)} and {@code ipsec_dump_policy_withports} (ipsec_dump_policy.c 1.9,
 * spec §3.2): {@code "<dir> <policy>"}, and for {@code ipsec} each request as
 * {@code delim + "<proto>/<mode>/<src>-<dst>/<level>"}, the level followed by {@code :reqid} when the
 * reqid is a manual one (≤ 0x3fff) or {@code #reqid} when kernel-assigned, e.g. {@code unique#16385}.
 * Addresses are numeric ({@link AddressText}); with ports {@code host[port]}.
 */
public final class PolicyFormatter {

    /** {@code IPSEC_MANUAL_REQID_MAX}. */
    public static final int MANUAL_REQID_MAX = 0x3fff;

    private PolicyFormatter() {}

    /** {@code ipsec_dump_policy(buf, delim)}; a null delimiter means {@code " "}. */
    public static String dump(XPolicy policy, String delim) throws PolicyParseException {
        return dump(policy, delim, false);
    }

    /** {@code ipsec_dump_policy_withports(buf, delim)}. */
    public static String dumpWithPorts(XPolicy policy, String delim) throws PolicyParseException {
        return dump(policy, delim, true);
    }

    private static String dump(XPolicy policy, String delim, boolean withPorts) throws PolicyParseException {
        if (delim == null) delim = " ";
        String dir = switch (policy.direction()) {
            case ANY -> "any";
            case INBOUND -> "in";
            case OUTBOUND -> "out";
        };
        StringBuilder sb =
                new StringBuilder(dir).append(' ').append(policy.type().keyword());
        if (policy.type() != PolicyType.IPSEC) return sb.toString();
        for (IpsecRequest r : policy.requests()) {
            sb.append(delim).append(request(r, withPorts));
        }
        return sb.toString();
    }

    /** One request as {@code proto/mode/addrs/level}. */
    public static String request(IpsecRequest r, boolean withPorts) throws PolicyParseException {
        if (r.mode() == IpsecMode.TCPMD5) {
            throw new PolicyParseException(
                    IpsecError.INVAL_MODE, -1, "", "mode " + r.mode().number());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(r.protocol().keyword()).append('/').append(r.mode().keyword()).append('/');
        if (r.hasEndpoints()) {
            endpoint(sb, r.source().orElseThrow(), withPorts);
            sb.append('-');
            endpoint(sb, r.destination().orElseThrow(), withPorts);
        }
        sb.append('/').append(r.level().keyword());
        if (r.reqid() != 0) sb.append(r.reqid() > MANUAL_REQID_MAX ? '#' : ':').append(r.reqid());
        return sb.toString();
    }

    private static void endpoint(StringBuilder sb, Endpoint e, boolean withPorts) {
        sb.append(AddressText.format(e.address(), e.scopeId()));
        if (withPorts) sb.append('[').append(e.port()).append(']');
    }
}
