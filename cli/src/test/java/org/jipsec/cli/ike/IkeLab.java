package org.jipsec.cli.ike;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.Commands;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.VethPair;
import org.junit.jupiter.api.Assumptions;

/**
 * The interop topology: two IKE hosts, "left" and "right", as network namespaces, either on one veth
 * ({@link #direct}) or with a third namespace between them that masquerades left's traffic (nftables SNAT,
 * {@link #natted}) so that left is behind a NAT (RFC 3948, RFC 7296 §2.23). Each host has an inner address on
 * {@code lo} ({@link #leftInner}, {@link #rightInner}) for tunnel-mode traffic selectors (no dummy module here).
 *
 * <p>The lab owns every process started through it ({@link #own}) and every log file ({@link #log}); {@link #close()}
 * kills the processes (by their own handles) and deletes the namespaces. {@link #run} prints all logs when the test
 * body fails (and also when it passes, with {@code IKE_LAB_LOGS=1} in the environment), so a failure shows both
 * sides' view.
 */
final class IkeLab implements AutoCloseable {

    final NetnsLab net = new NetnsLab();
    final Path dir;
    final String left;
    final String right;
    /** The middle (NAT) namespace, or null. */
    final String middle;
    /** left's outer address, as left sees it. */
    final String leftAddr;
    /** right's outer address. */
    final String rightAddr;
    /** left's address as right sees it (the NAT's outside address when natted). */
    final String leftSeenAs;

    final String leftInner = "10.197.1.1";
    final String rightInner = "10.197.2.1";
    /** The veth device on right's side (captures there see what crosses the wire). */
    final String rightDev;
    /** The device in the middle namespace facing right (NAT outside), or null. */
    final String middleOutDev;

    private final List<Process> processes = new ArrayList<>();
    private org.jipsec.cli.lab.WireCapture whole;
    private final Map<String, Path> logs = new LinkedHashMap<>();

    private IkeLab(Path dir, boolean nat) throws IOException {
        this.dir = dir;
        try {
            left = net.namespace();
            right = net.namespace();
            if (!nat) {
                middle = null;
                middleOutDev = null;
                VethPair v = net.veth(left, right);
                leftAddr = "10.197.0.1";
                rightAddr = "10.197.0.2";
                leftSeenAs = leftAddr;
                net.address(left, v.a(), leftAddr + "/24");
                net.address(right, v.b(), rightAddr + "/24");
                rightDev = v.b();
            } else {
                middle = net.namespace();
                VethPair in = net.veth(left, middle);
                VethPair out = net.veth(middle, right);
                leftAddr = "192.168.197.2";
                rightAddr = "10.197.0.2";
                leftSeenAs = "10.197.0.254";
                net.address(left, in.a(), leftAddr + "/24");
                net.address(middle, in.b(), "192.168.197.1/24");
                net.address(middle, out.a(), leftSeenAs + "/24");
                net.address(right, out.b(), rightAddr + "/24");
                net.route(left, "default", "via", "192.168.197.1");
                rightDev = out.b();
                middleOutDev = out.a();
                check(net.exec(middle, Duration.ofSeconds(10), "sysctl", "-qw", "net.ipv4.ip_forward=1"));
                Path rules = dir.resolve("nat.nft");
                Files.writeString(
                        rules,
                        String.join(
                                "\n",
                                "table ip ikelab {",
                                "  chain post {",
                                "    type nat hook postrouting priority srcnat; policy accept;",
                                "    oifname \"" + out.a() + "\" masquerade",
                                "  }",
                                "}",
                                ""));
                check(net.exec(middle, Duration.ofSeconds(10), "nft", "-f", rules.toString()));
            }
            net.address(left, "lo", leftInner + "/32");
            net.address(right, "lo", rightInner + "/32");
        } catch (IOException | RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /** Root, iproute2 and the tools; skipped otherwise, failed under CI=true (CiStrictAssumptions). */
    static void need(String... tools) throws IOException {
        Assumptions.assumeTrue(NetnsLab.available(), "needs root and iproute2 (network namespaces)");
        for (String t : tools) {
            boolean ok;
            if (t.startsWith("/")) {
                ok = Files.isExecutable(Path.of(t));
            } else {
                ok = Commands.run(List.of("sh", "-c", "command -v " + t), Duration.ofSeconds(10))
                        .ok();
            }
            Assumptions.assumeTrue(ok, t + " is missing (scripts/install-peers installs it)");
        }
    }

    static void needStrongSwan() throws IOException {
        need("/usr/sbin/charon-systemd", "/usr/sbin/swanctl", "ping", "tshark", "nft");
    }

    static IkeLab direct(Path dir) throws IOException {
        return new IkeLab(dir, false);
    }

    static IkeLab natted(Path dir) throws IOException {
        return new IkeLab(dir, true);
    }

    static CommandResult check(CommandResult r) throws IOException {
        if (!r.ok()) throw new IOException("exit " + r.exitCode() + ": " + r.stdout() + r.stderr());
        return r;
    }

    CommandResult exec(String ns, int seconds, String... cmd) throws IOException {
        return net.exec(ns, Duration.ofSeconds(seconds), cmd);
    }

    /** Registers a process to be killed on close. */
    synchronized Process own(Process p) {
        processes.add(p);
        return p;
    }

    /** Registers a log file to be printed when the test fails. */
    synchronized void log(String label, Path file) {
        logs.put(label, file);
    }

    /** Every registered log, the last {@code maxLines} lines of each. */
    synchronized String logs(int maxLines) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Path> e : logs.entrySet()) {
            List<String> lines;
            try {
                lines = Files.exists(e.getValue()) ? Files.readAllLines(e.getValue()) : List.of("(no file)");
            } catch (IOException | java.io.UncheckedIOException x) {
                lines = List.of("(unreadable: " + x.getMessage() + ")");
            }
            b.append("===== ")
                    .append(e.getKey())
                    .append(" (")
                    .append(e.getValue())
                    .append(", ")
                    .append(lines.size())
                    .append(" lines) =====\n");
            for (String l : lines.subList(Math.max(0, lines.size() - maxLines), lines.size())) {
                b.append(l).append('\n');
            }
        }
        return b.toString();
    }

