package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HexFormat;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.jipsec.core.xform.NetbsdStatsLayout;
import org.jipsec.io.gateway.GatewayDaemon;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.VethPair;
import org.jipsec.io.sysctl.SysctlServer;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two jipsecd data planes in namespaces with a tunnel-mode ESP SA pair: after a ping through the tunnel, the
 * gateway's sysctl socket serves NetBSD's {@code esp_stats} and {@code ipip_stats} with the packets counted.
 */
@RequiresRoot
class GatewayStatisticsTest {

    @TempDir
    Path dir;

    private static long at(String hex, int index) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hex.strip()))
                .order(ByteOrder.LITTLE_ENDIAN)
                .getLong(index * 8);
    }

    @Test
    void pingThroughTheTunnelShowsInEspAndIpipStats() throws Exception {
        Assumptions.assumeTrue(NetnsLab.available(), "needs root and iproute2 (network namespaces)");
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), "10.78.0.1/24");
            g.lab.address(b, v.b(), "10.78.0.2/24");
            g.lab.address(a, "lo", "10.78.1.1/32");
            g.lab.address(b, "lo", "10.78.2.1/32");
            String sas = "add 10.78.0.1 10.78.0.2 esp 0x3001 -m tunnel -E aes-gcm-16 " + GatewayEndToEndTest.K_AB
                    + " ;\n" + "add 10.78.0.2 10.78.0.1 esp 0x3002 -m tunnel -E aes-gcm-16 " + GatewayEndToEndTest.K_BA
                    + " ;\n";
            GatewayDaemon ga = g.gateway(
                    a,
                    sas
                            + "spdadd 10.78.1.1 10.78.2.1 any -P out ipsec esp/tunnel/10.78.0.1-10.78.0.2/require ;\n"
                            + "spdadd 10.78.2.1 10.78.1.1 any -P in ipsec esp/tunnel/10.78.0.2-10.78.0.1/require ;\n");
            g.gateway(
                    b,
                    sas
                            + "spdadd 10.78.2.1 10.78.1.1 any -P out ipsec esp/tunnel/10.78.0.2-10.78.0.1/require ;\n"
                            + "spdadd 10.78.1.1 10.78.2.1 any -P in ipsec esp/tunnel/10.78.0.1-10.78.0.2/require ;\n");
            g.lab.route(a, "10.78.2.1/32", "dev", "jipsec0", "src", "10.78.1.1");
            g.lab.route(b, "10.78.1.1/32", "dev", "jipsec0", "src", "10.78.2.1");
            CommandResult ping =
                    g.exec(a, 20, "ping", "-c", "3", "-i", "0.2", "-W", "2", "-I", "10.78.1.1", "10.78.2.1");
            assertTrue(ping.ok(), ping.stdout() + ping.stderr() + g.logs);

            Sysctl tree = ga.engine().sysctl();
            try (SysctlServer ctl = SysctlServer.start(tree, dir.resolve("a.sysctl"))) {
                String p = ctl.path().toString();
                String esp = MainTest.run("sysctl", "--socket", p, "-n", "-x", SysctlNames.ESP_STATS)
                        .out();
                assertTrue(at(esp, NetbsdStatsLayout.ESP_STAT_OUTPUT) >= 3, esp);
                assertTrue(at(esp, NetbsdStatsLayout.ESP_STAT_INPUT) >= 3, "echo replies decrypted: " + esp);
                assertTrue(at(esp, NetbsdStatsLayout.ESP_STAT_HIST + 11) >= 6, "aes-gcm-16 histogram: " + esp);
                assertEquals(0, at(esp, NetbsdStatsLayout.ESP_STAT_BADAUTH));
                String ipip = MainTest.run("sysctl", "--socket", p, "-n", "-x", SysctlNames.IPIP_STATS)
                        .out();
                assertTrue(at(ipip, NetbsdStatsLayout.IPIP_STAT_OPACKETS) >= 3, ipip);
                assertTrue(at(ipip, NetbsdStatsLayout.IPIP_STAT_IPACKETS) >= 3, ipip);
                MainTest.Result s = MainTest.run("sysctl", "--socket", p, "-s");
                assertTrue(s.out().contains("esp packets with aes-gcm-16: "), s.out() + s.err());
            }
        }
    }
}
