package org.jipsec.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.Commands;
import org.jipsec.testkit.Requirements;

/**
 * The built daemon as a child process, for tests ({@link org.jipsec.cli.lab.GatewayProcess} is the demo's):
 * {@code ip netns exec NS java … org.jipsec.cli.Main gateway ARGS}, its stdout
 * and stderr in files of {@code dir}. For tests that prove behaviour from the outside (signals, kill -9, restart).
 * Every wait is bounded.
 */
final class DaemonProcess implements AutoCloseable {

    final Process process;
    final Path out;
    final Path err;

    private DaemonProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Root, iproute2 and {@code tools} (on the PATH): skipped, or failed under CI=true. */
    static void need(String... tools) throws IOException {
        Requirements.requireRoot();
        Requirements.requireTools(tools);
    }

    /** The argv that runs {@code jipsec args…} in {@code ns} with this JVM and class path. */
    static List<String> command(String ns, String... args) {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> argv = new ArrayList<>(List.of(
                "ip",
                "netns",
                "exec",
                ns,
                javaBin,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "org.jipsec.cli.Main"));
        argv.addAll(List.of(args));
        return argv;
    }

    /** Starts {@code jipsec gateway args…} in {@code ns}; returns once it says it runs on {@code tun}. */
    static DaemonProcess start(Path dir, String name, String ns, String tun, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("gateway", "--tun", tun));
        argv.addAll(List.of(args));
        if (!argv.contains("--state-dir") && !argv.contains("--no-state")) {
            // each test gateway its own sequence state (the default /var/lib/jipsec admits one gateway per host);
            // the same directory for every start of this namespace's gateway, so restarts continue its numbers
            argv.addAll(List.of(
                    "--state-dir", dir.resolve(tun + "-" + ns + ".state").toString()));
        }
        Path out = dir.resolve(name + ".out"), err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(command(ns, argv.toArray(String[]::new)))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        DaemonProcess g = new DaemonProcess(p, out, err);
        for (int i = 0; i < 600; i++) {
            if (read(out).contains("running on " + tun)) return g;
            if (!p.isAlive()) break;
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new AssertionError("gateway did not start:\n" + read(err));
    }

    /** Runs {@code jipsec args…} in {@code ns} to completion (at most 60 s). */
    static CommandResult run(String ns, String... args) throws IOException {
        return Commands.run(command(ns, args), Duration.ofSeconds(60));
    }

    /** SIGTERM, and waits (at most 20 s) for the exit. */
    void terminate() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) throw new AssertionError("no exit on SIGTERM\n" + stderr());
    }

    /** SIGKILL, and waits for the exit. */
    void kill() throws Exception {
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) throw new AssertionError("no exit on SIGKILL");
    }

    private static final Pattern COUNTER = Pattern.compile("\\b([a-z_]+)=(\\d+)");

    /**
     * SIGUSR1, then the counters of the status line it prints ("jipsec gateway TUN: tun_in=… …"), waiting (at most
     * 10 s) for a new one.
     */
    java.util.Map<String, Long> counters() throws Exception {
        int before = statusLines().size();
        Commands.check(List.of("kill", "-USR1", Long.toString(process.pid())), Duration.ofSeconds(10));
        for (int i = 0; i < 200; i++) {
            List<String> lines = statusLines();
            if (lines.size() > before) {
                java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
                Matcher x = COUNTER.matcher(lines.get(lines.size() - 1));
                while (x.find()) m.put(x.group(1), Long.parseLong(x.group(2)));
                return m;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no status line after SIGUSR1\n" + stderr());
    }

    private List<String> statusLines() {
        return read(err)
                .lines()
                .filter(l -> l.startsWith("jipsec gateway ") && l.contains(" tun_in="))
                .toList();
    }

    String stderr() {
        return read(err);
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