    /**
     * Captures right's veth for the whole test (IKE included) into {@code whole.pcapng}; a failing test prints
     * tshark's one-line summary of it.
     */
    Path captureWhole() throws Exception {
        Path f = dir.resolve("whole.pcapng");
        whole = org.jipsec.cli.lab.WireCapture.start(
                right, rightDev, f, dir.resolve("tshark-whole.log"), Duration.ofSeconds(300));
        return f;
    }

    /** tshark's summary lines of the whole-test capture (stops it). */
    String wholeCapture(int maxLines) {
        if (whole == null) return "";
        try {
            whole.close();
            Thread.sleep(300);
            CommandResult r = Commands.run(
                    List.of("tshark", "-r", dir.resolve("whole.pcapng").toString()), Duration.ofSeconds(60));
            List<String> l = r.stdout().lines().toList();
            return "===== capture on right's veth (" + l.size() + " frames) =====\n"
                    + String.join("\n", l.subList(0, Math.min(maxLines, l.size()))) + "\n";
        } catch (Exception e) {
            return "(capture unreadable: " + e + ")\n";
        }
    }

    interface Body {
        void run() throws Exception;
    }

    /** Runs the test body; on failure prints every log (stderr, kept by surefire) and rethrows. */
    void run(Body body) throws Exception {
        try {
            body.run();
            if ("1".equals(System.getenv("IKE_LAB_LOGS"))) {
                System.err.println("########## interop test passed (IKE_LAB_LOGS=1)\n" + logs(600) + wholeCapture(150));
            }
        } catch (Throwable t) {
            System.err.println("########## interop test failed: " + t + "\n" + logs(600) + wholeCapture(150));
            throw t;
        }
    }

    @Override
    public void close() throws IOException {
        if (whole != null) {
            try {
                whole.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<Process> ps;
        synchronized (this) {
            ps = new ArrayList<>(processes);
            processes.clear();
        }
        for (Process p : ps) p.destroy();
        for (Process p : ps) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        net.close();
    }
}
