package org.jipsec.cli.ike;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.Commands;

/**
 * jipsec's side of an interop test in one namespace: {@code jipsec gateway} (TUN, its own {@code --state-dir} and
 * PF_KEY socket) and {@code jipsec iked --config FILE --pfkey PATH --control PATH} keying it through PF_KEY, UDP 4500
 * handed over by the gateway (docs/ike-udp-split.md). Both are child processes of the test (this JVM's class path),
 * their output in files the lab prints on failure. What jipsecd holds is read with {@code jipsec setkey -D} over
 * PF_KEY, independently of iked.
 */
final class JipsecIked {

    static final String TUN = "jipike0";

    private final IkeLab lab;
    final String ns;
    final Path dir;
    final String label;
    final Path pfkey;
    final Path control;
    final Path config;
    private Process gateway;
    private Process iked;

    private JipsecIked(IkeLab lab, String ns, Path dir, String label) {
        this.lab = lab;
        this.ns = ns;
        this.dir = dir;
        this.label = label;
        this.pfkey = dir.resolve("run/pfkey");
        this.control = dir.resolve("run/iked.ctl");
        this.config = dir.resolve("iked.conf");
    }

    static List<String> java(String ns, String... args) {
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

    /**
     * Starts the gateway in {@code ns} and routes {@code remoteInner} through its TUN with source {@code localInner};
     * {@code gatewayArgs} are extra gateway options (e.g. {@code --nat-keepalive 2}).
     */
    static JipsecIked startGateway(
            IkeLab lab, String ns, String label, String localInner, String remoteInner, String... gatewayArgs)
            throws Exception {
        Path dir = lab.dir.resolve("jipsec-" + label);
        Files.createDirectories(dir.resolve("run"));
        JipsecIked j = new JipsecIked(lab, ns, dir, label);
        List<String> args = new ArrayList<>(List.of(
                "gateway",
                "--tun",
                TUN,
                "--pfkey",
                j.pfkey.toString(),
                "--state-dir",
                dir.resolve("state").toString()));
        args.addAll(List.of(gatewayArgs));
        Path out = dir.resolve("gateway.log");
        lab.log("jipsec gateway " + label, out);
        j.gateway = lab.own(new ProcessBuilder(java(ns, args.toArray(String[]::new)))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start());
        waitFor(
                () -> read(out).contains("running on " + TUN),
                j.gateway,
                "gateway " + label,
                out,
                Duration.ofSeconds(60));
        lab.net.ip(ns, "route", "add", remoteInner + "/32", "dev", TUN, "src", localInner);
        return j;
    }

    /** Writes the config and starts {@code jipsec iked}; returns once it says it runs. */
    void startIked(SwanctlConf conf) throws Exception {
        Files.writeString(config, conf.text(false));
        startIked();
    }

    /** Starts {@code jipsec iked} on the config written before, with {@code extra} options (e.g. --settings). */
    void startIked(String... extra) throws Exception {
        Path out = dir.resolve("iked.log");
        lab.log("jipsec iked " + label, out);
        List<String> args = new ArrayList<>(List.of(
                "iked", "--config", config.toString(), "--pfkey", pfkey.toString(), "--control", control.toString()));
        args.addAll(List.of(extra));
        iked = lab.own(new ProcessBuilder(java(ns, args.toArray(String[]::new)))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start());
        int before = (int) read(out)
                .lines()
                .filter(l -> l.contains("jipsec iked: running on"))
                .count();
        waitFor(
                () -> read(out)
                                .lines()
                                .filter(l -> l.contains("jipsec iked: running on"))
                                .count()
                        > before,
                iked,
                "iked " + label,
                out,
                Duration.ofSeconds(60));
    }

    /** {@code jipsec ike ARGS --control PATH} (the operations of issue #14 item 5). */
    CommandResult ike(String... args) throws IOException {
        List<String> a = new ArrayList<>(List.of("ike"));
        a.addAll(List.of(args));
        a.addAll(List.of("--control", control.toString()));
        return Commands.run(java(ns, a.toArray(String[]::new)), Duration.ofSeconds(60));
    }

    /** {@code jipsec setkey --pfkey PATH -D}: the SAD as jipsecd holds it. */
    String sad() throws IOException {
        return Commands.run(java(ns, "setkey", "--pfkey", pfkey.toString(), "-D"), Duration.ofSeconds(60))
                .stdout();
    }

    private static final Pattern SPI = Pattern.compile("spi=\\d+\\(0x([0-9a-f]{8})\\)");

    /** The SPIs (8 hex digits) of the SAs jipsecd holds. */
    Set<String> spis() throws IOException {
        Set<String> s = new LinkedHashSet<>();
        Matcher m = SPI.matcher(sad());
        while (m.find()) s.add(m.group(1));
        return s;
    }

    /** Waits (bounded) until the SAD satisfies {@code p}; returns the SPIs then. */
    Set<String> awaitSpis(Predicate<Set<String>> p, String what, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            Set<String> s = spis();
            if (p.test(s)) return s;
            if (System.nanoTime() > end) {
                throw new AssertionError(
                        "jipsec (" + label + "): " + what + " not within " + limit + "; SAD:\n" + sad());
            }
            Thread.sleep(250);
        }
    }

    /** SIGUSR1 to iked, then its status line ("IKE SAs=… CHILD_SAs=… …"), waiting (at most 10 s) for a new one. */
    String statusLine() throws Exception {
        Path out = dir.resolve("iked.log");
        long before = read(out).lines().filter(l -> l.contains("IKE SAs=")).count();
        Commands.run(List.of("kill", "-USR1", Long.toString(iked.pid())), Duration.ofSeconds(5));
        for (int i = 0; i < 100; i++) {
            List<String> l =
                    read(out).lines().filter(x -> x.contains("IKE SAs=")).toList();
            if (l.size() > before) return l.get(l.size() - 1);
            Thread.sleep(100);
        }
        throw new AssertionError("iked printed no status line on SIGUSR1");
    }

    boolean ikedAlive() {
        return iked != null && iked.isAlive();
    }

    /** SIGKILL to iked and the gateway (a peer that dies without a word). */
    void kill9() throws InterruptedException {
        for (Process p : new Process[] {iked, gateway}) {
            if (p == null) continue;
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGKILL to iked only (the data plane keeps its SAs). */
    void killIked() throws InterruptedException {
        iked.destroyForcibly();
        iked.waitFor(10, TimeUnit.SECONDS);
    }

    String ikedLog() {
        return read(dir.resolve("iked.log"));
    }

    List<String> ikedLogLines(String text) {
        return ikedLog().lines().filter(l -> l.contains(text)).toList();
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "";
        }
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static void waitFor(Condition c, Process p, String what, Path log, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (!c.holds()) {
            if (!p.isAlive()) throw new IOException(what + " exited with " + p.exitValue() + ":\n" + read(log));
            if (System.nanoTime() > end) throw new IOException(what + " not ready within " + limit + ":\n" + read(log));
            Thread.sleep(100);
        }
    }
}
