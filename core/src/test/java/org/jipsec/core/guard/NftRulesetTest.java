package org.jipsec.core.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.spd.PolicyLifetime;
import org.jipsec.core.spd.PolicyOrigin;
import org.jipsec.core.spd.PolicyParser;
import org.jipsec.core.spd.SelectorSet;
import org.jipsec.core.spd.Spd;
import org.jipsec.core.spd.SystemDefaults;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.junit.jupiter.api.Test;

/** The guard's nft text, byte for byte, for representative SPDs (setkey spdadd order = first-match order). */
class NftRulesetTest {

    private final Sysctl sysctl = Sysctl.withNetbsdDefaults();
    private final Spd spd = new Spd(() -> Instant.ofEpochSecond(1000), sysctl);
    private final NftRuleset.Config config = new NftRuleset.Config("jipsec0", 4500);

    static final String HEAD = "table inet jipsec_jipsec0 {\n"
            + "\tcomment \"jipsec policy guard for jipsec0, SPD generation %s\"\n"
            + "\tcounter in_polvio {\n\t}\n"
            + "\tcounter out_polvio {\n\t}\n";

    static String chainHead(String name, String hook, String ifKey, String port) {
        return "\tchain " + name + " {\n"
                + "\t\ttype filter hook " + hook + " priority 0; policy accept;\n"
                + "\t\t" + ifKey + " { \"jipsec0\", \"lo\" } accept\n"
                + "\t\tmeta l4proto { 50, 51, 108 } accept\n"
                + "\t\tudp " + port + " { 500, 4500 } accept\n"
                + "\t\ticmpv6 type { 133, 134, 135, 136, 137 } accept\n";
    }

    static final String IN = chainHead("inbound", "prerouting", "iifname", "dport");
    static final String OUT = chainHead("outbound", "postrouting", "oifname", "sport");

    static SelectorSet sel(String src, int sp, String dst, int dp, int proto) {
        String[] s = src.split("/");
        String[] d = dst.split("/");
        InetAddress sa = InetAddress.ofLiteral(s[0]);
        InetAddress da = InetAddress.ofLiteral(d[0]);
        int sl = s.length > 1 ? Integer.parseInt(s[1]) : sa.getAddress().length * 8;
        int dl = d.length > 1 ? Integer.parseInt(d[1]) : da.getAddress().length * 8;
        return new SelectorSet(new Endpoint(sa, sp), sl, new Endpoint(da, dp), dl, proto);
    }

    private void add(String src, int sp, String dst, int dp, int proto, String policy) throws Exception {
        spd.add(sel(src, sp, dst, dp, proto), PolicyParser.parse(policy), PolicyOrigin.USER, PolicyLifetime.NONE);
    }

    private String text() {
        return NftRuleset.generate(config, GuardSnapshot.of(spd.generation(), spd.dump(), new SystemDefaults(sysctl)));
    }

    private String expected(String in, String out) {
        return HEAD.formatted(Integer.toUnsignedString(spd.generation())) + IN + in + "\t}\n" + OUT + out + "\t}\n}\n";
    }

    @Test
    void emptySpdKeepsOnlyTheExemptions() {
        assertEquals(expected("", ""), text());
    }

    @Test
    void transportRequireIpv4DropsClearTrafficBothWays() throws Exception {
        add("10.77.0.1", 0, "10.77.0.2", 0, 255, "out ipsec esp/transport//require");
        add("10.77.0.2", 0, "10.77.0.1", 0, 255, "in ipsec esp/transport//require");
        assertEquals(
                expected(
                        "\t\tip saddr 10.77.0.2 ip daddr 10.77.0.1 counter name \"in_polvio\" drop comment \"sp 2\"\n",
                        "\t\tip saddr 10.77.0.1 ip daddr 10.77.0.2 counter name \"out_polvio\" drop comment \"sp 1\"\n"),
                text());
    }

