package org.jipsec.cli.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.Commands;
import org.jipsec.io.netns.NetnsLab;

/**
 * The steps of {@code jipsec demo}: two hosts, a gateway in each with the built-in configuration
 * ({@code examples/demo/demo.conf}), a ping and a 1 MiB TCP transfer through the tunnel, a capture of the wire
 * (ESP only, no cleartext), the SA counters through the gateway's PF_KEY socket, and removal of everything it
 * made — also when a step fails or the user presses Ctrl-C.
 */
public final class Demo {
    /** The TUN device of each gateway. */
    public static final String TUN = "jdemo0";
    /** Bytes sent through the tunnel over TCP. */
    public static final int TRANSFER_BYTES = 1 << 20;

    private final PrintWriter out;
    /** Runs a {@code jipsec} command line in this process (given by the caller: cli.lab does not import cli). */
    private final InProcess jipsec;

    private final List<AutoCloseable> cleanups = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean cleaned = new AtomicBoolean();
    private int step;

    /** A step failed; the message says which and why. */
    public static final class StepFailed extends Exception {
        public StepFailed(String message) {
            super(message);
        }
    }

    /** A {@code jipsec} command line run in this process: its exit status, its output to {@code out} and {@code err}. */
    @FunctionalInterface
    public interface InProcess {
        int run(PrintWriter out, PrintWriter err, String... args);
    }

    public Demo(PrintWriter out, InProcess jipsec) {
        this.out = out;
        this.jipsec = jipsec;
    }

