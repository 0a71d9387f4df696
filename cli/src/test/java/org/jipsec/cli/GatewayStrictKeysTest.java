package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #12: a manually keyed counter-mode SA without saved sequence state is warned about loudly, once, naming
 * RFC 4106 §8.1; {@code --strict-keys} refuses it — the gateway does not start, a {@code setkey add} is answered
 * EPERM — while an SA whose keys the state directory knows starts under {@code --strict-keys}. The real command in
 * child processes, in a namespace.
 */
@RequiresRoot
class GatewayStrictKeysTest {

    /**
     * The SAs of one variant: {@code esp}, or {@code esp-udp} with NAT-T ports (RFC 3948) — the SA is named by its
     * addresses without the ports either way — over IPv4 or IPv6.
     */
    record Keys(String proto, String src, String dst) {
        String ports(String a) {
            return proto.equals("esp-udp") ? a + "[4500]" : a;
        }

        String add(int spi, String algs) {
            return "add " + ports(src) + " " + ports(dst) + " " + proto + " 0x" + Integer.toHexString(spi) + " " + algs
                    + " ;\n";
        }

        String gcm() {
            return add(0x4001, "-E aes-gcm-16 " + GatewayEndToEndTest.K_AB);
        }

        String cbc() {
            return add(
                    0x4002, "-E aes-cbc 0x00112233445566778899aabbccddeeff -A hmac-sha256 " + GatewayEndToEndTest.AUTH);
        }

        @Override
        public String toString() {
            return proto + " " + src + "->" + dst;
        }
    }

    static Stream<Keys> variants() {
        return Stream.of(new Keys("esp", "10.87.0.1", "10.87.0.2"), new Keys("esp-udp", "fd87::1", "fd87::2"));
    }

    @TempDir
    Path dir;

    @BeforeAll
    static void needRoot() {
        boolean ok = NetnsLab.available();
        if (!ok && "true".equals(System.getenv("CI")))
            throw new AssertionError("root and iproute2 are required under CI");
        org.junit.jupiter.api.Assumptions.assumeTrue(ok, "needs root and iproute2 (network namespaces)");
    }

    record Run(Process p, Path out, Path err) {
        String errText() {
            return GatewaySequenceStateRestartTest.read(err);
        }
    }

    Run gateway(String ns, String tag, String... extra) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new java.util.ArrayList<>(List.of(
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
                dir.resolve("gw.conf").toString(),
                "--pfkey",
                dir.resolve("run/pfkey").toString(),
                "--tun",
                "jipstrict0",
                "--no-policy-guard"));
        cmd.addAll(List.of(extra));
        Path out = dir.resolve(tag + ".out"), err = dir.resolve(tag + ".err");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        return new Run(p, out, err);
    }

    static boolean running(Run r) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (GatewaySequenceStateRestartTest.read(r.out()).contains("running on")) return true;
            if (!r.p().isAlive()) return false;
            Thread.sleep(50);
        }
        return false;
    }

    static void stop(Run r) throws Exception {
        r.p().destroy();
        assertTrue(r.p().waitFor(20, TimeUnit.SECONDS));
    }

    static int count(String s, String what) {
        return s.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void counterModeManualKeysWarnOnceAndStrictKeysRefusesThemWithoutSavedState(Keys k) throws Exception {
        Files.writeString(dir.resolve("gw.conf"), k.gcm() + k.cbc());
        Path state = dir.resolve("state");
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace();
            Run strict = gateway(ns, "strict1", "--state-dir", state.toString(), "--strict-keys");
            assertFalse(running(strict), "refused");
            assertTrue(strict.p().waitFor(20, TimeUnit.SECONDS));
            assertEquals(1, strict.p().exitValue());
            String e = strict.errText();
            assertTrue(
                    e.contains("refused (--strict-keys): esp SA spi 0x4001 " + k.src() + "->" + k.dst()
                                    + " (aes-gcm-16)")
                            && e.contains("RFC 4106 §8.1")
                            && e.contains("not applied"),
                    e);
            assertFalse(e.contains("0x4002"), "CBC is not counter mode: " + e);
            assertFalse(e.contains(GatewayEndToEndTest.K_AB.substring(2)), "no key in any message");

            Run warn = gateway(ns, "warn", "--state-dir", state.toString());
            assertTrue(running(warn), warn.errText());
            String w = warn.errText();
            assertEquals(1, count(w, "WARNING: esp SA spi 0x4001"), w);
            assertTrue(w.contains("RFC 4106 §8.1") && w.contains("Use IKE, or fresh keys"), w);
            assertEquals(0, count(w, "WARNING: esp SA spi 0x4002"), "CBC: no warning\n" + w);
            org.jipsec.io.netns.Commands.check(
                    List.of("kill", "-USR1", Long.toString(warn.p().pid())), java.time.Duration.ofSeconds(10));
            for (int i = 0; i < 100 && !warn.errText().contains("sequence state " + state); i++) Thread.sleep(50);
            assertTrue(
                    warn.errText().contains("sequence state " + state)
                            && warn.errText().contains("0 packets held back"),
                    "SIGUSR1 shows the state directory\n" + warn.errText());
            stop(warn);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
            for (String f : List.of("salt", "sequence.state", "lock"))
                assertEquals(
                        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(f))), f);

            // the keys are known now: --strict-keys starts, silently; a new manual GCM SA over PF_KEY is refused
            Run known = gateway(ns, "strict2", "--state-dir", state.toString(), "--strict-keys");
            assertTrue(running(known), known.errText());
            assertFalse(known.errText().contains("WARNING"), known.errText());
            assertTrue(known.errText().contains("sequence state: esp SA spi 0x4001"), known.errText());
            Path cmds = dir.resolve("add.conf");
            Files.writeString(cmds, k.add(0x4003, "-E aes-gcm-16 " + GatewayEndToEndTest.K_BA));
            MainTest.Result r =
                    MainTest.run("setkey", "--pfkey", dir.resolve("run/pfkey").toString(), "-f", cmds.toString());
            assertTrue((r.err() + r.out()).contains("Operation not permitted"), r.toString()); // setkey: EPERM
            for (int i = 0; i < 100 && !known.errText().contains("refused (--strict-keys): esp SA spi 0x4003"); i++)
                Thread.sleep(50);
            assertTrue(known.errText().contains("refused (--strict-keys): esp SA spi 0x4003"), known.errText());
            MainTest.Result dump =
                    MainTest.run("setkey", "--pfkey", dir.resolve("run/pfkey").toString(), "-D");
            assertFalse(dump.out().contains("4003"), dump.out());
            stop(known);

            // no state directory at all: the SA can only be refused under --strict-keys
            Run nostate = gateway(ns, "nostate", "--no-state", "--strict-keys");
            assertFalse(running(nostate));
            assertTrue(nostate.p().waitFor(20, TimeUnit.SECONDS));
            assertTrue(nostate.errText().contains("running without a state directory (--no-state)"), nostate.errText());
        }
    }
}
