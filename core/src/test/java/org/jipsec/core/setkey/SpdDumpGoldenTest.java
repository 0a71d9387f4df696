package org.jipsec.core.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@code setkey -DP} output against text written by hand from libipsec pfkey_spdump1 and ipsec_dump_policy
 * (spec §3.2, §3.4): prefixes (omitted when full), {@code [port]}/{@code [any]} except for ICMP/ICMPv6/MH/GRE, the
 * upper protocol by its /etc/protocols name — {@code reserved} for 255 ("any"), as NetBSD's file names it — ICMP
 * type,code and GRE keys, every policy type, levels, reqids, and {@code -p} ports in tunnel endpoints.
 */
class SpdDumpGoldenTest {

    private static String spdDump(SetkeyHarness h, String config, String... flags) {
        SetkeyHarness.Result r = h.script(config);
        assertEquals("", r.err(), "the configuration loads");
        assertEquals(0, r.status());
        String[] argv = new String[flags.length + 1];
        argv[0] = "-DP";
        System.arraycopy(flags, 0, argv, 1, flags.length);
        SetkeyHarness.Result d = h.run(argv);
        assertEquals(0, d.status(), d.err());
        return d.out();
    }

    @Test
    void everyFormOfSelectorAndPolicy() {
        SetkeyHarness h = new SetkeyHarness();
        String out = spdDump(h, """
                spdadd 10.0.11.41/32[21] 10.0.11.33/32[any] any
                        -P out ipsec esp/tunnel/192.168.0.1-192.168.1.2/require ;
                spdadd 10.1.0.0/16 10.2.0.0/16[80] tcp -P in ipsec esp/transport//use ah/transport//require ;
                spdadd 192.0.2.0/24 198.51.100.0/24 udp -P out discard ;
                spdadd ::/0 ::/0 icmp6 135,0 -P in none ;
                spdadd 0.0.0.0/0 0.0.0.0/0 icmp 8 -P out none ;
                spdadd 0.0.0.0 0.0.0.0 gre 1234 -P out ipsec esp/transport//require ;
                spdadd 2001:db8:1::/48[any] 2001:db8:2::1[500] 17 -P out ipsec esp/tunnel/2001:db8::1-2001:db8::2/unique:5 ;
                spdadd 172.16.0.0/12 172.16.0.0/12 any -P out ipsec ipcomp/tunnel/192.0.2.1-192.0.2.2/use esp/tunnel/192.0.2.1-192.0.2.2/default ;
                """);
        // NetBSD dumps the SPD by direction (inbound first) then in insertion order; seq counts down to 0
        String expected = """
                10.1.0.0/16[any] 10.2.0.0/16[80] 6(tcp)
                \tin ipsec
                \tesp/transport//use
                \tah/transport//require
                \tspid=2 seq=7 pid=4711
                \trefcnt=0
                ::/0 ::/0 58(ipv6-icmp) 135,0
                \tin none
                \tspid=4 seq=6 pid=4711
                \trefcnt=0
                10.0.11.41[21] 10.0.11.33[any] 255(reserved)
                \tout ipsec
                \tesp/tunnel/192.168.0.1-192.168.1.2/require
                \tspid=1 seq=5 pid=4711
                \trefcnt=0
                192.0.2.0/24[any] 198.51.100.0/24[any] 17(udp)
                \tout discard
                \tspid=3 seq=4 pid=4711
                \trefcnt=0
                0.0.0.0/0 0.0.0.0/0 1(icmp) 8,0
                \tout none
                \tspid=5 seq=3 pid=4711
                \trefcnt=0
                0.0.0.0 0.0.0.0 47(gre) 1234
                \tout ipsec
                \tesp/transport//require
                \tspid=6 seq=2 pid=4711
                \trefcnt=0
                2001:db8:1::/48[any] 2001:db8:2::1[500] 17(udp)
                \tout ipsec
                \tesp/tunnel/2001:db8::1-2001:db8::2/unique:5
                \tspid=7 seq=1 pid=4711
                \trefcnt=0
                172.16.0.0/12[any] 172.16.0.0/12[any] 255(reserved)
                \tout ipsec
                \tipcomp/tunnel/192.0.2.1-192.0.2.2/use
                \tesp/tunnel/192.0.2.1-192.0.2.2/default
                \tspid=8 seq=0 pid=4711
                \trefcnt=0
                """;
        assertEquals(expected, out);
    }

    @Test
    void portsInTunnelEndpointsWithP() {
        SetkeyHarness h = new SetkeyHarness();
        String out = spdDump(h, """
                spdadd 10.0.11.0/24[any] 10.0.11.33/32[any] any -P out ipsec
                        esp/tunnel/192.168.0.1[4500]-192.168.1.2[30000]/require ;
                """, "-p");
        assertEquals("""
                10.0.11.0/24[any] 10.0.11.33[any] 255(reserved)
                \tout ipsec
                \tesp/tunnel/192.168.0.1[4500]-192.168.1.2[30000]/require
                \tspid=1 seq=0 pid=4711
                \trefcnt=0
                """, out);
    }

    @Test
    void spdupdateSpddeleteAndSpdflush() {
        // spdupdate replaces the policy; the new one gets a new id (key_spdadd → key_getnewspid)
        SetkeyHarness h = new SetkeyHarness();
        SetkeyHarness.Result r = h.script("""
                spdadd 10.0.0.0/8 10.0.0.0/8 any -P out ipsec esp/transport//require ;
                spdupdate 10.0.0.0/8 10.0.0.0/8 any -P out ipsec ah/transport//require ;
                spddump ;
                spddelete 10.0.0.0/8 10.0.0.0/8 any -P out ;
                spddump ;
                """);
        assertEquals("""
                10.0.0.0/8[any] 10.0.0.0/8[any] 255(reserved)
                \tout ipsec
                \tah/transport//require
                \tspid=2 seq=0 pid=4711
                \trefcnt=0
                The result of line 5: No SPD entries.
                """, r.out());
        assertEquals(0, r.status(), r.err());
        h.script("spdadd 10.0.0.0/8 10.0.0.0/8 any -P in none ;");
        assertEquals(0, h.run("-FP").status());
        assertEquals("No SPD entries.\n", h.run("-DP").out());
    }
}