    /**
     * Registered bypass sockets (spec §4.2, ipsec_getpolicybysock: the socket's policy before the SPD): one accept
     * rule per socket and direction, for its echo requests out and its echo replies in, before the SPD's drops.
     */
    @Test
    void bypassSocketsGetNarrowAcceptRulesBeforeTheSpd() throws Exception {
        add("10.77.0.1", 0, "10.77.0.2", 0, 255, "out ipsec esp/transport//require");
        add("10.77.0.2", 0, "10.77.0.1", 0, 255, "in ipsec esp/transport//require");
        List<BypassFlow> flows = List.of(
                new BypassFlow(
                        InetAddress.ofLiteral("10.77.0.1"), InetAddress.ofLiteral("10.77.0.2"), 4660, true, false),
                new BypassFlow(InetAddress.ofLiteral("10.77.0.1"), InetAddress.ofLiteral("10.77.0.2"), 7, false, true),
                new BypassFlow(
                        InetAddress.ofLiteral("fd00::1"), InetAddress.ofLiteral("fd00:0:0:0::2"), 65535, true, true));
        String text = NftRuleset.generate(
                config,
                GuardSnapshot.of(spd.generation(), spd.dump(), new SystemDefaults(sysctl))
                        .withBypass(flows));
        assertEquals(
                expected(
                        "		ip saddr 10.77.0.2 ip daddr 10.77.0.1 icmp type echo-reply icmp id 7 accept comment \"socket bypass\"\n"
                                + "		ip6 saddr fd00::2 ip6 daddr fd00::1 icmpv6 type echo-reply icmpv6 id 65535 accept comment \"socket bypass\"\n"
                                + "		ip saddr 10.77.0.2 ip daddr 10.77.0.1 counter name \"in_polvio\" drop comment \"sp 2\"\n",
                        "		ip saddr 10.77.0.1 ip daddr 10.77.0.2 icmp type echo-request icmp id 4660 accept comment \"socket bypass\"\n"
                                + "		ip6 saddr fd00::1 ip6 daddr fd00::2 icmpv6 type echo-request icmpv6 id 65535 accept comment \"socket bypass\"\n"
                                + "		ip saddr 10.77.0.1 ip daddr 10.77.0.2 counter name \"out_polvio\" drop comment \"sp 1\"\n"),
                text);
        assertEquals(
                text(),
                NftRuleset.generate(
                        config,
                        GuardSnapshot.of(spd.generation(), spd.dump(), new SystemDefaults(sysctl))
                                .withBypass(List.of())),
                "no registration, no hole");
        assertThrows(
                IllegalArgumentException.class,
                () -> new BypassFlow(
                        InetAddress.ofLiteral("10.0.0.1"), InetAddress.ofLiteral("fd00::1"), 1, true, false));
        assertThrows(
                IllegalArgumentException.class,
                () -> new BypassFlow(
                        InetAddress.ofLiteral("10.0.0.1"), InetAddress.ofLiteral("10.0.0.2"), 1, false, false));
    }

    @Test
    void useLevelAcceptsAndEndsTheWalkBeforeALaterRequire() throws Exception {
        add("10.1.0.0/16", 0, "10.2.0.0/16", 0, 17, "in ipsec esp/transport//use");
        add("10.0.0.0/8", 0, "0.0.0.0/0", 0, 255, "in ipsec ah/transport//require esp/transport//use");
        add("0.0.0.0/0", 0, "0.0.0.0/0", 0, 255, "in none");
        assertEquals(
                expected(
                        "\t\tip saddr 10.1.0.0/16 ip daddr 10.2.0.0/16 meta l4proto 17 accept comment \"sp 1\"\n"
                                + "\t\tip saddr 10.0.0.0/8 counter name \"in_polvio\" drop comment \"sp 2\"\n"
                                + "\t\tmeta nfproto ipv4 accept comment \"sp 3\"\n",
                        ""),
                text());
    }

    @Test
    void defaultLevelFollowsTheDeflevSysctlsOfTheSelectorFamilyAndMode() throws Exception {
        add("10.0.0.1", 0, "10.0.0.2", 0, 255, "in ipsec esp/transport//default");
        add("10.9.0.0/24", 0, "10.8.0.0/24", 0, 255, "in ipsec esp/tunnel/192.0.2.1-192.0.2.2/default");
        add("fd00::1", 0, "fd00::2", 0, 255, "in ipsec ah/transport//default");
        String useAll = expected(
                "\t\tip saddr 10.0.0.1 ip daddr 10.0.0.2 accept comment \"sp 1\"\n"
                        + "\t\tip saddr 10.9.0.0/24 ip daddr 10.8.0.0/24 accept comment \"sp 2\"\n"
                        + "\t\tip6 saddr fd00::1 ip6 daddr fd00::2 accept comment \"sp 3\"\n",
                "");
        assertEquals(useAll, text(), "deflev defaults are 1 (use)");
        sysctl.write(SysctlNames.IPSEC_ESP_NET_DEFLEV, 2);
        sysctl.write(SysctlNames.IPSEC6_AH_TRANS_DEFLEV, 2);
        assertEquals(
                expected(
                        "\t\tip saddr 10.0.0.1 ip daddr 10.0.0.2 accept comment \"sp 1\"\n"
                                + "\t\tip saddr 10.9.0.0/24 ip daddr 10.8.0.0/24 counter name \"in_polvio\" drop comment \"sp 2\"\n"
                                + "\t\tip6 saddr fd00::1 ip6 daddr fd00::2 counter name \"in_polvio\" drop comment \"sp 3\"\n",
                        ""),
                text());
    }

