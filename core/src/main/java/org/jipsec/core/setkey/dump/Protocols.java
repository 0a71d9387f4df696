package org.jipsec.core.setkey.dump;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A built-in copy of the protocol names of NetBSD's {@code /etc/protocols} (IANA "Assigned Internet Protocol
 * Numbers"), so that the core reads no file: {@code getprotobyname} for setkey's upper-layer word (spec §2.3) and
 * {@code getprotobynumber} for {@code setkey -DP} (spec §3.4, libipsec {@code str_upperspec}). Only the first name of
 * each line prints; the aliases are accepted on input. NetBSD's file ends with {@code reserved 255}, which is why
 * NetBSD's {@code setkey -DP} prints {@code reserved} for a selector of protocol "any" — jipsec prints the same.
 * Small well-known service names for {@code [port]} are here too ({@code getservbyname}).
 */
public final class Protocols {
    private Protocols() {}

    private static final Map<Integer, String> BY_NUMBER = new HashMap<>();
    private static final Map<String, Integer> BY_NAME = new HashMap<>();
    private static final Map<String, Integer> SERVICES = new HashMap<>();

    private static void p(int n, String name, String... aliases) {
        BY_NUMBER.put(n, name);
        BY_NAME.putIfAbsent(name, n);
        for (String a : aliases) BY_NAME.putIfAbsent(a, n);
    }

    static {
        p(0, "hopopt", "HOPOPT", "ip", "IP");
        p(1, "icmp", "ICMP");
        p(2, "igmp", "IGMP");
        p(3, "ggp", "GGP");
        p(4, "ipv4", "IPv4", "ipencap", "IP-ENCAP");
        p(5, "st", "ST");
        p(6, "tcp", "TCP");
        p(8, "egp", "EGP");
        p(9, "igp", "IGP");
        p(12, "pup", "PUP");
        p(17, "udp", "UDP");
        p(20, "hmp", "HMP");
        p(22, "xns-idp", "XNS-IDP");
        p(27, "rdp", "RDP");
        p(29, "iso-tp4", "ISO-TP4");
        p(33, "dccp", "DCCP");
        p(36, "xtp", "XTP");
        p(37, "ddp", "DDP");
        p(41, "ipv6", "IPv6");
        p(43, "ipv6-route", "IPv6-Route");
        p(44, "ipv6-frag", "IPv6-Frag");
        p(45, "idrp", "IDRP");
        p(46, "rsvp", "RSVP");
        p(47, "gre", "GRE");
        p(50, "esp", "ESP");
        p(51, "ah", "AH");
        p(55, "mobile", "MOBILE");
        p(58, "ipv6-icmp", "IPv6-ICMP", "icmp6");
        p(59, "ipv6-nonxt", "IPv6-NoNxt");
        p(60, "ipv6-opts", "IPv6-Opts");
        p(73, "rspf", "RSPF");
        p(81, "vmtp", "VMTP");
        p(88, "eigrp", "EIGRP");
        p(89, "ospfigp", "OSPFIGP", "ospf");
        p(94, "ipip", "IPIP");
        p(97, "etherip", "ETHERIP");
        p(98, "encap", "ENCAP");
        p(103, "pim", "PIM");
        p(108, "ipcomp", "IPComp");
        p(112, "vrrp", "VRRP", "carp");
        p(115, "l2tp", "L2TP");
        p(124, "isis", "ISIS");
        p(132, "sctp", "SCTP");
        p(133, "fc", "FC");
        p(135, "mobility-header", "Mobility-Header", "mh");
        p(136, "udplite", "UDPLite");
        p(137, "mpls-in-ip", "MPLS-in-IP");
        p(139, "hip", "HIP");
        p(140, "shim6", "Shim6");
        p(141, "wesp", "WESP");
        p(142, "rohc", "ROHC");
        p(255, "reserved", "Reserved");
        String[][] services = {
            {"ftp-data", "20"},
            {"ftp", "21"},
            {"ssh", "22"},
            {"telnet", "23"},
            {"smtp", "25"},
            {"domain", "53"},
            {"http", "80"},
            {"www", "80"},
            {"pop3", "110"},
            {"ntp", "123"},
            {"imap", "143"},
            {"snmp", "161"},
            {"bgp", "179"},
            {"ldap", "389"},
            {"https", "443"},
            {"isakmp", "500"},
            {"syslog", "514"},
            {"ipsec-nat-t", "4500"},
        };
        for (String[] s : services) SERVICES.put(s[0], Integer.parseInt(s[1]));
    }

    /** getprotobyname(3) over the built-in table. */
    public static OptionalInt byName(String name) {
        Integer n = BY_NAME.get(name);
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    /**
     * The upper-layer protocol as NetBSD 10's {@code setkey -DP} prints it: the number, then the /etc/protocols name
     * in parentheses when there is one ({@code 255(reserved)}, {@code 6(tcp)}), else the number alone. The exact
     * oracle is NetBSD's tests/net/ipsec/common.sh {@code check_sp_entries}, which matches
     * {@code <src>[any] <dst>[any] 255(reserved)}.
     */
    public static String dumpName(int number) {
        String s = BY_NUMBER.get(number);
        return s != null ? number + "(" + s + ")" : Integer.toString(number);
    }

    public static String nameOf(int number) {
        String s = BY_NUMBER.get(number);
        return s != null ? s : Integer.toString(number);
    }

    /** getservbyname(3) for a few well-known services. */
    public static OptionalInt service(String name) {
        Integer n = SERVICES.get(name);
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }
}
