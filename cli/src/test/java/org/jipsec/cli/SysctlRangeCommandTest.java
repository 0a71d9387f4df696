package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.io.sysctl.SysctlServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12 item 7: {@code jipsec sysctl -w} against a daemon's sysctl socket refuses a value outside a variable's
 * meaning with EINVAL (exit 1, one line naming the variable and the allowed range) and the daemon keeps the old
 * value; the GETSPI range can never become empty.
 */
class SysctlRangeCommandTest {

    @TempDir
    Path dir;

    @Test
    void outOfRangeWritesAreRefusedAndChangeNothing() throws Exception {
        Sysctl tree = Sysctl.withNetbsdDefaults();
        try (SysctlServer s = SysctlServer.start(tree, dir.resolve("sysctl"))) {
            String p = s.path().toString();
            for (String w : List.of(
                    "net.inet.ipsec.dfbit=3",
                    "net.inet.ipsec.ecn=2",
                    "net.inet6.ipsec6.ecn=-2",
                    "net.key.larval_lifetime=0",
                    "net.key.larval_lifetime=-30",
                    "net.key.spi_try=0",
                    "net.key.spi_try=100001",
                    "net.key.spi_min_value=255",
                    "net.key.spi_max_value=100",
                    "net.key.spi_min_value=268435456",
                    "net.inet.ipsec.debug=2",
                    "net.key.prefered_oldsa=7",
                    "net.inet.ipsec.def_policy=2",
                    "net.inet.ipsec.esp_net_deflev=3",
                    "net.key.esp_keymin=65536")) {
                String name = w.substring(0, w.indexOf('='));
                String before =
                        MainTest.run("sysctl", "--socket", p, "-n", name).out();
                MainTest.Result r = MainTest.run("sysctl", "--socket", p, "-w", w);
                assertEquals(1, r.status(), w + ": " + r);
                assertEquals("", r.out(), w);
                assertTrue(r.err().startsWith("sysctl: " + name + ": invalid value "), w + ": " + r.err());
                assertEquals(1, r.err().strip().lines().count(), r.err());
                assertEquals(
                        before,
                        MainTest.run("sysctl", "--socket", p, "-n", name).out(),
                        w + " changed the value");
            }
            assertEquals(256, tree.intValue("net.key.spi_min_value"));
            assertEquals(0x0fffffff, tree.intValue("net.key.spi_max_value"));
            assertEquals(
                    new MainTest.Result(0, "net.key.spi_try: 1000 -> 100000\n", ""),
                    MainTest.run("sysctl", "--socket", p, "-w", "net.key.spi_try=100000"));
        }
    }
}
