package org.jipsec.core.engine.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.jipsec.core.engine.EngineSettings;
import org.jipsec.core.engine.IpsecEngine;
import org.jipsec.core.sysctl.Sysctl;
import org.junit.jupiter.api.Test;

/**
 * NetBSD key.c key_socksplist_add → key_update_used: a per-socket policy (setsockopt IP_IPSEC_POLICY, which NetBSD's
 * t_ipsec_sockopt sets through {@code ping -P}) turns {@code net.inet.ipsec.used} (and its IPv6 alias) to 1.
 */
class SocketPolicyUsedTest {

    @Test
    void aSocketPolicyPutsIpsecInUse() throws Exception {
        Sysctl sysctl = Sysctl.withNetbsdDefaults();
        IpsecEngine engine = IpsecEngine.create(
                sysctl, () -> Instant.ofEpochSecond(1_700_000_000L), new SplittableRandom(1), EngineSettings.NETBSD);
        JipsecHost host = new JipsecHost(engine, new MemoryLink(), List.of(InetAddress.getByName("10.0.0.1")));
        JipsecDatagramSocket s = host.openDatagramSocket(false);
        assertEquals(0, sysctl.read("net.inet.ipsec.used"));
        s.setPolicy("out ipsec esp/transport//require");
        assertEquals(1, sysctl.read("net.inet.ipsec.used"));
        assertEquals(1, sysctl.read("net.inet6.ipsec6.used"));
    }
}
