package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jipsec.io.netns.Commands;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.testkit.E2e;
import org.jipsec.testkit.RequiresRoot;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jipsecd under a service manager (packaging/systemd/jipsec.service is Type=notify with a watchdog), proved from the
 * outside: the real command in a child process with {@code NOTIFY_SOCKET} pointing at a python3 AF_UNIX datagram
 * socket standing in for systemd, and {@code WATCHDOG_USEC} set. It must say READY=1 once it serves, ping the
 * watchdog, wrap a SIGHUP reload in RELOADING=1 / READY=1 and say STOPPING=1 on SIGTERM.
 */
@E2e
@RequiresTool("python3")
class GatewaySdNotifyTest {

    @TempDir
    Path dir;

    /** A python3 receiver that appends every datagram to {@code log}, one per line ('\n' inside shown as '|'). */
    private Process systemd(Path sock, Path log) throws IOException {
        String py = "import socket,sys\n"
                + "s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(60)\n"
                + "f=open(sys.argv[2],'a')\n"
                + "for i in range(2000):\n"
                + "  d=s.recv(4096).decode().replace('\\n','|'); f.write(d+'\\n'); f.flush()\n";
        Process p = new ProcessBuilder("python3", "-c", py, sock.toString(), log.toString()).start();
        for (int i = 0; i < 200 && !Files.exists(sock); i++) sleep(50);
        assertTrue(Files.exists(sock), "receiver bound");
        return p;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits (bounded) until a line of {@code log} satisfies {@code want}. */
    private static void await(Path log, Predicate<List<String>> want, String what, Path daemonErr) throws IOException {
        for (int i = 0; i < 400; i++) {
            if (Files.exists(log) && want.test(Files.readAllLines(log))) return;
            sleep(50);
        }
        throw new AssertionError(what + "; got " + (Files.exists(log) ? Files.readAllLines(log) : "nothing") + "\n"
                + (Files.exists(daemonErr) ? Files.readString(daemonErr) : ""));
    }

    private void run(List<String> prefix, List<String> gatewayArgs) throws Exception {
        Path sock = dir.resolve("notify");
        Path log = dir.resolve("notify.log");
        Path conf = dir.resolve("gw.conf");
        Files.writeString(conf, "spdadd 10.86.0.1 10.86.0.2 any -P out discard ;\n");
        Process receiver = systemd(sock, log);
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new java.util.ArrayList<>(prefix);
        cmd.addAll(List.of(
                javaBin,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "org.jipsec.cli.Main",
                "gateway",
                "--config",
                conf.toString(),
                "--pfkey",
                dir.resolve("run/pfkey").toString()));
        cmd.addAll(gatewayArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(dir.resolve("gw.out").toFile())
                .redirectError(dir.resolve("gw.err").toFile());
        pb.environment().put("NOTIFY_SOCKET", sock.toString());
        pb.environment().put("WATCHDOG_USEC", "200000");
        pb.environment().remove("WATCHDOG_PID");
        Process gw = pb.start();
        Path err = dir.resolve("gw.err");
        try {
            await(log, l -> l.stream().anyMatch(s -> s.startsWith("READY=1|STATUS=")), "READY=1 with a status", err);
            await(log, l -> l.stream().filter("WATCHDOG=1"::equals).count() >= 3, "watchdog pings", err);
            Commands.check(List.of("kill", "-HUP", Long.toString(gw.pid())), Duration.ofSeconds(10));
            await(
                    log,
                    l -> {
                        int r = -1;
                        for (int i = 0; i < l.size(); i++)
                            if (l.get(i).startsWith("RELOADING=1|MONOTONIC_USEC=")) r = i;
                        return r >= 0 && l.subList(r, l.size()).contains("READY=1");
                    },
                    "RELOADING=1 then READY=1 around SIGHUP",
                    err);
            gw.destroy(); // SIGTERM
            assertTrue(gw.waitFor(30, TimeUnit.SECONDS), "stops on SIGTERM");
            await(log, l -> l.contains("STOPPING=1"), "STOPPING=1 on SIGTERM", err);
        } finally {
            gw.destroyForcibly();
            receiver.destroyForcibly();
        }
    }

    @Test
    void keyEngineOnlyDaemonNotifiesTheServiceManager() throws Exception {
        Assumptions.assumeTrue(
                Commands.run(List.of("python3", "-c", "pass"), Duration.ofSeconds(20))
                        .ok(),
                "python3");
        run(List.of(), List.of("--no-tun"));
    }

    @Test
    @RequiresRoot
    void gatewayWithDataPlaneNotifiesTheServiceManager() throws Exception {
        Assumptions.assumeTrue(NetnsLab.available(), "needs root and iproute2 (network namespaces)");
        Assumptions.assumeTrue(
                Commands.run(List.of("python3", "-c", "pass"), Duration.ofSeconds(20))
                        .ok(),
                "python3");
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace();
            run(
                    List.of("ip", "netns", "exec", ns),
                    List.of(
                            "--tun",
                            "jipnotify0",
                            "--state-dir",
                            dir.resolve("state").toString()));
        }
    }
}
