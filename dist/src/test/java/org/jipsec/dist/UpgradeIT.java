package org.jipsec.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #18 item 5, a package upgrade of a running gateway, from the outside. The .deb the -Ppackage build wrote is
 * extracted twice (the installed "old" tree and the "new" one that replaces it). From the old tree's
 * {@code usr/bin/jipsec}, with no JDK on PATH, a TUN gateway runs in its own network namespace with a manually keyed
 * AES-GCM tunnel SA and {@code --state-dir} in the temporary root, and sends traffic (pings into the tunnel; the ESP
 * goes out a veth link, where dumpcap captures it). Then the upgrade as dpkg runs it: the old {@code prerm upgrade
 * NEW}, the new {@code postinst configure OLD}, with stubs of {@code systemctl} and {@code deb-systemd-invoke}
 * recording what they are asked (PID 1 here is not systemd; {@code /run/systemd/system} exists only in a private mount
 * namespace of the scripts). The prerm must leave the gateway running and its state alone, the postinst must ask for
 * a try-restart of the units. The test does what that restart does: SIGTERM to the old gateway (it writes its exact
 * sequence marks), the new tree's gateway started with the same state directory. tshark reads the ESP sequence numbers
 * of both runs: the new run starts above the mark the new gateway says it continues from, and that mark is above
 * every number the old run sent — no (SPI, sequence number) pair, for AES-GCM no nonce, is used twice. The new
 * gateway's first log line names the version and the JDK inside the new tree.
 */
class UpgradeIT {

    static final String NS = "jipupg" + ProcessHandle.current().pid();
    static final String TUN = "jipupg0", LINK = "upg0";
    static final String OUTER_A = "10.89.0.1", OUTER_B = "10.89.0.2", INNER_A = "10.89.1.1", INNER_B = "10.89.2.1";
    static final String KEY = "0x0123456789abcdef0123456789abcdef01020304"; // AES-GCM-128 key and 4-byte salt
    static final int SPI = 0x4711;

    @TempDir
    static Path tmp;

    static Path deb, oldRoot, newRoot, control;
    static boolean namespace;

    record Run(int status, String stdout, String stderr) {}

    static Run run(List<String> argv, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (env != null) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        Path out = Files.createTempFile(tmp, "out", ""), err = Files.createTempFile(tmp, "err", "");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + argv);
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    static String check(String... argv) throws Exception {
        Run r = run(List.of(argv), null);
        assertEquals(0, r.status(), String.join(" ", argv) + ": " + r.stderr());
        return r.stdout();
    }

    static boolean works(String... argv) {
        try {
            return run(List.of(argv), null).status() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    static void inNs(String... argv) throws Exception {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", NS));
        a.addAll(List.of(argv));
        check(a.toArray(String[]::new));
    }

    @BeforeAll
    static void extractTwiceAndBuildANamespace() throws Exception {
        boolean ok = works("dpkg-deb", "--version")
                && works("ip", "netns", "list")
                && works("unshare", "--version")
                && works("dumpcap", "--version")
                && works("tshark", "--version")
                && works("ping", "-V");
        // under CI=true the project's CiStrictAssumptions turns this into a failure
        Assumptions.assumeTrue(ok, "needs root, iproute2, unshare, dumpcap, tshark, ping and dpkg-deb");
        Path target = Path.of(System.getProperty("jipsec.target", "target"));
        try (var files = Files.list(target)) {
            List<Path> debs = files.filter(f -> f.getFileName().toString().matches("jipsec_.*\\.deb"))
                    .toList();
            assertEquals(1, debs.size(), "one .deb in " + target + ": " + debs);
            deb = debs.get(0);
        }
        oldRoot = Files.createDirectories(tmp.resolve("old"));
        newRoot = Files.createDirectories(tmp.resolve("new"));
        check("dpkg-deb", "-x", deb.toString(), oldRoot.toString());
        check("dpkg-deb", "-x", deb.toString(), newRoot.toString());
        control = tmp.resolve("control");
        check("dpkg-deb", "-e", deb.toString(), control.toString());
        check("ip", "netns", "add", NS);
        namespace = true;
        inNs("ip", "link", "set", "lo", "up");
        // a veth pair whose far end has no address: the ESP leaves through LINK to a permanent neighbour entry (no
        // peer needs to answer ARP) and is dropped at the far end; dumpcap on LINK sees every packet
        inNs("ip", "link", "add", LINK, "type", "veth", "peer", "name", LINK + "p");
        inNs("ip", "address", "add", OUTER_A + "/24", "dev", LINK);
        inNs("ip", "link", "set", LINK, "up");
        inNs("ip", "link", "set", LINK + "p", "up");
        inNs("ip", "neighbour", "replace", OUTER_B, "lladdr", "02:00:5e:00:89:02", "dev", LINK, "nud", "permanent");
        inNs("ip", "address", "add", INNER_A + "/32", "dev", "lo");
    }

    @AfterAll
    static void deleteNamespace() throws Exception {
        if (namespace) check("ip", "netns", "delete", NS);
    }

    /** A PATH with no JDK on it: the tools the launcher uses and nothing else. */
    static String pathWithoutJdk() throws IOException {
        Path bin = tmp.resolve("bin");
        if (!Files.isDirectory(bin)) {
            Files.createDirectories(bin);
            for (String tool : List.of("dirname", "readlink")) {
                Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool));
            }
        }
        return bin.toString();
    }

