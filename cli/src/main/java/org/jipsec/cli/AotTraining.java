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
 * #17 item 4): {@code java -XX:AOTCacheOutput=… -jar jipsec.jar aot-train} (hidden; the {@code ./jipsec} launcher and
 * {@code dist/build-deb} run it once per built jar). It runs the commands scripts call most, the way they run them:
 * as PF_KEY and sysctl clients of a gateway ({@code setkey -c}, {@code -D}, {@code -DP}, {@code sysctl -a},
 * {@code sysctl -w}), and with {@code --embedded}. A cache trained on the embedded key engine alone left the client
 * path's classes (the socket channel, the credentials check, the dump of a reply) to be loaded from the jar at every
 * call, which opened and indexed the whole jar. The gateway here is {@code jipsec gateway --no-tun --no-state} in this
 * JVM on sockets in a fresh private temporary directory, removed afterwards; nothing outside it is touched.
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

    /** Runs the training commands; 0 when every one of them ran as it should. */
    static int run() throws IOException {
        Path dir = Files.createTempDirectory("jipsec-aot-"); // 0700, ours: PrivateSocketListener accepts it
        Path pfkey = dir.resolve("pfkey");
        Path script = dir.resolve("train.conf");
        Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
        InputStream stdin = System.in;
        try {
            // not through picocli: its classes (class-file version 49) cannot be archived, and an archived class
            // that was linked against them would make every start-up open the jar to load them
            GatewayCommand g = new GatewayCommand();
            g.noTun = true;
            g.noState = true;
            g.pfkey = pfkey;
            java.io.PrintWriter sink = new java.io.PrintWriter(
                    java.io.OutputStream.nullOutputStream(), false, java.nio.charset.StandardCharsets.UTF_8);
            Thread gateway = Thread.ofPlatform()
                    .daemon()
                    .name("aot-train-gateway")
                    .start(() -> {
                        try {
                            g.run(sink, sink);
                        } catch (Exception e) {
                            System.err.println("jipsec aot-train: gateway: " + e);
                        }
                    });
            Path sysctl = SysctlProtocol.besidePfkey(pfkey);
            for (int i = 0; i < 200 && gateway.isAlive() && !(Files.exists(pfkey) && Files.exists(sysctl)); i++) {
                sleep();
            }
            if (!Files.exists(pfkey) || !Files.exists(sysctl)) {
                System.err.println("jipsec aot-train: the training gateway did not start");
                return 1;
            }
            String p = pfkey.toString();
            int failed = 0;
            failed += quick(stdin(SCRIPT), "setkey", "--pfkey", p, "-c");
            failed += quick(stdin(""), "setkey", "--pfkey", p, "-f", script.toString());
            for (String flags : List.of("-D", "-DP", "-Da", "-DPv"))
                failed += quick(stdin(""), "setkey", "--pfkey", p, flags);
            failed += quick(stdin(""), "sysctl", "--pfkey", p, "-a");
            failed += quick(stdin(""), "sysctl", "--pfkey", p, "-w", "net.inet.ipsec.def_policy=1");
            failed += quick(stdin(""), "sysctl", "--pfkey", p, "-n", "net.key.debug");
            failed += quick(stdin("flush;\nspdflush;\n"), "setkey", "--pfkey", p, "-c");
            failed += quick(stdin(SCRIPT), "setkey", "--embedded", "-c");
            failed += quick(stdin(""), "sysctl", "--embedded", "-a");
            return failed == 0 ? 0 : 1;
        } finally {
            System.setIn(stdin);
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            }
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
