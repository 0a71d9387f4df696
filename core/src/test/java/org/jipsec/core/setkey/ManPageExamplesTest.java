package org.jipsec.core.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples of setkey(8) (setkey.8 1.26; spec §2.6) load into the key engine and dump back. */
class ManPageExamplesTest {

    /** The man page's host names, resolved by a fixed table (the CLI asks the system). */
    private static List<InetAddress> hosts(String host, int family, boolean numeric) throws UnknownHostException {
        if (!numeric) {
            switch (host) {
                case "myhost.example.com" -> {
                    return List.of(InetAddress.getByName("3ffe:501:4819::1"), InetAddress.getByName("192.0.2.1"));
                }
                case "yourhost.example.com" -> {
                    return List.of(InetAddress.getByName("3ffe:501:481d::1"), InetAddress.getByName("192.0.2.2"));
                }
                default -> {}
            }
        }
        List<InetAddress> all = HostResolver.NUMERIC.resolve(host, family, numeric);
        return all;
    }

    private static List<InetAddress> v6only(String host, int family, boolean numeric) throws UnknownHostException {
        return hosts(host, family, numeric).stream()
                .filter(a -> family != 6 || a instanceof java.net.Inet6Address)
                .filter(a -> family != 4 || a instanceof java.net.Inet4Address)
                .toList();
    }

    static final String EXAMPLES = """
            add 3ffe:501:4819::1 3ffe:501:481d::1 esp 123457
                    -E des-cbc 0x3ffe05014819ffff ;

            add -6 myhost.example.com yourhost.example.com ah 123456
                    -A hmac-sha1 "AH SA configuration!" ;

            add 10.0.11.41 10.0.11.33 esp 0x10001
                    -E des-cbc 0x3ffe05014819ffff
                    -A hmac-md5 "authentication!!" ;

            get 3ffe:501:4819::1 3ffe:501:481d::1 ah 123456 ;

            dump esp ;

            spdadd 10.0.11.41/32[21] 10.0.11.33/32[any] any
                    -P out ipsec esp/tunnel/192.168.0.1-192.168.1.2/require ;

            add 10.1.10.34 10.1.10.36 tcp 0x1000 -A tcp-md5 "TCP-MD5 BGP secret" ;

            spdadd ::/0 ::/0 icmp6 135,0 -P in none ;

            spdadd 0.0.0.0 0.0.0.0 gre 1234 -P out ipsec esp/transport//require ;

            spdadd 10.0.11.0/24[any] 10.0.11.33/32[any] any -P out ipsec
                    esp/tunnel/192.168.0.1[4500]-192.168.1.2[30000]/require ;
            """;

    @Test
    void examplesLoadAndDump() {
        SetkeyHarness h = new SetkeyHarness();
        h.resolver = ManPageExamplesTest::v6only;
        SetkeyHarness.Result r = h.script(EXAMPLES);
        assertEquals("", r.err());
        assertEquals(0, r.status());
        // the get (line 13) prints the AH SA; "dump esp" (line 15) prints both ESP SAs
        assertTrue(
                r.out().startsWith("3ffe:501:4819::1 3ffe:501:481d::1 \n\tah mode=any spi=123456(0x0001e240)"),
                r.out());
        assertEquals(2, r.out().split("\tesp mode=any").length - 1, r.out());
        assertEquals(4, h.engine.sad().size(), "esp, ah (-6: the IPv6 pair only), esp, tcp");
        String sp = h.run("-DPp").out();
        assertTrue(
                sp.contains(
                        "10.0.11.41[21] 10.0.11.33[any] 255(reserved)\n\tout ipsec\n\tesp/tunnel/192.168.0.1[0]-192.168.1.2[0]/require\n"),
                sp);
        assertTrue(sp.contains("::/0 ::/0 58(ipv6-icmp) 135,0\n\tin none\n"), sp);
        assertTrue(sp.contains("0.0.0.0 0.0.0.0 47(gre) 1234\n\tout ipsec\n\tesp/transport//require\n"), sp);
        assertTrue(sp.contains("\tesp/tunnel/192.168.0.1[4500]-192.168.1.2[30000]/require\n"), sp);
        // the remaining two man-page examples
        assertEquals(0, h.script("flush ;").status());
        assertEquals("No SAD entries.\n", h.run("-D").out());
    }

    @Test
    void withoutDashSixTheNameGivesOneSaPerFamilyPair() {
        SetkeyHarness h = new SetkeyHarness();
        h.resolver = ManPageExamplesTest::hosts;
        SetkeyHarness.Result r = h.script(
                "add myhost.example.com yourhost.example.com ah 123456 -A hmac-sha1 \"AH SA configuration!\" ;");
        assertEquals(0, r.status(), r.err());
        assertEquals(2, h.engine.sad().size(), "setkeymsg_add: one message per (src, dst) pair of the same family");
        SetkeyHarness.Result n = h.script("get -n myhost.example.com yourhost.example.com ah 123456 ;", "-s");
        assertEquals("line 1: Name or service not known at [myhost.example.com]\nparse failed, line 1.\n", n.err());
        SetkeyHarness.Result m = h.script("get myhost.example.com yourhost.example.com ah 123456 ;", "-s");
        assertEquals("line 1: multiple address specified at [;]\nparse failed, line 1.\n", m.err());
    }

    @Test
    void theGreExampleAsPrintedLacksMinusP() {
        // setkey.8 prints "spdadd 0.0.0.0 0.0.0.0 gre 1234 ipsec esp/transport//require ;" (sic): a syntax error
        SetkeyHarness h = new SetkeyHarness();
        SetkeyHarness.Result r = h.script("spdadd 0.0.0.0 0.0.0.0 gre 1234 ipsec esp/transport//require ;", "-s");
        assertEquals("line 1: syntax error at [ipsec]\nparse failed, line 1.\n", r.err());
    }
}
