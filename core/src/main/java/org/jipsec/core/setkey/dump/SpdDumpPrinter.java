package org.jipsec.core.setkey.dump;

import java.time.ZoneId;
import java.util.Optional;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.spd.PolicyFormatter;
import org.jipsec.core.spd.PolicyParseException;

/**
 * {@code setkey -DP} / {@code spddump}: libipsec {@code pfkey_spdump1} (spec §3.4).
 * <pre>
 * 10.0.11.41[21] 10.0.11.33[any] 255(reserved)
 * 	out ipsec
 * 	esp/tunnel/192.168.0.1-192.168.1.2/require
 * 	spid=1 seq=0 pid=4711
 * 	refcnt=0
 * </pre>
 * The upper protocol prints as NetBSD 10 prints it: its number and the name getprotobynumber(3) finds in NetBSD's
 * /etc/protocols ({@link Protocols#dumpName}): 255 ("any" on input) prints {@code 255(reserved)}, which NetBSD's
 * tests/net/ipsec/common.sh matches; ICMP/ICMPv6/MH selectors add {@code type,code} and GRE its key, unless both
 * ports are 0.
 */
public final class SpdDumpPrinter {
    private SpdDumpPrinter() {}

    private static final int ICMP = 1, ICMPV6 = 58, MH = 135, GRE = 47;

    public static String format(PfkeyMessage m, boolean withPorts, ZoneId zone) {
        StringBuilder b = new StringBuilder();
        Optional<Extension.Address> src = m.address(Sadb.SADB_EXT_ADDRESS_SRC);
        Optional<Extension.Address> dst = m.address(Sadb.SADB_EXT_ADDRESS_DST);
        if (src.isPresent() && dst.isPresent()) {
            Extension.Address s = src.get(), d = dst.get();
            int ulp = s.proto();
            b.append(SaDumpPrinter.host(s.endpoint()))
                    .append(prefport(s.endpoint(), s.prefixLen(), ulp))
                    .append(' ');
            b.append(SaDumpPrinter.host(d.endpoint()))
                    .append(prefport(d.endpoint(), d.prefixLen(), ulp))
                    .append(' ');
            if (s.proto() != d.proto())
                return b.append("upper layer protocol mismatched.\n").toString();
            int p1 = s.endpoint().port(), p2 = d.endpoint().port();
            b.append(Protocols.dumpName(ulp));
            if (p1 != 0 || p2 != 0) {
                switch (ulp) {
                    case ICMP, ICMPV6, MH ->
                        b.append(' ').append(p1).append(',').append(p2);
                    case GRE -> b.append(' ').append(((long) p1 << 16) + p2);
                    default -> {}
                }
            }
        } else {
            b.append("(no selector, probably per-socket policy) ");
        }
        Optional<Extension.Policy> xpl = m.policy();
        if (xpl.isEmpty()) return b.append("no X_POLICY extension.\n").toString();
        try {
            String d = withPorts
                    ? PolicyFormatter.dumpWithPorts(xpl.get().policy(), "\n\t")
                    : PolicyFormatter.dump(xpl.get().policy(), "\n\t");
            b.append("\n\t").append(d).append('\n');
        } catch (PolicyParseException e) {
            b.append("\n\tPolicy:[").append(e.getMessage()).append("]\n");
        }
        m.lifetime(Sadb.SADB_EXT_LIFETIME_CURRENT)
                .ifPresent(c -> b.append("\tcreated: ")
                        .append(DumpTime.format(c.addtime(), zone))
                        .append("  lastused: ")
                        .append(DumpTime.format(c.usetime(), zone))
                        .append('\n'));
        m.lifetime(Sadb.SADB_EXT_LIFETIME_HARD)
                .ifPresent(h -> b.append("\tlifetime: ")
                        .append(Long.toUnsignedString(h.addtime()))
                        .append("(s) validtime: ")
                        .append(Long.toUnsignedString(h.usetime()))
                        .append("(s)\n"));
        b.append("\tspid=")
                .append(Integer.toUnsignedString(xpl.get().policy().id()))
                .append(" seq=")
                .append(Integer.toUnsignedString(m.seq()))
                .append(" pid=")
                .append(Integer.toUnsignedString(m.pid()))
                .append('\n');
        b.append("\trefcnt=").append(m.reserved()).append('\n');
        return b.toString();
    }

    /** str_prefport: {@code /plen} unless full, then {@code [port]} / {@code [any]} except for ICMP, ICMPv6, MH, GRE. */
    private static String prefport(Endpoint e, int prefix, int ulp) {
        int full = e.addressBits();
        String p = prefix == full ? "" : "/" + prefix;
        return switch (ulp) {
            case ICMP, ICMPV6, MH, GRE -> p;
            default -> p + (e.port() == 0 ? "[any]" : "[" + e.port() + "]");
        };
    }
}