    /** One gateway process of one tree, in the namespace. */
    static final class Gateway {
        final Process p;
        final Path out, err;

        Gateway(Path root, String name, Path conf, Path state) throws Exception {
            out = tmp.resolve(name + ".out");
            err = tmp.resolve(name + ".err");
            ProcessBuilder pb = new ProcessBuilder(
                    which("ip"),
                    "netns",
                    "exec",
                    NS,
                    root.resolve("usr/bin/jipsec").toString(),
                    "gateway",
                    "--config",
                    conf.toString(),
                    "--pfkey",
                    tmp.resolve("run/pfkey").toString(),
                    "--tun",
                    TUN,
                    "--no-policy-guard",
                    "--state-dir",
                    state.toString());
            pb.environment().clear();
            pb.environment().put("PATH", pathWithoutJdk());
            pb.environment().put("JIPSEC_HEAP", "64m");
            p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            for (int i = 0; i < 600 && !read(out).contains("running on " + TUN); i++) {
                if (!p.isAlive()) break;
                Thread.sleep(50);
            }
            assertTrue(read(out).contains("running on " + TUN), name + " did not start: " + read(err));
            inNs("ip", "route", "replace", "10.89.2.0/24", "dev", TUN, "src", INNER_A);
        }

        void terminate() throws Exception {
            p.destroy(); // SIGTERM, as systemctl restart sends
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the gateway stops on SIGTERM");
        }
    }

    static String which(String tool) throws Exception {
        return check("sh", "-c", "command -v " + tool).strip();
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Pings into the tunnel (no peer answers: each is one ESP packet out of the veth link), captured there. */
    static List<Long> sendAndCapture(String name, int count) throws Exception {
        Path pcap = tmp.resolve(name + ".pcap");
        Files.deleteIfExists(pcap);
        Path log = tmp.resolve(name + ".dumpcap");
        Process dumpcap = new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        NS,
                        "dumpcap",
                        "-q",
                        "-P",
                        "-i",
                        LINK,
                        "-f",
                        "esp",
                        "-w",
                        pcap.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            for (int i = 0; i < 200 && !(Files.exists(pcap) && Files.size(pcap) > 0); i++) {
                if (!dumpcap.isAlive()) break;
                Thread.sleep(50);
            }
            assertTrue(dumpcap.isAlive() && Files.size(pcap) > 0, "dumpcap: " + read(log));
            Thread.sleep(300);
            run(
                    List.of(
                            "ip",
                            "netns",
                            "exec",
                            NS,
                            "ping",
                            "-n",
                            "-q",
                            "-c",
                            Integer.toString(count),
                            "-i",
                            "0.05",
                            "-W",
                            "1",
                            "-I",
                            INNER_A,
                            INNER_B),
                    null);
            Thread.sleep(500); // the last packets reach the file
        } finally {
            dumpcap.destroy();
            assertTrue(dumpcap.waitFor(20, TimeUnit.SECONDS), "dumpcap stops");
        }
        String fields = check(
                "tshark",
                "-n",
                "-r",
                pcap.toString(),
                "-Y",
                "esp",
                "-T",
                "fields",
                "-e",
                "esp.spi",
                "-e",
                "esp.sequence");
        List<Long> seq = new ArrayList<>();
        for (String line : fields.lines().filter(l -> !l.isBlank()).toList()) {
            String[] f = line.split("\t");
            assertEquals(SPI, Long.decode(f[0]).intValue(), "one SA on the wire: " + line);
            seq.add(Long.parseLong(f[1]));
        }
        assertEquals(count, seq.size(), "one ESP packet per ping: " + fields);
        return seq;
    }

