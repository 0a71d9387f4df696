package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jipsec.core.ike.control.AdminResult;
import org.jipsec.core.ike.control.IkeAdmin;
import org.jipsec.core.ike.control.IkeStatus;
import org.jipsec.core.ike.control.IkeStatusFormat;
import org.jipsec.io.ike.IkeControlServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jipsec ike …} against a control server this test runs with a fake daemon (in-process and as a child). */
class IkeCommandTest {
    @TempDir
    Path dir;

    Path sock;
    IkeControlServer server;
    final List<String> calls = new CopyOnWriteArrayList<>();

    final IkeStatus status = new IkeStatus(
            List.of("home", "road"),
            List.of(new IkeStatus.IkeSaStatus(
                    "home",
                    1,
                    "ESTABLISHED",
                    true,
                    "192.0.2.1[4500]",
                    "192.0.2.2[4500]",
                    "moon.example",
                    "sun.example",
                    "8a3e9f2c1b4d5e6f",
                    "1122334455667788",
                    "AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519",
                    false,
                    true,
                    60,
                    14000,
                    List.of(new IkeStatus.ChildSaStatus(
                            "net",
                            1,
                            "INSTALLED",
                            "tunnel",
                            true,
                            "c2ebd00c",
                            "c7e54c46",
                            "AES_GCM_16-128",
                            List.of("10.1.0.0/16"),
                            List.of("10.2.0.0/16"),
                            840,
                            10,
                            1680,
                            20,
                            60,
                            3000)))));

    final IkeAdmin admin = new IkeAdmin() {
        @Override
        public IkeStatus status() {
            calls.add("status");
            return status;
        }

        @Override
        public AdminResult initiate(String n) {
            return act("initiate", n);
        }

        @Override
        public AdminResult terminate(String n) {
            return act("terminate", n);
        }

        @Override
        public AdminResult rekey(String n) {
            return act("rekey", n);
        }

        private AdminResult act(String op, String n) {
            calls.add(op + " " + n);
            return n.equals("home") || n.equals("net")
                    ? AdminResult.ok(op + " of '" + n + "' started")
                    : AdminResult.refused("no connection or child named '" + n + "'");
        }
    };

    @BeforeEach
    void start() throws Exception {
        sock = dir.resolve("iked.ctl");
        server = IkeControlServer.start(admin, sock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    record Run(int status, String out, String err) {}

    private static Run inProcess(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = JipsecCommand.commandLine(args)
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
        return new Run(rc, out.toString(), err.toString());
    }

    @Test
    void everySubcommandReachesTheDaemon() {
        String c = sock.toString();
        assertEquals(new Run(0, IkeStatusFormat.format(status), ""), inProcess("ike", "--control", c, "status"));
        // --control is accepted after the subcommand as well
        assertEquals(new Run(0, IkeStatusFormat.format(status), ""), inProcess("ike", "status", "--control", c));
        assertEquals(
                new Run(0, "initiate of 'home' started\n", ""), inProcess("ike", "--control", c, "initiate", "home"));
        assertEquals(new Run(0, "rekey of 'net' started\n", ""), inProcess("ike", "--control", c, "rekey", "net"));
        assertEquals(
                new Run(0, "terminate of 'home' started\n", ""), inProcess("ike", "--control", c, "terminate", "home"));
        assertEquals(
                new Run(1, "", "jipsec ike: no connection or child named 'x'\n"),
                inProcess("ike", "--control", c, "terminate", "x"));
        assertEquals(List.of("status", "status", "initiate home", "rekey net", "terminate home", "terminate x"), calls);
    }

    @Test
    void usageErrorsExitTwoAndSendNothing() {
        String c = sock.toString();
        Run bare = inProcess("ike", "--control", c);
        assertEquals(2, bare.status());
        assertTrue(bare.err().startsWith("jipsec ike: missing command"), bare.err());
        assertEquals(2, inProcess("ike", "--control", c, "initiate").status());
        assertEquals(2, inProcess("ike", "--control", c, "initiate", "a", "b").status());
        assertEquals(2, inProcess("ike", "--control", c, "frobnicate").status());
        Run space = inProcess("ike", "--control", c, "rekey", "a b");
        assertEquals(2, space.status());
        assertTrue(space.err().contains("bad NAME 'a b'"), space.err());
        assertEquals(
                2, inProcess("ike", "--control", c, "initiate", "x".repeat(256)).status());
        assertEquals(List.of(), calls);
    }

    @Test
    void helpShowsExamplesForEverySubcommand() {
        for (String sub : List.of("status", "initiate", "terminate", "rekey")) {
            Run r = inProcess("ike", sub, "--help");
            assertEquals(0, r.status(), sub);
            assertTrue(r.out().contains("Example:\n  jipsec ike " + sub), r.out());
        }
        Run r = inProcess("ike", "--help");
        assertTrue(r.out().contains("--control=PATH") && r.out().contains("/run/jipsec/iked.ctl"), r.out());
    }

    private static Run child(Path dir, String... args) throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(
                javaBin,
                "-Xmx128m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "org.jipsec.cli.Main"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("jipsec " + String.join(" ", args) + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The launcher's own process: exit statuses and streams as a shell script sees them. */
    @Test
    void asAChildProcess() throws Exception {
        String c = sock.toString();
        assertEquals(new Run(0, IkeStatusFormat.format(status), ""), child(dir, "ike", "--control", c, "status"));
        assertEquals(
                new Run(1, "", "jipsec ike: no connection or child named 'nope'\n"),
                child(dir, "ike", "--control", c, "initiate", "nope"));
        Path none = dir.resolve("nobody.ctl");
        assertEquals(
                new Run(1, "", "jipsec ike: no jipsec iked listening on " + none + "\n"),
                child(dir, "ike", "--control", none.toString(), "status"));
    }
}