    @Test
    void ipv6PortsIcmpAndUniqueDiscard() throws Exception {
        add("fd00:1::/64", 0, "fd00:2::10", 443, 6, "out ipsec esp/transport//unique");
        add("::/0", 0, "::/0", 0, 58, "in none");
        add("fd00:2::10", 53, "fd00:1::5/128", 0, 17, "in discard");
        add("::/0", 135, "::/0", 0, 58, "out none");
        add("fd00:3::/48", 128, "fd00:4::/48", 0, 58, "out discard");
        add("10.0.0.0/8", 8, "10.1.1.1", 0, 1, "out ipsec esp/tunnel/192.0.2.1-192.0.2.2/require");
        add("10.0.0.0/8", 3, "10.1.1.2", 4, 1, "out none");
        assertEquals(
                expected(
                        "\t\tmeta nfproto ipv6 meta l4proto 58 accept comment \"sp 2\"\n"
                                + "\t\tip6 saddr fd00:2::10 ip6 daddr fd00:1::5 udp sport 53 counter name \"in_polvio\" drop comment \"sp 3\"\n",
                        "\t\tip6 saddr fd00:1::/64 ip6 daddr fd00:2::10 tcp dport 443 counter name \"out_polvio\" drop comment \"sp 1\"\n"
                                + "\t\tmeta nfproto ipv6 icmpv6 type 135 accept comment \"sp 4\"\n"
                                + "\t\tip6 saddr fd00:3::/48 ip6 daddr fd00:4::/48 icmpv6 type 128 counter name \"out_polvio\" drop comment \"sp 5\"\n"
                                + "\t\tip saddr 10.0.0.0/8 ip daddr 10.1.1.1 icmp type 8 counter name \"out_polvio\" drop comment \"sp 6\"\n"
                                + "\t\tip saddr 10.0.0.0/8 ip daddr 10.1.1.2 icmp type 3 icmp code 4 accept comment \"sp 7\"\n"),
                text());
    }

    @Test
    void anyProtocolWithPortsSplitsIntoTransportAndIcmpRulesAndOtherProtocolsWithPortsNeverMatch() throws Exception {
        add("10.0.0.1", 0, "10.0.0.2", 500, 255, "out discard"); // no ICMP code 500
        add("10.0.0.1", 0x0102, "10.0.0.2", 0x0304, 47, "out discard");
        add("10.0.0.0/24", 0, "10.0.0.2", 0, 47, "out ipsec ipcomp/transport//require");
        add("10.0.0.0/24", 0, "10.0.0.3", 0, 255, "in ipsec ipcomp/transport//require");
        assertEquals(
                expected(
                        "\t\tip saddr 10.0.0.0/24 ip daddr 10.0.0.3 accept comment \"sp 4\"\n",
                        "\t\tip saddr 10.0.0.1 ip daddr 10.0.0.2 meta l4proto { 6, 17 } th dport 500 counter name \"out_polvio\" drop comment \"sp 1\"\n"
                                + "\t\t# sp 2: ports on protocol 47 never match a packet selector\n"
                                + "\t\tip saddr 10.0.0.0/24 ip daddr 10.0.0.2 meta l4proto 47 accept comment \"sp 3\"\n"),
                text());
    }

