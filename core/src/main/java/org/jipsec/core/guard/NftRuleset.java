package org.jipsec.core.guard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jipsec.core.spd.AddressText;
import org.jipsec.core.spd.SelectorSet;

/**
 * nftables text for a {@link GuardSnapshot}: one table of the gateway's own ({@code inet jipsec_<tun>}) holding two
 * named counters ({@code in_polvio}, {@code out_polvio}, NetBSD's ipsecstats names) and two base chains.
 *
 * <pre>
 * inbound   hook prerouting  priority 0   every packet that did NOT come out of the TUN, before the local/forward
 *                                         decision: locally delivered and forwarded traffic alike (NetBSD checks
 *                                         both: ipsec_in_reject in the transport input and in ip_forward)
 * outbound  hook postrouting priority 0   every packet that does NOT leave through the TUN: locally generated
 *                                         and forwarded ones, with the final output interface — postrouting runs
 *                                         after any re-route (a mark set in the output hook re-routes after it,
 *                                         so an output-hook test of oifname could see the pre-reroute device),
 *                                         and priority 0 is before source NAT (100), so selectors see the
 *                                         addresses NetBSD's ip_output sees (IPsec runs before pf's nat there)
 * </pre>
 *
 * Each chain starts with what must never be blocked, then one rule per policy in the SPD's first-match order:
 * a policy whose verdict is drop gives {@code counter name "<dir>_polvio" drop}, an accept policy gives
 * {@code accept} (ending the walk like NetBSD's first match), and the system default policy discard closes the
 * chain with a drop per family. A selector gives: addresses with their prefix lengths ({@code ip saddr}/{@code ip6
 * daddr}; prefix 0 = any, the family then by {@code meta nfproto}), the upper-layer protocol (255 = any), TCP/UDP
 * ports (0 = any) and, for ICMP/ICMPv6, the type in the source port field and the code in the destination port field
 * as NetBSD's {@code ipsec4_get_ulp}/{@code ipsec6_get_ulp} encode them (spec §4.1). A selector with ports on another
 * protocol (NetBSD's packet selector has port 0 for it), or an ICMP type/code above 255, never matches and gives no
 * rule; protocol "any" with ports gives one rule for TCP/UDP ports and one for ICMP type/code. Ports are matched as the socket path does
 * (NetBSD's address-only inbound check passes needport = 0; see the README).
 *
 * <p>Registered {@code bypass} sockets ({@link BypassFlow}, {@code jipsec ping -P 'out bypass'}) come before the
 * policies: NetBSD's {@code ipsec_getpolicybysock} consults the socket's policy first (spec §4.2), so their echo
 * packets, and only those, are accepted whatever the SPD says (docs/socket-policy.md).
 */
public final class NftRuleset {