    /** The built-in configuration (examples/demo/demo.conf, packed into the program). */
    public static String builtInConfig() throws IOException {
        try (InputStream in = Demo.class.getResourceAsStream("demo.conf")) {
            if (in == null) {
                throw new IOException("the built-in demo configuration (demo.conf) is missing from the program");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Runs every step; throws {@link StepFailed} with a clear message at the first that fails. */
    public void run() throws StepFailed, InterruptedException {
        if (!NetnsLab.available()) {
            throw new StepFailed("needs root and iproute2 (it creates network namespaces and TUN devices); "
                    + "run it as root, e.g. sudo ./jipsec demo");
        }
        Thread hook = Thread.ofPlatform().unstarted(() -> {
            if (!cleaned.get()) {
                say("");
                say("Interrupted: stopping the gateways, deleting the namespaces and temporary files.");
            }
            cleanUp();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            steps();
        } catch (IOException e) {
            throw new StepFailed("step " + step + " failed: " + e.getMessage());
        } catch (StepFailed | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new StepFailed("step " + step + " failed: " + e);
        } finally {
            say("Cleaning up: stopping the gateways, deleting the namespaces and temporary files.");
            cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down (Ctrl-C): the hook runs the same idempotent clean-up
            }
        }
    }

    private void steps() throws Exception {
        Path dir = Files.createTempDirectory("jipsec-demo.");
        cleanups.add(() -> deleteTree(dir));
        Path conf = dir.resolve("demo.conf");
        Files.writeString(conf, builtInConfig());

        next("Building two hosts as network namespaces joined by a veth pair");
        NetnsLab lab = new NetnsLab(Duration.ofSeconds(10));
        cleanups.add(lab);
        TwoHosts h = TwoHosts.build(lab);
        detail("host A = namespace " + h.nsA() + ": " + TwoHosts.OUTER_A + " on "
                + h.veth().a() + ", subnet " + TwoHosts.SUBNET_A + " (" + TwoHosts.INNER_A + " on lo)");
        detail("host B = namespace " + h.nsB() + ": " + TwoHosts.OUTER_B + " on "
                + h.veth().b() + ", subnet " + TwoHosts.SUBNET_B + " (" + TwoHosts.INNER_B + " on lo)");

        next("Starting a jipsec gateway in each host (ESP AES-GCM-16 tunnel, keys from the built-in demo.conf)");
        // one directory per gateway: each serves its PF_KEY socket and, next to it, its sysctl socket
        Path pfA = Files.createDirectory(dir.resolve("a")).resolve("pfkey");
        Path pfB = Files.createDirectory(dir.resolve("b")).resolve("pfkey");
        GatewayProcess gwA = GatewayProcess.start(h.nsA(), conf, TUN, pfA, dir.resolve("gateway-a.log"));
        cleanups.add(gwA);
        GatewayProcess gwB = GatewayProcess.start(h.nsB(), conf, TUN, pfB, dir.resolve("gateway-b.log"));
        cleanups.add(gwB);
        gwA.awaitReady(pfA, Duration.ofSeconds(30));
        gwB.awaitReady(pfB, Duration.ofSeconds(30));
        lab.up(h.nsA(), TUN);
        lab.up(h.nsB(), TUN);
        lab.ip(h.nsA(), "route", "replace", TwoHosts.SUBNET_B, "dev", TUN, "src", TwoHosts.INNER_A);
        lab.ip(h.nsB(), "route", "replace", TwoHosts.SUBNET_A, "dev", TUN, "src", TwoHosts.INNER_B);
        detail("gateway A: pid " + gwA.handle().pid() + ", TUN " + TUN + " routes " + TwoHosts.SUBNET_B
                + ", PF_KEY socket " + pfA);
        detail("gateway B: pid " + gwB.handle().pid() + ", TUN " + TUN + " routes " + TwoHosts.SUBNET_A
                + ", PF_KEY socket " + pfB);

        WireCapture capture = null;
        if (WireCapture.available()) {
            capture = WireCapture.start(
                    h.nsB(),
                    h.veth().b(),
                    dir.resolve("wire.pcapng"),
                    dir.resolve("tshark.log"),
                    Duration.ofMinutes(2));
            cleanups.add(capture);
        }

        next("Pinging " + TwoHosts.INNER_B + " from " + TwoHosts.INNER_A + " through the tunnel");
        if (!Commands.run(List.of("sh", "-c", "command -v ping"), Duration.ofSeconds(5))
                .ok()) {
            // A minimal Debian has no ping (package iputils-ping); the TCP transfer below still proves the tunnel.
            detail("ping is not installed (scripts/install-peers installs iputils-ping): skipped");
        } else {
            CommandResult ping = lab.exec(
                    h.nsA(),
                    Duration.ofSeconds(20),
                    "ping",
                    "-c",
                    "3",
                    "-i",
                    "0.3",
                    "-W",
                    "2",
                    "-I",
                    TwoHosts.INNER_A,
                    TwoHosts.INNER_B);
            String pingSummary = ping.stdout()
                    .lines()
                    .filter(l -> l.contains("transmitted"))
                    .findFirst()
                    .orElse(ping.stderr().strip());
            detail(pingSummary);
            if (!ping.ok()) {
                throw new StepFailed("step " + step + " failed: no ping reply through the tunnel (" + pingSummary
                        + "); gateway A said: " + gwA.tail());
            }
        }

        next("Sending 1 MiB over TCP from " + TwoHosts.INNER_A + " to " + TwoHosts.INNER_B + ":5001");
        TcpTransfer.Result t =
                TcpTransfer.run(h.nsA(), TwoHosts.INNER_A, h.nsB(), TwoHosts.INNER_B, 5001, TRANSFER_BYTES, 30_000);
        detail(String.format(
                "%d bytes received in %.2f s (%.1f Mbit/s), SHA-256 %s",
                t.bytes(),
                t.seconds(),
                t.bytes() * 8 / t.seconds() / 1e6,
                t.intact() ? "matches what was sent" : "DIFFERS"));
        if (!t.intact()) {
            throw new StepFailed("step " + step + " failed: the data arrived damaged or incomplete");
        }

        next("What crossed the wire between the hosts (capture on " + h.veth().b() + ")");
        if (capture == null) {
            detail("tshark is not installed (scripts/install-peers installs it): no capture shown");
        } else {
            WireCapture.Outcome o = capture.stop();
            CaptureSummary s = o.summary();
            detail(s.frames() + " frames, " + s.espPackets() + " of them ESP:");
            for (Map.Entry<String, Integer> e : s.espBySpi().entrySet()) {
                detail("  SPI " + e.getKey() + ": " + e.getValue() + " packets, highest sequence number "
                        + s.maxSeq().getOrDefault(e.getKey(), 0L));
            }
            detail(s.cleartext() + " cleartext TCP/ICMP packets; payload text "
                    + (o.markerSeen() ? "SEEN in clear" : "nowhere in clear"));
            if (s.espPackets() == 0 || s.cleartext() > 0 || o.markerSeen()) {
                throw new StepFailed("step " + step + " failed: the traffic was not (only) ESP on the wire");
            }
        }

        next("The SAs of gateway A with their counters: jipsec setkey --pfkey " + pfA + " -D");
        StringWriter sw = new StringWriter();
        StringWriter se = new StringWriter();
        int rc = jipsec.run(
                new PrintWriter(sw, true), new PrintWriter(se, true), "setkey", "--pfkey", pfA.toString(), "-D");
        sw.toString().lines().forEach(l -> detail("  " + l));
        if (rc != 0) {
            throw new StepFailed(
                    "step " + step + " failed: setkey -D: " + se.toString().strip());
        }
        say("");
        say("Done: the two subnets talked through jipsec's ESP tunnel.");
    }

    private void next(String what) {
        step++;
        say("");
        say("[" + step + "] " + what);
    }

    private void detail(String line) {
        say("    " + line);
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    private void cleanUp() {
        if (!cleaned.compareAndSet(false, true)) {
            return;
        }
        List<AutoCloseable> all;
        synchronized (cleanups) {
            all = new ArrayList<>(cleanups);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).close();
            } catch (Exception e) {
                out.println("jipsec demo: clean-up: " + e.getMessage());
            }
        }
        out.flush();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
