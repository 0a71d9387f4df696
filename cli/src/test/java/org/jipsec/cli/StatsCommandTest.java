package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jipsec.core.engine.IpsecStatistics;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.jipsec.core.xform.NetbsdStatsLayout;
import org.jipsec.core.xform.XformStats;
import org.jipsec.io.sysctl.SysctlServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jipsec stats}: netstat -s -p ipsec's lines over jipsecd's sysctl socket. The golden file
 * (stats-esp.golden) was written by hand from NetBSD usr.bin/netstat/fast_ipsec.c ({@code ESPSTAT} lines of the
 * "\tesp:" section: every counter with one -s, histogram entries only when non-zero), not from this program's output.
 */
class StatsCommandTest {

    @TempDir
    Path dir;

    private SysctlServer serve() throws Exception {
        Sysctl tree = Sysctl.withNetbsdDefaults();
        new IpsecStatistics().bindTo(tree);
        NetbsdStatsLayout.bindTo(tree, new XformStats());
        long[] esp = new long[NetbsdStatsLayout.ESP_NSTATS];
        esp[NetbsdStatsLayout.ESP_STAT_INPUT] = 7;
        esp[NetbsdStatsLayout.ESP_STAT_OUTPUT] = 9;
        esp[NetbsdStatsLayout.ESP_STAT_NOTDB] = 2;
        esp[NetbsdStatsLayout.ESP_STAT_BADAUTH] = 1;
        esp[NetbsdStatsLayout.ESP_STAT_REPLAY] = 3;
        esp[NetbsdStatsLayout.ESP_STAT_HIST + 11] = 16; // aes-gcm-16
        esp[NetbsdStatsLayout.ESP_STAT_IBYTES] = 1120;
        esp[NetbsdStatsLayout.ESP_STAT_OBYTES] = 1440;
        tree.bindStruct(SysctlNames.ESP_STATS, () -> Sysctl.counters(esp));
        long[] ipsec = new long[IpsecStatistics.COUNT];
        ipsec[IpsecStatistics.IN_POLVIO] = 4;
        ipsec[IpsecStatistics.OUT_NOSA] = 5;
        tree.bindStruct(SysctlNames.IPSEC_STATS, () -> Sysctl.counters(ipsec));
        tree.bindStruct(
                SysctlNames.KEY_STATS,
                () -> Sysctl.counters(new long[org.jipsec.core.pfkey.PfkeyStatistics.PFKEY_NSTATS]));
        return SysctlServer.start(tree, dir.resolve("sysctl"));
    }

    @Test
    void espSectionAsNetstatPrintsIt() throws Exception {
        String golden;
        try (InputStream in = StatsCommandTest.class.getResourceAsStream("stats-esp.golden")) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (SysctlServer ctl = serve()) {
            MainTest.Result r = MainTest.run("stats", "--socket", ctl.path().toString(), "-p", "esp");
            assertEquals(0, r.status(), r.err());
            assertEquals(golden, r.out());
            // -s: netstat -s -s, only what is not 0
            MainTest.Result s = MainTest.run("stats", "--socket", ctl.path().toString(), "-s", "-p", "esp");
            assertEquals(
                    "\tesp:\n\t\t7 esp input packets processed\n\t\t9 esp output packets processed\n"
                            + "\t\t2 esp packets with no SA\n\t\t1 esp packets with bad authentication\n"
                            + "\t\t3 esp packets dropped for possible replay\n\tesp histogram:\n"
                            + "\t\tesp packets with aes-gcm-16: 16\n\t\t1120 esp bytes received\n\t\t1440 esp bytes transmitted\n",
                    s.out());
            // -p ipsec: the header, the policy line only when non-zero, every ipsecstats line, then the sections
            MainTest.Result all = MainTest.run("stats", "--socket", ctl.path().toString(), "-p", "ipsec");
            assertTrue(
                    all.out()
                            .startsWith("ipsec:\n\t4 policy violations: 4 input 0 output\n\t5 no SA found (output)\n"
                                    + "\t0 no memory available (output)\n"),
                    all.out());
            assertTrue(all.out().contains("\t\t0 ah input packets processed\n"), all.out());
            assertTrue(all.out().contains(golden), all.out());
            assertTrue(all.out().contains("\tipcomp:\n\t\t0 ipcomp packets too short for header length\n"), all.out());
            assertTrue(!all.out().contains("pfkey:"), all.out());
            MainTest.Result pfkey = MainTest.run("stats", "--socket", ctl.path().toString(), "-p", "pfkey");
            assertEquals("pfkey:\n", pfkey.out());
        }
    }

    @Test
    void unknownProtocolOrNoDaemonIsAnError() {
        MainTest.Result r =
                MainTest.run("stats", "--socket", dir.resolve("none").toString(), "-p", "tcp");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("-p tcp: unknown protocol"), r.err());
        MainTest.Result n =
                MainTest.run("stats", "--socket", dir.resolve("none").toString());
        assertEquals(1, n.status());
        assertTrue(n.err().startsWith("jipsec stats: cannot reach jipsecd on "), n.err());
    }
}
