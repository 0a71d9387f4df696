package org.jipsec.core.setkey;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.xform.NatTraversal;
import org.jipsec.core.xform.OutboundRule;
import org.jipsec.core.xform.SaParameters;

/**
 * A setkey file turned into what offline processing needs: SAs from {@code add} statements, outbound rules from
 * {@code spdadd … -P out …} statements, and notes about what was skipped. The full setkey (issue #6) and policy
 * engine (issue #5) replace the small policy reading here.
 */
public record SetkeyConfig(List<SaParameters> sas, List<OutboundRule> outboundRules, List<String> notes) {

    public static SetkeyConfig parse(String text) throws SetkeyException {
        List<SaParameters> sas = new ArrayList<>();
        List<OutboundRule> rules = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (SetkeyStatement s : SetkeyParser.parse(text)) {
            switch (s) {
                case AddStatement a -> {
                    try {
                        sas.add(toSa(a));
                    } catch (IllegalArgumentException e) {
                        throw new SetkeyException(a.line(), e.getMessage());
                    } finally {
                        a.zeroKeys();
                    }
                }
                case SpdAddStatement p -> {
                    OutboundRule r = rule(p);
                    if (r != null) rules.add(r);
                    else notes.add("line " + p.line() + ": inbound policy noted but not enforced offline (issue #5)");
                }
                case OtherStatement o -> notes.add("line " + o.line() + ": '" + o.verb()
                        + "' ignored: only add and spdadd are applied here (full setkey: issue #6)");
            }
        }
        return new SetkeyConfig(List.copyOf(sas), List.copyOf(rules), List.copyOf(notes));
    }

    /** Maps an {@code add} onto transform parameters (setkey -r N means N bytes of bitmap: 8·N packets). */
    public static SaParameters toSa(AddStatement a) {
        NatTraversal nat = null;
        Endpoint src = a.src(), dst = a.dst();
        if (a.espUdp()) {
            nat = new NatTraversal(NatTraversal.UDP_ENCAP_ESPINUDP, src.port(), dst.port(), a.natOa(), null);
        }
        src = src.withPort(0);
        dst = dst.withPort(0);
        byte[] ek = a.encryptionKey(), ak = a.authKey();
        try {
            return new SaParameters(a.spi(), a.protocol(), a.mode(), src, dst, a.encryption(), ek, a.auth(), ak,
                    a.flags(), a.replayPackets(), false, nat, 0);
        } finally {
            java.util.Arrays.fill(ek, (byte) 0);
            java.util.Arrays.fill(ak, (byte) 0);
        }
    }

    /** Reads {@code out ipsec proto/mode/src-dst/level …}, {@code out none}, {@code out discard}; null for in. */
    static OutboundRule rule(SpdAddStatement p) throws SetkeyException {
        String[] w = p.policy().trim().split("\\s+");
        if (w.length < 1 || w[0].isEmpty()) throw new SetkeyException(p.line(), "empty policy");
        String dir = w[0];
        if (dir.equals("in") || dir.equals("fwd")) return null;
        if (!dir.equals("out")) throw new SetkeyException(p.line(), "policy direction must be in or out at [" + dir + "]");
        if (w.length < 2) return new OutboundRule(p.src(), p.srcPrefix(), p.dst(), p.dstPrefix(), p.upper(), "discard", List.of());
        String action = w[1];
        List<OutboundRule.Request> reqs = new ArrayList<>();
        switch (action) {
            case "none", "discard" -> { }
            case "ipsec" -> {
                for (int i = 2; i < w.length; i++) reqs.add(request(p.line(), w[i]));
                if (reqs.isEmpty()) throw new SetkeyException(p.line(), "ipsec policy without a request");
            }
            case "entrust", "bypass" -> throw new SetkeyException(p.line(), "policy '" + action + "' is not allowed in the SPD");
            default -> throw new SetkeyException(p.line(), "invalid security policy at [" + action + "]");
        }
        return new OutboundRule(p.src(), p.srcPrefix(), p.dst(), p.dstPrefix(), p.upper(), action, reqs);
    }

    private static OutboundRule.Request request(int line, String text) throws SetkeyException {
        String[] parts = text.split("/", -1);
        IpsecProtocol proto = IpsecProtocol.ofKeyword(parts[0])
                .orElseThrow(() -> new SetkeyException(line, "invalid ipsec protocol at [" + text + "]"));
        if (parts.length < 2) throw new SetkeyException(line, "too few arguments at [" + text + "]");
        IpsecMode mode = switch (parts[1]) {
            case "transport" -> IpsecMode.TRANSPORT;
            case "tunnel" -> IpsecMode.TUNNEL;
            default -> throw new SetkeyException(line, "invalid ipsec mode at [" + text + "]");
        };
        InetAddress ts = null, td = null;
        if (mode == IpsecMode.TUNNEL) {
            if (parts.length < 3 || parts[2].isEmpty()) throw new SetkeyException(line, "invalid address specification at [" + text + "]");
            String[] ends = parts[2].split("-");
            if (ends.length != 2) throw new SetkeyException(line, "invalid address specification at [" + text + "]");
            ts = literal(line, ends[0].replaceAll("\\[.*\\]", ""));
            td = literal(line, ends[1].replaceAll("\\[.*\\]", ""));
            if (ts.getAddress().length != td.getAddress().length) throw new SetkeyException(line, "family mismatch at [" + text + "]");
        }
        return new OutboundRule.Request(proto, mode, ts, td);
    }

    private static InetAddress literal(int line, String s) throws SetkeyException {
        if (!s.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) throw new SetkeyException(line, "libipsec: invalid IP address while parsing \"" + s + "\"");
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new SetkeyException(line, "libipsec: invalid IP address while parsing \"" + s + "\"");
        }
    }
}