    /** Stubs of systemctl and deb-systemd-invoke that append their arguments to {@code calls}. */
    static Path stubs(String name, Path calls, String... tools) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (String tool : tools) {
            Path s = dir.resolve(tool);
            Files.writeString(s, "#!/bin/sh\necho \"" + tool + " $*\" >>'" + calls + "'\n");
            Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }

    /**
     * Runs a maintainer script as dpkg would, with only {@code stubDir} on PATH, in a private mount namespace whose
     * /run is empty or, with {@code systemd} true, holds /run/systemd/system (the test of "systemd is PID 1" that
     * every maintainer script uses) — whatever the host's PID 1 is.
     */
    static Run maintainerScript(boolean systemd, Path stubDir, String script, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                "mount -t tmpfs tmpfs /run && " + (systemd ? "mkdir -p /run/systemd/system && " : "")
                        + "PATH=\"$0\" exec /bin/sh \"$@\"",
                stubDir.toString(),
                control.resolve(script).toString()));
        argv.addAll(List.of(args));
        return run(argv, Map.of("PATH", "/usr/bin:/bin:/usr/sbin:/sbin"));
    }

    @Test
    void maintainerScriptsParse() throws Exception {
        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertEquals(
                    0,
                    run(List.of("sh", "-n", control.resolve(script).toString()), null)
                            .status(),
                    script);
            assertTrue(Files.isExecutable(control.resolve(script)), script);
        }
    }

    /** Without systemd as PID 1 (a container, a chroot) and on a first installation, nothing is (re)started. */
    @Test
    void nothingIsRestartedOnAFirstInstallationOrWithoutSystemd() throws Exception {
        Path calls = tmp.resolve("calls-install");
        Path dir = stubs("stubs-install", calls, "systemctl", "deb-systemd-invoke");
        assertEquals(0, maintainerScript(true, dir, "postinst", "configure").status());
        assertEquals("systemctl --system daemon-reload\n", read(calls), "a first installation starts nothing");
        Files.deleteIfExists(calls);
        Run noSystemd = maintainerScript(false, dir, "postinst", "configure", "0.0.1");
        assertEquals(0, noSystemd.status(), noSystemd.stderr());
        assertEquals("", read(calls), "no systemd, no systemctl");
        // without deb-systemd-invoke (init-system-helpers), systemctl itself
        Path direct = stubs("stubs-direct", calls, "systemctl");
        assertEquals(
                0,
                maintainerScript(true, direct, "postinst", "configure", "0.0.1").status());
        assertEquals(
                "systemctl --system daemon-reload\n"
                        + "systemctl --system try-restart jipsec.service jipsec-iked.service\n",
                read(calls));
    }

    @Test
    void aRunningGatewayIsRestartedByTheUpgradeAndContinuesItsSequenceNumbers() throws Exception {
        Path conf = tmp.resolve("ipsec.conf");
        Files.writeString(
                conf,
                "add " + OUTER_A + " " + OUTER_B + " esp 0x" + Integer.toHexString(SPI)
                        + " -m tunnel -E aes-gcm-16 " + KEY + " ;\n"
                        + "spdadd 10.89.1.0/24 10.89.2.0/24 any -P out ipsec esp/tunnel/" + OUTER_A + "-" + OUTER_B
                        + "/require ;\n");
        Path state = tmp.resolve("var/lib/jipsec");
        Gateway old = new Gateway(oldRoot, "old", conf, state);
        Gateway fresh = null;
        try {
            List<Long> before = sendAndCapture("before", 20);
            long sentBefore = before.stream().mapToLong(Long::longValue).max().orElseThrow();

            // dpkg's upgrade: old prerm "upgrade NEW" ... new postinst "configure OLD"
            Path calls = tmp.resolve("calls-upgrade");
            Path dir = stubs("stubs-upgrade", calls, "systemctl", "deb-systemd-invoke");
            Run prerm = maintainerScript(true, dir, "prerm", "upgrade", "0.1.1");
            assertEquals(0, prerm.status(), prerm.stderr());
            assertEquals("", read(calls), "prerm upgrade stops nothing");
            assertTrue(old.p.isAlive(), "the gateway runs through the unpacking");
            assertTrue(Files.exists(state.resolve("sequence.state")), "the state stays");
            Run postinst = maintainerScript(true, dir, "postinst", "configure", "0.1.0");
            assertEquals(0, postinst.status(), postinst.stderr());
            assertEquals(
                    "systemctl --system daemon-reload\n"
                            + "deb-systemd-invoke try-restart jipsec.service jipsec-iked.service\n",
                    read(calls));

            // what that try-restart does to the running jipsec.service: SIGTERM, then the new ExecStart
            old.terminate();
            fresh = new Gateway(newRoot, "new", conf, state);
            List<Long> after = sendAndCapture("after", 20);
            String log = read(fresh.err);
            Matcher m = Pattern.compile("sequence state: .* continues above (\\d+) \\(sent\\)")
                    .matcher(log);
            assertTrue(m.find(), "the new gateway read the saved marks:\n" + log);
            long mark = Long.parseLong(m.group(1));
            assertTrue(mark >= sentBefore, "saved mark " + mark + " below the sent " + sentBefore);

            long firstAfter = after.getFirst();
            assertTrue(firstAfter > mark, "sequence number " + firstAfter + " not above the saved mark " + mark);
            for (int i = 1; i < after.size(); i++) assertTrue(after.get(i) > after.get(i - 1), "increasing: " + after);
            List<Long> all = new ArrayList<>(before);
            all.addAll(after);
            assertEquals(all.size(), all.stream().distinct().count(), "a sequence number (GCM nonce) reused: " + all);

            // the start lines: which build, and which tree's runtime, each run is
            String version = System.getProperty("jipsec.version", "");
            String oldStart = startLine(read(old.err)), newStart = startLine(log);
            assertTrue(newStart.startsWith("jipsec gateway: starting jipsec " + version + " (commit "), newStart);
            assertTrue(
                    newStart.contains(", JDK 25")
                            && newStart.contains(" at "
                                    + newRoot.resolve("usr/lib/jipsec/runtime").toRealPath() + " (data plane on " + TUN
                                    + ")"),
                    newStart);
            assertTrue(
                    oldStart.contains(
                            " at " + oldRoot.resolve("usr/lib/jipsec/runtime").toRealPath() + " "),
                    oldStart);
            assertFalse(log.contains("Exception"), log);
            System.out.printf(
                    "upgrade: old run sent %s, saved mark %d, new run sent %s%n%s%n%s%n",
                    before, mark, after, oldStart, newStart);
            fresh.terminate();
        } finally {
            for (Gateway g : new Gateway[] {old, fresh}) {
                if (g != null && g.p.isAlive()) g.p.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    static String startLine(String log) {
        return log.lines()
                .filter(l -> l.contains("jipsec gateway: starting "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no start line:\n" + log));
    }
}
