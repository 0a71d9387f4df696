package org.jipsec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jipsec.cli.bench.BenchResults;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jipsec bench}: runs {@code scripts/bench-tunnel} of the source tree this program was built from (over the
 * bare veth, through strongSwan's userspace data plane and through two jipsec gateways in UDP 4500 and in raw ESP:
 * TCP with 1 and 4 streams, CPU per process, 64-byte and IMIX packet rates, ping RTT), then prints one table
 * ({@link BenchResults}) and appends it to {@code bench/results/runs/}. Needs root, iperf3 and strongSwan
 * ({@code scripts/install-peers}).
 */
@Command(
        footerHeading = "%nExample:%n",
        footer = {"  jipsec bench --quick --only veth,jipsec"},
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure between two network namespaces: over the bare veth, through strongSwan (kernel-libipsec)",
            "and through two jipsec gateways (ESP AES-128-GCM in UDP 4500 and in raw ESP): iperf3 TCP with 1 and",
            "4 streams, CPU per process, 64-byte and IMIX UDP packet rates and ping RTT. Prints one table with",
            "the ratios to strongSwan and to the veth, and appends it to bench/results/runs/. Needs root."
        })
public final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--time",
            paramLabel = "SECONDS",
            description = "iperf3 run length per case (default: ${DEFAULT-VALUE})")
    int seconds = 8;

    @Option(
            names = "--omit",
            paramLabel = "SECONDS",
            description =
                    "warm-up before the timed run, left out of the figures for every case (iperf3 -O; default: ${DEFAULT-VALUE})")
    int omit = 2;

    @Option(
            names = "--only",
            paramLabel = "CASES",
            description = "comma-separated cases among veth,strongswan,jipsec (default: all)")
    String only = "veth,strongswan,jipsec,jipsec-raw";

    @Option(
            names = "--quick",
            description =
                    "a short run (about a minute and a half): --time 2 --omit 1 --warmup 1, 1-s packet runs, 20 pings")
    boolean quick;

    @Option(
            names = "--warmup",
            paramLabel = "SECONDS",
            description =
                    "unmeasured iperf3 -P 4 before each case's first run, so that the JVM has compiled its hot paths (default: ${DEFAULT-VALUE})")
    int warmup = 6;

    @Option(
            names = "--pps-time",
            paramLabel = "SECONDS",
            description = "length of each small-packet run (default: ${DEFAULT-VALUE})")
    int ppsSeconds = 4;

    @Option(
            names = "--pings",
            paramLabel = "N",
            description = "pings at light load, 10 ms apart (default: ${DEFAULT-VALUE})")
    int pings = 100;

    @Option(
            names = "--startup",
            paramLabel = "N",
            description = "also measure CLI start-up (scripts/bench-startup N) as a ratio to java -version")
    int startup;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "keep the raw outputs (iperf3 JSON, ping output, counts) in DIR")
    Path out;

    @Option(
            names = "--results",
            paramLabel = "DIR",
            description = "where the report is appended as a file (default: bench/results/runs of the source tree)")
    Path results;

    @Option(names = "--no-record", description = "print the table only; do not add it to the results")
    boolean noRecord;

    @Option(
            names = "--script",
            paramLabel = "FILE",
            description = "the bench script (default: scripts/bench-tunnel of the source tree)")
    Path script;

    /** The source tree's root: this program runs from {@code <root>/cli/target/jipsec.jar} or {@code …/classes}. */
    static Path sourceRoot() throws URISyntaxException {
        Path here = Path.of(BenchCommand.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Path target = here.getParent();
        return target == null || target.getParent() == null
                ? Path.of(".")
                : target.getParent().getParent();
    }

    /** The command line that runs the script. */
    List<String> command(Path scriptFile, Path outDir) throws URISyntaxException {
        List<String> argv = new ArrayList<>(List.of(
                "bash",
                scriptFile.toString(),
                "--time",
                Integer.toString(seconds),
                "--omit",
                Integer.toString(omit),
                "--warmup",
                Integer.toString(warmup),
                "--pps-time",
                Integer.toString(ppsSeconds),
                "--pings",
                Integer.toString(pings),
                "--only",
                only,
                "--out",
                outDir.toString()));
        if (quick) argv.add(argv.indexOf("--only"), "--quick"); // after the explicit values: --quick wins
        if (startup > 0) argv.addAll(List.of("--startup", Integer.toString(startup)));
        Path code = Path.of(BenchCommand.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        if (code.toString().endsWith(".jar")) {
            argv.addAll(List.of("--jar", code.toString()));
        }
        argv.addAll(List.of("--cp", code.toString()));
        ProcessHandle.current().info().command().ifPresent(java -> argv.addAll(List.of("--java", java)));
        return argv;
    }

    @Override
    public Integer call() throws Exception {
        Path s = script != null ? script : sourceRoot().resolve("scripts").resolve("bench-tunnel");
        if (!Files.isRegularFile(s)) {
            spec.commandLine()
                    .getErr()
                    .println("jipsec bench: no bench script at " + s + " (run from the source tree, or give --script)");
            spec.commandLine().getErr().flush();
            return 1;
        }
        if (seconds < 1 || seconds > 600) {
            spec.commandLine().getErr().println("jipsec bench: --time must be 1..600 seconds");
            spec.commandLine().getErr().flush();
            return 2;
        }
        if (omit < 0 || omit > 60) {
            spec.commandLine().getErr().println("jipsec bench: --omit must be 0..60 seconds");
            spec.commandLine().getErr().flush();
            return 2;
        }
        if (warmup < 0
                || warmup > 600
                || ppsSeconds < 1
                || ppsSeconds > 600
                || pings < 1
                || pings > 10_000
                || startup < 0
                || startup > 100) {
            spec.commandLine()
                    .getErr()
                    .println(
                            "jipsec bench: --warmup must be 0..600, --pps-time 1..600, --pings 1..10000, --startup 0..100");
            spec.commandLine().getErr().flush();
            return 2;
        }
        Path dir = out != null ? Files.createDirectories(out) : Files.createTempDirectory("jipsec-bench-out");
        try {
            int rc = runScript(command(s, dir));
            if (rc != 0) return rc;
            String report = BenchResults.load(dir).render();
            PrintWriter w = spec.commandLine().getOut();
            w.println();
            w.print(report);
            w.flush();
            if (!noRecord) record(report);
            return 0;
        } finally {
            if (out == null) deleteTree(dir);
        }
    }

    /** Appends the report as a file of its own: {@code <results>/<UTC time>-<commit>.md}. */
    private void record(String report) throws IOException, URISyntaxException {
        Path dir = results != null
                ? results
                : sourceRoot().resolve("bench").resolve("results").resolve("runs");
        Files.createDirectories(dir);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC)
                .format(Instant.now());
        Path f = dir.resolve(stamp + ".md");
        Files.writeString(f, "# jipsec bench\n\n" + report, StandardCharsets.UTF_8);
        spec.commandLine().getErr().println("jipsec bench: recorded in " + f);
        spec.commandLine().getErr().flush();
    }

    private int runScript(List<String> argv) throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        // the script's stdout (its RESULT lines) goes to stderr with its progress: the table is the output
        Process p = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectErrorStream(true)
                .start();
        Thread pump = Thread.ofPlatform().daemon().start(() -> {
            try (var in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    err.println(line);
                    err.flush();
                }
            } catch (IOException e) {
                // the script is gone
            }
        });
        Thread hook = Thread.ofPlatform().unstarted(() -> {
            p.destroy(); // the script's trap removes its namespaces
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int rc = p.waitFor();
            pump.join(5000);
            return rc;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook stops the script
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
