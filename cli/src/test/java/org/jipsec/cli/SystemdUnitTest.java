package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.Commands;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packaging/systemd/jipsec.service: clean under {@code systemd-analyze verify} (with ExecStart pointed at this
 * checkout's launcher, since /usr/bin/jipsec exists only once the package is installed), Type=notify, reload by
 * SIGHUP, the hardening issue #18 names, and the state directory the sequence high-water marks live in.
 */
class SystemdUnitTest {

    @TempDir Path dir;

    static final Path UNIT = Path.of("..", "packaging", "systemd", "jipsec.service");

    @Test
    void unitVerifiesClean() throws Exception {
        Assumptions.assumeTrue(Commands.run(List.of("systemd-analyze", "--version"), Duration.ofSeconds(20)).ok(),
                "systemd-analyze not installed");
        Path launcher = Path.of("..", "jipsec").toAbsolutePath().normalize();
        Path unit = dir.resolve("jipsec.service");
        Files.writeString(unit, Files.readString(UNIT).replace("/usr/bin/jipsec", launcher.toString()));
        CommandResult r = Commands.run(List.of("systemd-analyze", "verify", unit.toString()), Duration.ofSeconds(60));
        assertEquals("", (r.stdout() + r.stderr()).strip(), "systemd-analyze verify");
        assertTrue(r.ok(), r.stderr());
    }

    @Test
    void unitIsNotifyReloadableAndHardened() throws Exception {
        String u = Files.readString(UNIT);
        for (String line : List.of("Type=notify", "ExecReload=/bin/kill -HUP $MAINPID", "WatchdogSec=",
                "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW", "ProtectSystem=strict", "RuntimeDirectory=jipsec",
                "StateDirectory=jipsec", "--config /etc/ipsec.conf", "--sysctl /etc/jipsec/sysctl.conf",
                "--state-dir /var/lib/jipsec")) {
            assertTrue(u.contains(line), "unit lacks " + line);
        }
    }
}
