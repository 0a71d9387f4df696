package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.jipsec.core.engine.EngineSettings;
import org.jipsec.core.engine.IpsecEngine;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.PfkeyStatistics;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.jipsec.core.xform.NetbsdStatsLayout;
import org.jipsec.io.pfkey.PfkeyClient;
import org.jipsec.io.pfkey.PfkeyServer;
import org.jipsec.io.sysctl.SysctlServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statistics structures over jipsecd's sysctl socket, bound as the gateway binds them: {@code jipsec sysctl -x}
 * gives NetBSD's bytes, {@code -s} netstat's lines; a malformed PF_KEY request shows in {@code net.key.stats}.
 */
class SysctlStatisticsCommandTest {

    @TempDir
    Path dir;

    @Test
    void statisticsOverTheSysctlSocket() throws Exception {
        Sysctl tree = Sysctl.withNetbsdDefaults();
        IpsecEngine engine = IpsecEngine.create(
                tree, () -> Instant.ofEpochSecond(1_764_324_000L), new SplittableRandom(3), EngineSettings.DEFAULTS);
        try (PfkeyServer pf = PfkeyServer.start(engine, dir.resolve("pfkey"));
                SysctlServer ctl = SysctlServer.start(tree, dir.resolve("sysctl"))) {
            // as GatewayDataPlane: net.key.stats read under the PF_KEY server's lock
            tree.bindStruct(SysctlNames.KEY_STATS, () -> Sysctl.counters(pf.withEngine(KeyEngine::pfkeyStatistics)));
            try (PfkeyClient c = PfkeyClient.connect(pf.path())) {
                byte[] v1 = new byte[16];
                v1[0] = 1; // PF_KEY version 1
                v1[1] = 9; // FLUSH
                v1[4] = 2; // 2 × 8 bytes
                c.sendRaw(v1);
                c.receiveRaw(); // the echo with EINVAL
            }
            String p = ctl.path().toString();
            MainTest.Result x = MainTest.run("sysctl", "--socket", p, "-n", "-x", "net.key.stats");
            assertEquals(0, x.status(), x.err());
            byte[] raw = HexFormat.of().parseHex(x.out().strip());
            assertEquals(PfkeyStatistics.PFKEY_NSTATS * 8, raw.length);
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(1, b.getLong(PfkeyStatistics.PFKEY_STAT_OUT_TOTAL * 8));
            assertEquals(1, b.getLong(PfkeyStatistics.PFKEY_STAT_OUT_INVVER * 8));
            assertEquals(1, b.getLong((PfkeyStatistics.PFKEY_STAT_OUT_MSGTYPE + 9) * 8));

            MainTest.Result esp = MainTest.run("sysctl", "--socket", p, "-n", "-x", "net.inet.esp.esp_stats");
            assertEquals(NetbsdStatsLayout.ESP_NSTATS * 16, esp.out().strip().length(), "35 uint64 in hex");

            MainTest.Result s = MainTest.run("sysctl", "--socket", p, "-s");
            assertEquals(0, s.status(), s.err());
            assertTrue(s.out().startsWith("ipsec:\n"), s.out());
            assertTrue(s.out().contains("\tesp:\n\tesp histogram:\n"), s.out());
            assertTrue(s.out().contains("pfkey:\n\t1 request sent from userland\n"), s.out());
            assertTrue(s.out().contains("\t1 message with invalid version field\n"), s.out());
            assertTrue(s.out().contains("\t\tflush: 1\n"), s.out());
        }
    }

    @Test
    void embeddedTreeHasNoEngineToServeStatistics() {
        MainTest.Result r = MainTest.run("sysctl", "--embedded", "-x", "net.inet.esp.esp_stats");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("sysctl: net.inet.esp.esp_stats: not served here"), r.err());
    }
}
