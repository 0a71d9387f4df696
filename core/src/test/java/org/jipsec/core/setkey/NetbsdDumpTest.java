package org.jipsec.core.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.KeyDebug;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.junit.jupiter.api.Test;

/**
 * {@code setkey -D}/{@code -DP}/{@code -DPv} as NetBSD's tests/net/ipsec scripts check them, with their own regular
 * expressions: common.sh {@code check_sp_entries} and {@code check_sa_entries}, {@code test_flush_entries},
 * t_ipsec_misc.sh {@code test_multiple_sa}; NetBSD 10's {@code sadb_x_policy{ ... flags=0x.. ... }} in {@code -v}.
 */
class NetbsdDumpTest {

    private static void match(String regex, String out) {
        assertTrue(Pattern.compile(regex).matcher(out).find(), "/" + regex + "/ in\n" + out);
    }

    @Test
    void checkSpEntries() {
        // t_ipsec_misc.sh setup_sp, then common.sh check_sp_entries
        SetkeyHarness h = new SetkeyHarness();
        h.stdin = """
                spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require;
                spdadd 10.0.0.2 10.0.0.1 any -P in ipsec esp/transport//require;
                """;
        assertEquals(new SetkeyHarness.Result(0, "", ""), h.run("-c"));
        SetkeyHarness.Result r = h.run("-D", "-P");
        assertEquals(0, r.status());
        match("10.0.0.1\\[any\\] 10.0.0.2\\[any\\] 255\\(reserved\\)", r.out());
        match("10.0.0.2\\[any\\] 10.0.0.1\\[any\\] 255\\(reserved\\)", r.out());
        // test_multiple_sa: the policy is dumped as given, not filled in with addresses
        match("esp/transport//require", r.out());
        assertTrue(
                !Pattern.compile("esp/transport/.+\\-.+/require")
                        .matcher(r.out())
                        .find(),
                r.out());
    }

    @Test
    void checkSaEntriesAndFlush() {
        SetkeyHarness h = new SetkeyHarness();
        h.stdin = """
                add fd00::1 fd00::2 esp 10000 -E rijndael-cbc "aaaaaaaaaaaaaaaa";
                add fd00::2 fd00::1 esp 10001 -E rijndael-cbc "aaaaaaaaaaaaaaaa";
                """;
        assertEquals(new SetkeyHarness.Result(0, "", ""), h.run("-c"));
        String d = h.run("-D").out();
        match("fd00::1 fd00::2", d);
        match("fd00::2 fd00::1", d);
        // common.sh test_flush_entries
        assertEquals(new SetkeyHarness.Result(0, "", ""), h.run("-F"));
        assertEquals(new SetkeyHarness.Result(0, "", ""), h.run("-F", "-P"));
        match("No SAD entries.", h.run("-D", "-a").out());
        match("No SPD entries.", h.run("-D", "-P").out());
    }

    @Test
    void flagUserlandSp() {
        // t_ipsec_spflags.sh flag_userland_sp, verbatim (flag_if_ipsec_sp needs an ipsec(4) interface: flags=0x80)
        SetkeyHarness h = new SetkeyHarness();
        h.stdin = """
                spdadd 20.0.0.1 20.0.0.2 ipv4 -P in ipsec esp/transport//require ;
                spdadd 20.0.0.2 20.0.0.1 ipv4 -P out ipsec esp/transport//require ;
                """;
        assertEquals(new SetkeyHarness.Result(0, "", ""), h.run("-c"));
        SetkeyHarness.Result r = h.run("-DPv");
        assertEquals(0, r.status());
        match("sadb_x_policy\\{ type=2 dir=2 flags=0x00", r.out());
    }

    @Test
    void verbosePolicyDumpShowsTheFlags() {
        SetkeyHarness h = new SetkeyHarness();
        h.stdin = "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require;\n";
        h.run("-c");
        String v = h.run("-DPv").out();
        match("sadb_x_policy\\{ type=2 dir=2 flags=0x00 id=1 \\}", v);
        XPolicy kernel =
                new XPolicy(PolicyType.IPSEC, PolicyDirection.OUTBOUND, 7, XPolicy.FLAG_ORIGIN_KERNEL, List.of());
        String k = KeyDebug.format(
                PfkeyMessage.of(Sadb.SADB_X_SPDGET, 0, 0, 1, List.of(new Extension.Policy(kernel))), true);
        match("sadb_x_policy\\{ type=2 dir=2 flags=0x80 id=7 \\}", k);
    }
}
