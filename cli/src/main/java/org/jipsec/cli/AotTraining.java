package org.jipsec.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jipsec.io.sysctl.SysctlProtocol;

/**
 * The training run of the AOT cache that {@code setkey} and {@code sysctl} start with (JDK 25, JEP 483/514/515; issue
 * #17 item 4): {@code java -XX:AOTCacheOutput=… -cp jipsec.jar org.jipsec.cli.Main aot-train setkey} (or {@code sysctl}; hidden;
 * the {@code ./jipsec} launcher and {@code dist/build-deb} run it once per built jar and command). It runs the commands scripts call most, the way they run them:
 * as PF_KEY and sysctl clients of a gateway ({@code setkey -c}, {@code -D}, {@code -DP}, {@code sysctl -a},
 * {@code sysctl -w}). A cache trained on the embedded key engine alone left the client path's classes (the socket
 * channel, the credentials check, the dump of a reply) to be loaded from the jar at every call, which opened and
 * indexed the whole jar; one trained with the gateway in the same JVM made every call load the gateway's classes. The
 * gateway here is {@code jipsec gateway --no-tun --no-state} in a child JVM on sockets in a fresh private temporary
 * directory, removed afterwards; nothing outside it is touched. {@code --embedded} is not trained: its key engine
 * would be loaded at every call of the client path.
 */
final class AotTraining {

    private AotTraining() {}

    private static final String SCRIPT = """
            add 192.0.2.1 192.0.2.2 esp 0x1001 -m tunnel -E aes-gcm-16 0x0123456789abcdef0123456789abcdef01234567;
            add 192.0.2.2 192.0.2.1 esp 0x1002 -m tunnel -E aes-cbc 0x0123456789abcdef0123456789abcdef \
            -A hmac-sha256 0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef;
            add 192.0.2.2 192.0.2.1 ah 0x1003 -A hmac-sha256 0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef;
            add 2001:db8::1 2001:db8::2 esp 0x1004 -E aes-ctr 0x0123456789abcdef0123456789abcdef01234567;
            spdadd 10.1.0.0/16 10.2.0.0/16 any -P out ipsec esp/tunnel/192.0.2.1-192.0.2.2/require;
            spdadd 10.2.0.0/16 10.1.0.0/16 any -P in ipsec esp/tunnel/192.0.2.2-192.0.2.1/require;
            spdadd 2001:db8::1 2001:db8::2 tcp -P out ipsec esp/transport//use;
            dump;
            spddump;
            """;

    /**
     * Runs the training commands of {@code command} ("setkey", "sysctl", or null for both); 0 when every one of them
     * ran as it should. One cache per command: every class in a cache is loaded at each start, and a setkey call
     * does not need sysctl's classes (nor sysctl setkey's parser and algorithm tables).
     */
    static int run(String command) throws IOException {
        boolean setkey = command == null || command.equals("setkey");
        boolean sysctlToo = command == null || command.equals("sysctl");
        if (!setkey && !sysctlToo) {
            System.err.println("jipsec aot-train: no training for '" + command + "' (setkey or sysctl)");
            return 2;
        }
        Path dir = Files.createTempDirectory("jipsec-aot-"); // 0700, ours: PrivateSocketListener accepts it
        Path pfkey = dir.resolve("pfkey");
        Path script = dir.resolve("train.conf");
        Path log = dir.resolve("gateway.log");
        Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
        InputStream stdin = System.in;
        Process gateway = null;
        try {
            gateway = startGateway(pfkey, log);
            Path sysctl = SysctlProtocol.besidePfkey(pfkey);
            // bounded: 600 × 50 ms (a gateway JVM starts in well under a second, but these machines are shared)
            for (int i = 0; i < 600 && gateway.isAlive() && !(Files.exists(pfkey) && Files.exists(sysctl)); i++) {
                sleep();
            }
            if (!Files.exists(pfkey) || !Files.exists(sysctl)) {
                System.err.println("jipsec aot-train: the training gateway did not start: "
                        + (Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : ""));
                return 1;
            }
            String p = pfkey.toString();
            int failed = 0;
            if (setkey) {
                failed += quick(stdin(SCRIPT), "setkey", "--pfkey", p, "-c");
                failed += quick(stdin(""), "setkey", "--pfkey", p, "-f", script.toString());
                for (String flags : List.of("-D", "-DP", "-Da", "-DPv"))
                    failed += quick(stdin(""), "setkey", "--pfkey", p, flags);
            }
            if (sysctlToo) {
                failed += quick(stdin(""), "sysctl", "--pfkey", p, "-a");
                failed += quick(stdin(""), "sysctl", "--pfkey", p, "-w", "net.inet.ipsec.def_policy=1");
                failed += quick(stdin(""), "sysctl", "--pfkey", p, "-n", "net.key.debug");
            }
            if (setkey) failed += quick(stdin("flush;\nspdflush;\n"), "setkey", "--pfkey", p, "-c");
            return failed == 0 ? 0 : 1;
        } finally {
            System.setIn(stdin);
            if (gateway != null) stop(gateway);
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            }
        }
    }

    /**
     * {@code jipsec gateway --no-tun --no-state} in a JVM of its own (the same java and class path as this one): its
     * classes (the key engine, the servers, metrics, logging) stay out of this JVM and so out of the cache, which
     * holds only what a client loads. Every class in an AOT cache is loaded at every start-up (AOT-linked classes),
     * so a gateway trained in this JVM made each setkey call load about a thousand classes it never used.
     */
    private static Process startGateway(Path pfkey, Path log) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(
                        java.toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "gateway",
                        "--no-tun",
                        "--no-state",
                        "--pfkey",
                        pfkey.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // not this JVM's AOT recording (JEP 514 hands the assembly step its options through the environment), and
        // never a systemd service's notifier
        pb.environment().keySet().removeAll(List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "NOTIFY_SOCKET"));
        return pb.start();
    }

    private static void stop(Process p) {
        p.destroy(); // SIGTERM: the gateway removes its sockets
        try {
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static InputStream stdin(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** One command through {@link QuickStart}, as a script's call runs it (never picocli); 1 when it failed. */
    private static int quick(InputStream in, String... args) {
        System.setIn(in);
        int status = QuickStart.run(args).orElse(-1);
        if (status != 0) System.err.println("jipsec aot-train: " + String.join(" ", args) + " exited with " + status);
        return status == 0 ? 0 : 1;
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