    /** nft table names allow letters, digits and underscores; Linux interface names are up to 15 bytes. */
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.:-]{1,15}");

    /** Always passed, before any policy (ICMPv6 neighbour discovery, types 133-137: see {@link #generate}). */
    static final String ND_TYPES = "{ 133, 134, 135, 136, 137 }";

    /**
     * What the ruleset is built for.
     *
     * @param tun       the gateway's TUN device (its traffic is exempt: jipsec checks it itself)
     * @param natTPort  the ESP-in-UDP port (RFC 3948: 4500), 0 = none
     */
    public record Config(String tun, int natTPort) {
        public Config {
            Objects.requireNonNull(tun);
            if (!IFNAME.matcher(tun).matches()) throw new IllegalArgumentException("invalid interface name: " + tun);
            if (natTPort < 0 || natTPort > 0xffff) throw new IllegalArgumentException("UDP port " + natTPort);
        }

        /** {@code jipsec_<tun>} with characters outside {@code [A-Za-z0-9_]} replaced by {@code _}. */
        public String tableName() {
            return "jipsec_" + tun.replaceAll("[^A-Za-z0-9_]", "_");
        }
    }

    private NftRuleset() {}

    /** The table's family and name as nft commands take them: {@code inet jipsec_<tun>}. */
    public static String table(Config c) {
        return "inet " + c.tableName();
    }

    /**
     * One transaction for {@code nft -f -}: create the table if absent, delete it, recreate it with the rules — so a
     * stale table of the same name (a gateway killed with SIGKILL) is replaced, and the rules change atomically.
     */
    public static String transaction(Config c, GuardSnapshot s) {
        return "table " + table(c) + "\ndelete table " + table(c) + "\n" + generate(c, s);
    }

    /** The transaction that removes the table ({@code jipsec gateway --cleanup}); creating it first makes it never fail. */
    public static String removal(Config c) {
        return "table " + table(c) + "\ndelete table " + table(c) + "\n";
    }

    /**
     * The table definition.
     *
     * <p>Passed before any policy, in both chains:
     * <ul>
     *   <li>the TUN and {@code lo}: the TUN's packets are the ones jipsec protects and checks itself (decapsulated
     *       packets are checked against the inbound policy before they are written to it); loopback traffic never
     *       reaches a wire;</li>
     *   <li>ESP (50), AH (51), IPComp (108) and ESP in UDP (inbound to the NAT-T port, outbound from it): the
     *       protected traffic itself. NetBSD checks an IPsec packet's policy after decapsulation
     *       ({@code ipsec4_common_input_cb} → the inner protocol's input), not on the ESP/AH packet; here jipsec
     *       does that check before the TUN write;</li>
     *   <li>UDP inbound to port 500 (and the NAT-T port), outbound from it: key management. NetBSD's IKE daemons
     *       (racoon, charon) set a {@code bypass} socket policy on their sockets ({@code IP_IPSEC_POLICY}, spec
     *       §4.2) so their packets skip the SPD; their sockets are bound to these ports;</li>
     *   <li>ICMPv6 neighbour discovery (RFC 4861, types 133-137): without it no ESP packet reaches an IPv6 next
     *       hop. NetBSD subjects ND to the SPD (hence the man page's {@code icmp6 135,0 -P in none} example);
     *       the guard lets it through, as the protected traffic depends on it.</li>
     * </ul>
     */
    public static String generate(Config c, GuardSnapshot s) {
        StringBuilder b = new StringBuilder();
        b.append("table ").append(table(c)).append(" {\n");
        b.append("\tcomment \"jipsec policy guard for ")
                .append(c.tun())
                .append(", SPD generation ")
                .append(Integer.toUnsignedString(s.generation()))
                .append("\"\n");
        b.append("\tcounter in_polvio {\n\t}\n");
        b.append("\tcounter out_polvio {\n\t}\n");
        chain(b, c, "inbound", "prerouting", "iifname", "in_polvio", s.inbound(), s);
        chain(b, c, "outbound", "postrouting", "oifname", "out_polvio", s.outbound(), s);
        b.append("}\n");
        return b.toString();
    }

    private static void chain(
            StringBuilder b,
            Config c,
            String name,
            String hook,
            String ifKey,
            String counter,
            List<GuardRule> rules,
            GuardSnapshot s) {
        b.append("\tchain ").append(name).append(" {\n");
        b.append("\t\ttype filter hook ").append(hook).append(" priority 0; policy accept;\n");
        b.append("\t\t").append(ifKey).append(" { \"").append(c.tun()).append("\", \"lo\" } accept\n");
        b.append("\t\tmeta l4proto { 50, 51, 108 } accept\n");
        String ports = c.natTPort() == 0 || c.natTPort() == 500 ? "500" : "{ 500, " + c.natTPort() + " }";
        // inbound: to our IKE / NAT-T ports; outbound: from them (a cleartext datagram merely *from* port 500 to
        // some other port of ours is not key management and stays subject to the SPD)
        b.append("\t\tudp ")
                .append(ifKey.equals("iifname") ? "dport " : "sport ")
                .append(ports)
                .append(" accept\n");
        b.append("\t\ticmpv6 type ").append(ND_TYPES).append(" accept\n");
        boolean inbound = ifKey.equals("iifname");
        for (BypassFlow f : s.bypass()) {
            if (inbound ? f.inbound() : f.outbound())
                b.append("\t\t").append(bypass(f, inbound)).append('\n');
        }
        for (GuardRule r : rules) {
            String verdict = r.drop() ? "counter name \"" + counter + "\" drop" : "accept";
            String comment = " comment \"sp " + Integer.toUnsignedString(r.policyId()) + "\"";
            List<String> matches = matches(r.selector());
            if (matches.isEmpty()) {
                b.append("\t\t# sp ")
                        .append(Integer.toUnsignedString(r.policyId()))
                        .append(": ports on protocol ")
                        .append(r.selector().upperProtocol())
                        .append(" never match a packet selector\n");
            }
            for (String m : matches)
                b.append("\t\t")
                        .append(m)
                        .append(' ')
                        .append(verdict)
                        .append(comment)
                        .append('\n');
        }
        if (s.discardIpv4ByDefault()) {
            b.append("\t\tmeta nfproto ipv4 counter name \"")
                    .append(counter)
                    .append("\" drop comment \"def_policy discard\"\n");
        }
        if (s.discardIpv6ByDefault()) {
            b.append("\t\tmeta nfproto ipv6 counter name \"")
                    .append(counter)
                    .append("\" drop comment \"def_policy discard\"\n");
        }
        b.append("\t}\n");
    }

    /**
     * The accept rule of a {@code bypass} socket in one direction: outbound its echo requests (local → peer),
     * inbound the echo replies (peer → local), each with the socket's identifier. Nothing wider: other packets of
     * the same hosts stay under the SPD's rules.
     */
    static String bypass(BypassFlow f, boolean inbound) {
        String ip = f.isIpv6() ? "ip6" : "ip";
        String icmp = f.isIpv6() ? "icmpv6" : "icmp";
        InetAddress src = inbound ? f.peer() : f.local();
        InetAddress dst = inbound ? f.local() : f.peer();
        int bits = src.getAddress().length * 8;
        return ip + " saddr " + prefix(src, bits) + " " + ip + " daddr " + prefix(dst, bits) + " " + icmp + " type "
                + (inbound ? "echo-reply" : "echo-request") + " " + icmp + " id " + f.id()
                + " accept comment \"socket bypass\"";
    }

    /** The match expressions for a selector: usually one, two for "any" protocol with ports, none if it never matches. */
    static List<String> matches(SelectorSet s) {
        boolean v6 = s.isIpv6();
        String ip = v6 ? "ip6" : "ip";
        StringBuilder addr = new StringBuilder();
        if (s.sourcePrefixLength() > 0) {
            addr.append(ip).append(" saddr ").append(prefix(s.source().address(), s.sourcePrefixLength()));
        }
        if (s.destinationPrefixLength() > 0) {
            if (!addr.isEmpty()) addr.append(' ');
            addr.append(ip).append(" daddr ").append(prefix(s.destination().address(), s.destinationPrefixLength()));
        }
        if (addr.isEmpty()) addr.append("meta nfproto ").append(v6 ? "ipv6" : "ipv4");
        int sport = s.source().port(), dport = s.destination().port();
        int proto = s.upperProtocol();
        int icmp = v6 ? 58 : 1;
        String icmpName = v6 ? "icmpv6" : "icmp";
        List<String> out = new ArrayList<>(2);
        if (sport == 0 && dport == 0) {
            out.add(proto == SelectorSet.ANY_PROTOCOL ? addr.toString() : addr + " meta l4proto " + proto);
        } else if (proto == 6 || proto == 17) {
            String l4 = proto == 6 ? "tcp" : "udp";
            out.add(addr + ports(" " + l4 + " sport ", sport, " " + l4 + " dport ", dport));
        } else if (proto == icmp) {
            if (sport <= 0xff && dport <= 0xff)
                out.add(addr + ports(" " + icmpName + " type ", sport, " " + icmpName + " code ", dport));
        } else if (proto == SelectorSet.ANY_PROTOCOL) {
            out.add(addr + " meta l4proto { 6, 17 }" + ports(" th sport ", sport, " th dport ", dport));
            if (sport <= 0xff && dport <= 0xff)
                out.add(addr + ports(" " + icmpName + " type ", sport, " " + icmpName + " code ", dport));
        }
        return out;
    }

    private static String ports(String sKey, int sport, String dKey, int dport) {
        return (sport != 0 ? sKey + sport : "") + (dport != 0 ? dKey + dport : "");
    }

    /** {@code a.b.c.d} for a full-length prefix, else the network address (host bits cleared) and {@code /len}. */
    static String prefix(InetAddress a, int len) {
        byte[] b = a.getAddress();
        int bits = b.length * 8;
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, len - i * 8));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            String text = AddressText.format(InetAddress.getByAddress(b), 0);
            return len == bits ? text : text + "/" + len;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes: cannot happen
        }
    }
}
