package org.jipsec.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jipsec bench}: runs {@code scripts/bench-tunnel} of the source tree this program was built from (iperf3
 * over the bare veth, through strongSwan's userspace data plane and through two jipsec gateways, with CPU use per
 * process). Needs root, iperf3 and strongSwan ({@code scripts/install-peers}).
 */
@Command(
        footerHeading = "%nExample:%n",
        footer = {"  jipsec bench --time 10 --only veth,jipsec"},
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure TCP throughput (iperf3) between two network namespaces: over the bare veth,",
            "through strongSwan (kernel-libipsec) and through two jipsec gateways (ESP AES-128-GCM in UDP 4500);",
            "prints Mbit/s, the ratio jipsec/strongSwan and CPU per process. Needs root."
        })
public final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--time",
            paramLabel = "SECONDS",
            description = "iperf3 run length per case (default: ${DEFAULT-VALUE})")
    int seconds = 10;

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
    String only = "veth,strongswan,jipsec";

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
    List<String> command(Path scriptFile) throws URISyntaxException {
        List<String> argv = new ArrayList<>(List.of(
                "bash",
                scriptFile.toString(),
                "--time",
                Integer.toString(seconds),
                "--omit",
                Integer.toString(omit),
                "--only",
                only));
        Path code = Path.of(BenchCommand.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        if (code.toString().endsWith(".jar")) {
            argv.addAll(List.of("--jar", code.toString()));
        }
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
        Process p = new ProcessBuilder(command(s)).inheritIO().start();
        Thread hook = Thread.ofPlatform().unstarted(() -> {
            p.destroy(); // the script's trap removes its namespaces
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return p.waitFor();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook stops the script
            }
        }
    }
}
