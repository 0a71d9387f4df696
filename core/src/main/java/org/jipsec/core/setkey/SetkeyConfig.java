package org.jipsec.core.setkey;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.spd.PolicyParseException;
import org.jipsec.core.spd.PolicyParser;
import org.jipsec.core.xform.NatTraversal;
import org.jipsec.core.xform.OutboundRule;
import org.jipsec.core.xform.SaParameters;

/**
 * A setkey file turned into what offline processing needs: SAs from {@code add} statements, outbound rules from
 * {@code spdadd … -P out …} statements (policies read by the SPD's ipsec_set_policy(3) parser), and notes about
 * what was skipped. The full setkey is {@link SetkeyRunner}.
 */
public record SetkeyConfig(List<SaParameters> sas, List<OutboundRule> outboundRules, List<String> notes) {

    public static SetkeyConfig parse(String text) throws SetkeyException {
        List<SaParameters> sas = new ArrayList<>();
        List<OutboundRule> rules = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (SetkeyStatement s : SetkeyParser.parse(text)) {
            switch (s) {
                case AddStatement a when a.protocol() == null -> {
                    a.zeroKeys();
                    notes.add("line " + a.line() + ": TCP-MD5 SA ignored: it protects no IPsec traffic");
                }
                case AddStatement a -> {
                    try {
                        if ((a.flags() & 0x0001) != 0)
                            throw new SetkeyException(a.line(), "RFC 1827/1826 (esp-old/ah-old) SAs are not supported");
                        if (a.protocol() != org.jipsec.core.ipsec.IpsecProtocol.IPCOMP && a.spi() <= 255)
                            throw new SetkeyException(a.line(), "SPI " + a.spi() + " is reserved (0 to 255)");
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
                    else notes.add("line " + p.line() + ": inbound policy ignored: offline protection applies outbound policies only");
                }
                default -> notes.add("line " + s.line() + ": '" + verb(s)
                        + "' ignored: only add and spdadd are applied here (use jipsec setkey for the others)");
            }
        }
        return new SetkeyConfig(List.copyOf(sas), List.copyOf(rules), List.copyOf(notes));
    }

    private static String verb(SetkeyStatement s) {
        return switch (s) {
            case SaKeyStatement k -> k.delete() ? "delete" : "get";
            case DeleteAllStatement d -> "deleteall";
            case BareStatement b -> b.verb().name().toLowerCase(java.util.Locale.ROOT);
            case SpdDeleteStatement d -> "spddelete";
            case AddStatement a -> a.update() ? "update" : "add";
            case GetspiStatement g -> "getspi";
            case SpdAddStatement p -> p.update() ? "spdupdate" : "spdadd";
        };
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

    /**
     * Reads the policy with the SPD's ipsec_set_policy(3) parser ({@link PolicyParser}); returns null for inbound
     * policies (offline protection applies outbound ones only).
     */
    static OutboundRule rule(SpdAddStatement p) throws SetkeyException {
        XPolicy x;
        try {
            x = PolicyParser.parse(p.policy());
        } catch (PolicyParseException e) {
            throw new SetkeyException(p.line(), "policy: " + e.getMessage());
        }
        if (x.direction() != PolicyDirection.OUTBOUND) return null;
        List<OutboundRule.Request> reqs = new ArrayList<>();
        String action;
        switch (x.type()) {
            case DISCARD -> action = "discard";
            case NONE -> action = "none";
            case IPSEC -> {
                action = "ipsec";
                for (IpsecRequest r : x.requests()) {
                    if (r.mode() == IpsecMode.TUNNEL && !r.hasEndpoints())
                        throw new SetkeyException(p.line(), "tunnel request without endpoints: " + p.policy());
                    InetAddress ts = r.source().map(Endpoint::address).orElse(null);
                    InetAddress td = r.destination().map(Endpoint::address).orElse(null);
                    reqs.add(new OutboundRule.Request(r.protocol(), r.mode(), r.mode() == IpsecMode.TUNNEL ? ts : null,
                            r.mode() == IpsecMode.TUNNEL ? td : null));
                }
                if (reqs.isEmpty()) throw new SetkeyException(p.line(), "ipsec policy without a request");
            }
            default -> throw new SetkeyException(p.line(), "policy '" + x.type().keyword() + "' is not allowed in the SPD");
        }
        return new OutboundRule(p.src(), p.srcPrefix(), p.dst(), p.dstPrefix(), p.upper(), action, reqs);
    }
}