    /**
     * RFC 3173 §2.2 / t_ipsec_tunnel_ipcomp.sh: an IPComp SA sends packets under deflate's 90-byte minimum (or that do
     * not shrink) as they are, so a clear packet under an IPComp request is legitimate in both directions; a required
     * ESP or AH request in the same bundle still makes the clear packet a violation.
     */
    @Test
    void ipcompRequestsDoNotMakeClearPacketsViolations() throws Exception {
        add("10.0.0.1", 0, "10.0.0.2", 0, 255, "out ipsec ipcomp/transport//require");
        add("10.0.0.2", 0, "10.0.0.1", 0, 255, "in ipsec ipcomp/transport//require");
        add("10.0.0.1", 0, "10.0.0.3", 0, 255, "out ipsec ipcomp/transport//require esp/transport//require");
        add("10.0.0.3", 0, "10.0.0.1", 0, 255, "in ipsec ipcomp/transport//require ah/transport//require");
        add("10.1.0.0/24", 0, "10.2.0.0/24", 0, 255, "out ipsec ipcomp/tunnel/10.0.0.1-10.0.0.2/require");
        assertEquals(
                expected(
                        "\t\tip saddr 10.0.0.2 ip daddr 10.0.0.1 accept comment \"sp 2\"\n"
                                + "\t\tip saddr 10.0.0.3 ip daddr 10.0.0.1 counter name \"in_polvio\" drop comment \"sp 4\"\n",
                        "\t\tip saddr 10.0.0.1 ip daddr 10.0.0.2 accept comment \"sp 1\"\n"
                                + "\t\tip saddr 10.0.0.1 ip daddr 10.0.0.3 counter name \"out_polvio\" drop comment \"sp 3\"\n"
                                + "\t\tip saddr 10.1.0.0/24 ip daddr 10.2.0.0/24 accept comment \"sp 5\"\n"),
                text());
    }

    @Test
    void tunnelModeSelectorsAreTheInnerSubnetsAndHostBitsAreCleared() throws Exception {
        add("10.10.1.7/24", 0, "10.10.2.0/24", 0, 255, "out ipsec esp/tunnel/10.83.1.1-10.83.2.1/require");
        add("10.10.2.0/24", 0, "10.10.1.0/24", 0, 255, "in ipsec esp/tunnel/10.83.2.1-10.83.1.1/require");
        assertEquals(
                expected(
                        "\t\tip saddr 10.10.2.0/24 ip daddr 10.10.1.0/24 counter name \"in_polvio\" drop comment \"sp 2\"\n",
                        "\t\tip saddr 10.10.1.0/24 ip daddr 10.10.2.0/24 counter name \"out_polvio\" drop comment \"sp 1\"\n"),
                text());
    }

    @Test
    void defPolicyDiscardClosesTheChainsPerFamily() throws Exception {
        add("10.0.0.1", 0, "10.0.0.2", 0, 255, "in none");
        sysctl.write(SysctlNames.IPSEC_DEF_POLICY, 0);
        assertEquals(
                expected(
                        "\t\tip saddr 10.0.0.1 ip daddr 10.0.0.2 accept comment \"sp 1\"\n"
                                + "\t\tmeta nfproto ipv4 counter name \"in_polvio\" drop comment \"def_policy discard\"\n",
                        "\t\tmeta nfproto ipv4 counter name \"out_polvio\" drop comment \"def_policy discard\"\n"),
                text());
    }

    @Test
    void transactionReplacesTheTableAtomicallyAndRemovalNeverFails() {
        GuardSnapshot empty = GuardSnapshot.of(7, List.of(), new SystemDefaults(sysctl));
        String t = NftRuleset.transaction(config, empty);
        assertEquals(
                "table inet jipsec_jipsec0\ndelete table inet jipsec_jipsec0\n" + NftRuleset.generate(config, empty),
                t);
        assertEquals("table inet jipsec_jipsec0\ndelete table inet jipsec_jipsec0\n", NftRuleset.removal(config));
    }

    @Test
    void tableNameIsDerivedFromTheTunAndOddPortsOrNamesAreHandled() {
        assertEquals("jipsec_gw_a.0".replace('.', '_'), new NftRuleset.Config("gw-a.0", 4500).tableName());
        assertThrows(IllegalArgumentException.class, () -> new NftRuleset.Config("a\"b", 4500));
        assertThrows(IllegalArgumentException.class, () -> new NftRuleset.Config("a b", 4500));
        assertThrows(IllegalArgumentException.class, () -> new NftRuleset.Config("0123456789abcdef", 4500));
        String noNatT = NftRuleset.generate(
                new NftRuleset.Config("tun1", 0), GuardSnapshot.of(1, List.of(), new SystemDefaults(sysctl)));
        assertEquals(1, noNatT.split("udp dport 500 accept", -1).length - 1, noNatT);
        assertEquals(1, noNatT.split("udp sport 500 accept", -1).length - 1, noNatT);
    }
}
