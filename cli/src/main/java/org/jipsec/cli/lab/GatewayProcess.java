package org.jipsec.cli.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jipsec.io.netns.Commands;

/**
 * One {@code jipsec gateway} running as a child process inside a network namespace
 * ({@code ip netns exec NS java -cp <this program's class path> org.jipsec.cli.Main gateway …}), its output in a
 * log file. {@link #close()} stops it (SIGTERM, then SIGKILL after 5 s).
 */
public final class GatewayProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final String ns;
    private final String tun;

    private GatewayProcess(Process process, Path log, String ns, String tun) {
        this.process = process;
        this.log = log;
        this.ns = ns;
        this.tun = tun;
    }

    /** The command that starts a gateway in {@code ns} with this JVM and this program's class path. */
    static List<String> command(String ns, Path config, String tun, Path pfkey) {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> argv = new ArrayList<>(List.of(
                "ip",
                "netns",
                "exec",
                ns,
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "org.jipsec.cli.Main",
                "gateway",
                "--config",
                config.toString(),
                "--tun",
                tun,
                "--pfkey",
                pfkey.toString(),
                // each gateway its own sequence state (two in one host must not share /var/lib/jipsec)
                "--state-dir",
                pfkey.toAbsolutePath().resolveSibling(tun + "-" + ns + ".state").toString()));
        return argv;
    }

    /** Starts the gateway; does not wait for it. */
    public static GatewayProcess start(String ns, Path config, String tun, Path pfkey, Path log) throws IOException {
        Process p = new ProcessBuilder(command(ns, config, tun, pfkey))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        return new GatewayProcess(p, log, ns, tun);
    }

    /** The child's process (for CPU figures). */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** The PF_KEY socket is served and the TUN device exists, or throws with the gateway's last words. */
    public void awaitReady(Path pfkey, Duration limit) throws IOException, InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException(
                        "the gateway in " + ns + " exited with status " + process.exitValue() + ": " + tail());
            }
            if (Files.exists(pfkey)
                    && Commands.run(List.of("ip", "-n", ns, "link", "show", tun), Duration.ofSeconds(5))
                            .ok()) {
                return;
            }
            if (System.nanoTime() > end) {
                throw new IOException("the gateway in " + ns + " did not open " + pfkey + " and TUN " + tun + " within "
                        + limit.toSeconds() + " s: " + tail());
            }
            Thread.sleep(100);
        }
    }

    /** The last lines of the gateway's output (for error messages). */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()))
                    .strip();
        } catch (IOException e) {
            return "(no output)";
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
