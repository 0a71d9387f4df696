package org.jipsec.core.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * NetBSD tests/net/ipsec/t_ipsec_sysctl.sh {@code ipsec_sysctl4} and {@code ipsec_sysctl6}: {@code used} (and its IPv6
 * alias) is 0 at start, stays 0 when an SA is added, and turns 1 when a policy is added (key.c key_api_spdadd →
 * key_update_used); {@code enabled} 0 leaves it alone, 2 forces it.
 */
class NetbsdSysctlUsedTest {

    private static int used(SetkeyHarness h, String name) throws Exception {
        return h.sysctl.read(name);
    }

    private static void usedCase(String src, String dst) throws Exception {
        SetkeyHarness h = new SetkeyHarness();
        assertEquals(1, h.sysctl.read("net.inet.ipsec.enabled"));
        assertEquals(1, h.sysctl.read("net.inet6.ipsec6.enabled"));
        assertEquals(0, used(h, "net.inet.ipsec.used"));
        assertEquals(0, used(h, "net.inet6.ipsec6.used"));
        h.stdin = "add " + src + " " + dst + " esp 9876 -E 3des-cbc \"hogehogehogehogehogehoge\";\n";
        assertEquals(new SetkeyHarness.Result(0, "", ""), h.run("-c"));
        assertEquals(0, used(h, "net.inet.ipsec.used"), "an SA alone does not activate IPsec");
        assertEquals(0, used(h, "net.inet6.ipsec6.used"));
        h.stdin = "spdadd " + src + " " + dst + " any -P out ipsec esp/transport//use;\n";
        assertEquals(new SetkeyHarness.Result(0, "", ""), h.run("-c"));
        assertEquals(1, used(h, "net.inet.ipsec.used"), "an SPD entry activates IPsec");
        assertEquals(1, used(h, "net.inet6.ipsec6.used"));
        // key_update_used with enabled = 1 only ever raises `used`: flushing the policies leaves it at 1
        assertEquals(new SetkeyHarness.Result(0, "", ""), h.run("-FP"));
        assertEquals(1, used(h, "net.inet.ipsec.used"));
    }

    @Test
    void ipsecSysctl4() throws Exception {
        usedCase("10.0.0.1", "10.0.0.2");
    }

    @Test
    void ipsecSysctl6() throws Exception {
        usedCase("fd00::1", "fd00::2");
    }

    @Test
    void enabledZeroLeavesUsedAloneAndTwoForcesIt() throws Exception {
        SetkeyHarness h = new SetkeyHarness();
        h.sysctl.write("net.inet.ipsec.enabled", 0);
        h.stdin = "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//use;\n";
        assertEquals(0, h.run("-c").status());
        assertEquals(0, used(h, "net.inet.ipsec.used"), "key_update_used: enabled 0 does not touch used");
        h.sysctl.write("net.inet.ipsec.enabled", 2);
        assertEquals(1, used(h, "net.inet6.ipsec6.used"));
    }
}
