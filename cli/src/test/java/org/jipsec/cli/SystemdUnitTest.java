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
 * packaging/systemd/jipsec.service and jipsec-iked.service: clean under {@code systemd-analyze verify} (with ExecStart pointed at this
 * checkout's launcher, since /usr/bin/jipsec exists only once the package is installed), Type=notify, reload by
 * SIGHUP, the hardening issue #18 names, and the state directory the sequence high-water marks live in.
 */
class SystemdUnitTest {

    @TempDir
    Path dir;

    static final Path UNIT = Path.of("..", "packaging", "systemd", "jipsec.service");
    static final Path IKED_UNIT = Path.of("..", "packaging", "systemd", "jipsec-iked.service");

    @Test
    void unitVerifiesClean() throws Exception {
        Assumptions.assumeTrue(
                Commands.run(List.of("systemd-analyze", "--version"), Duration.ofSeconds(20))
                        .ok(),
                "systemd-analyze not installed");
        Path launcher = Path.of("..", "jipsec").toAbsolutePath().normalize();
        // both units side by side: jipsec-iked.service's Requires=/After=jipsec.service resolve to the other file
        Path unit = dir.resolve("jipsec.service"), iked = dir.resolve("jipsec-iked.service");
        Files.writeString(unit, Files.readString(UNIT).replace("/usr/bin/jipsec", launcher.toString()));
        Files.writeString(iked, Files.readString(IKED_UNIT).replace("/usr/bin/jipsec", launcher.toString()));
        CommandResult r = Commands.run(
                List.of("systemd-analyze", "verify", unit.toString(), iked.toString()), Duration.ofSeconds(60));
        assertEquals("", (r.stdout() + r.stderr()).strip(), "systemd-analyze verify");
        assertTrue(r.ok(), r.stderr());
    }

    @Test
    void ikedUnitFollowsTheGatewayAndIsHardened() throws Exception {
        String u = Files.readString(IKED_UNIT);
        for (String line : List.of(
                "Requires=jipsec.service",
                "After=jipsec.service",
                "ExecStart=/usr/bin/jipsec iked --config /etc/jipsec/iked.conf",
                "ExecReload=/bin/kill -HUP $MAINPID",
                "ConditionPathExists=/etc/jipsec/iked.conf",
                "NoNewPrivileges=yes",
                "ProtectSystem=strict",
                "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
                "UMask=0077")) {
            assertTrue(u.contains(line + "\n") || u.contains(line + " "), "unit lacks " + line);
        }
    }

    @Test
    void unitIsNotifyReloadableAndHardened() throws Exception {
        String u = Files.readString(UNIT);
        for (String line : List.of(
                "Type=notify",
                "ExecReload=/bin/kill -HUP $MAINPID",
                "WatchdogSec=",
                "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW",
                "ProtectSystem=strict",
                "RuntimeDirectory=jipsec",
                "StateDirectory=jipsec",
                "--config /etc/jipsec/ipsec.conf",
                "ConditionPathExists=/etc/jipsec/ipsec.conf",
                "--sysctl /etc/jipsec/sysctl.conf",
                "--state-dir /var/lib/jipsec")) {
            assertTrue(u.contains(line), "unit lacks " + line);
        }
    }
}
