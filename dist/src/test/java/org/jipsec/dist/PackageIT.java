package org.jipsec.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package the -Ppackage build wrote (issue #18 items 1 and 4), checked from the outside: its control
 * fields and file list, then extracted with dpkg-deb -x into a fresh root and run there with no JAVA_HOME and a
 * PATH without any JDK; its man pages rendered with man -l; its bash completion loaded into bash and asked to
 * complete "jipsec set".
 */
class PackageIT {

    static Path deb;
    static Path root;

    @TempDir
    static Path tmp;

    record Run(int status, String stdout, String stderr) {}

    static Run run(List<String> argv, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (env != null) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        Path out = Files.createTempFile(tmp, "out", ""), err = Files.createTempFile(tmp, "err", "");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
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

    @BeforeAll
    static void extract() throws Exception {
        Assumptions.assumeTrue(run(List.of("dpkg-deb", "--version"), null).status() == 0, "dpkg-deb not installed");
        Path target = Path.of(System.getProperty("jipsec.target", "target"));
        try (var files = Files.list(target)) {
            List<Path> debs = files.filter(f -> f.getFileName().toString().matches("jipsec_.*\\.deb"))
                    .toList();
            assertEquals(1, debs.size(), "one .deb in " + target + ": " + debs);
            deb = debs.get(0);
        }
        root = Files.createDirectories(tmp.resolve("root"));
        check("dpkg-deb", "-x", deb.toString(), root.toString());
    }

    /** A PATH with only the tools /usr/bin/jipsec uses: no java anywhere on it. */
    static Path pathWithoutJdk() throws IOException {
        Path bin = tmp.resolve("bin");
        if (Files.isDirectory(bin)) return bin;
        Files.createDirectories(bin);
        for (String tool : List.of("dirname", "readlink")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool));
        }
        return bin;
    }

    @Test
    void versionRunsFromTheExtractedTreeWithoutAnyJdk() throws Exception {
        Path jipsec = root.resolve("usr/bin/jipsec");
        assertTrue(Files.isExecutable(jipsec), "usr/bin/jipsec");
        Run r = run(
                List.of(jipsec.toString(), "--version"),
                Map.of("PATH", pathWithoutJdk().toString()));
        assertEquals(0, r.status(), r.stderr());
        String version = System.getProperty("jipsec.version", "");
        assertTrue(r.stdout().startsWith("jipsec " + version + " (commit "), r.stdout());
        assertTrue(r.stdout().matches("(?s)jipsec \\S+ \\(commit ([0-9a-f]{12}|unknown)\\)\n.*"), r.stdout());
        // the JDK it names is the bundled one, inside the extracted tree
        String runtime = root.resolve("usr/lib/jipsec/runtime").toRealPath().toString();
        assertTrue(r.stdout().contains("\nJDK 25") && r.stdout().strip().endsWith(" at " + runtime), r.stdout());
        assertEquals("", r.stderr());
    }

    @Test
    void theAotCacheIsUsedWhereTheTreeIsExtracted() throws Exception {
        // each short-lived client command maps the cache trained on it (issue #17 item 4: CLI start-up)
        for (List<String> args :
                List.of(List.of("setkey", "--embedded", "-D"), List.of("sysctl", "--embedded", "-a"))) {
            List<String> cmd = new java.util.ArrayList<>(
                    List.of(root.resolve("usr/bin/jipsec").toString()));
            cmd.addAll(args);
            Run r = run(cmd, Map.of("PATH", pathWithoutJdk().toString(), "JIPSEC_JAVA_OPTS", "-Xlog:aot=info"));
            assertEquals(0, r.status(), r.stderr());
            Path aot = root.resolve("usr/lib/jipsec/jipsec-" + args.get(0) + ".aot")
                    .toRealPath();
            assertTrue(
                    r.stdout().contains("Opened AOT cache " + aot),
                    args + ": the AOT cache was not mapped: "
                            + r.stdout().lines().limit(40).collect(Collectors.joining("\n")));
            assertFalse(r.stdout().toLowerCase().contains("mismatch"), r.stdout());
        }
    }

    @Test
    void controlFieldsNeedNoJdk() throws Exception {
        String[] fields = check(
                        "dpkg-deb",
                        "-f",
                        deb.toString(),
                        "Package",
                        "Depends",
                        "Maintainer",
                        "Description",
                        "Architecture")
                .split("\n");
        String all = String.join("\n", fields);
        assertTrue(all.contains("Package: jipsec"), all);
        assertTrue(all.matches("(?s).*Maintainer: \\S.*<[^>]+@[^>]+>.*"), all);
        assertTrue(all.matches("(?s).*Description: \\S.*\n \\S.*"), "a synopsis and a long description: " + all);
        String depends =
                all.lines().filter(l -> l.startsWith("Depends:")).findFirst().orElse("");
        assertTrue(depends.contains("libc6"), all);
        assertFalse(depends.matches("(?i).*(jdk|jre|java).*"), "depends on a JDK: " + depends);
        // /etc/jipsec/, not /etc/ipsec.conf: that path is strongswan-starter's and libreswan's conffile
        assertEquals(
                "/etc/jipsec/iked.conf\n/etc/jipsec/ipsec.conf\n/etc/jipsec/sysctl.conf\n",
                check("dpkg-deb", "--info", deb.toString(), "conffiles"));
        assertFalse(all.contains("invalid>") || all.contains("example"), "an honest Maintainer: " + all);
    }

    @Test
    void fileListHasBinaryUnitManPagesCompletionAndConfig() throws Exception {
        String listing = check("dpkg-deb", "-c", deb.toString());
        Set<String> files = new TreeSet<>();
        for (String line : listing.lines().toList()) {
            String[] f = line.trim().split("\\s+", 6);
            assertEquals("root/root", f[1], "owned by root: " + line);
            files.add(f[5].replaceFirst(" -> .*", ""));
        }
        for (String want : List.of(
                "./usr/bin/jipsec",
                "./usr/lib/jipsec/jipsec.jar",
                "./usr/lib/jipsec/jipsec-setkey.aot",
                "./usr/lib/jipsec/jipsec-sysctl.aot",
                "./usr/lib/jipsec/runtime/bin/java",
                "./usr/lib/jipsec/runtime/release",
                "./lib/systemd/system/jipsec.service",
                "./lib/systemd/system/jipsec-iked.service",
                "./etc/jipsec/ipsec.conf",
                "./etc/jipsec/iked.conf",
                "./usr/share/doc/jipsec/grafana-dashboard.json",
                "./usr/share/man/man8/jipsec.8.gz",
                "./usr/share/man/man8/jipsec-setkey.8.gz",
                "./usr/share/man/man8/jipsec-sysctl.8.gz",
                "./usr/share/man/man8/jipsec-gateway.8.gz",
                "./usr/share/man/man8/jipsec-ike.8.gz",
                "./usr/share/man/man8/jipsec-ike-rekey.8.gz",
                "./usr/share/bash-completion/completions/jipsec",
                "./usr/share/zsh/vendor-completions/_jipsec",
                "./etc/jipsec/sysctl.conf",
                "./usr/share/doc/jipsec/copyright")) {
            assertTrue(files.contains(want), "package lacks " + want);
        }
        assertFalse(files.contains("./etc/ipsec.conf"), "clashes with strongswan-starter's and libreswan's conffile");
        assertTrue(
                listing.lines().anyMatch(l -> l.startsWith("-rw------- ") && l.endsWith(" ./etc/jipsec/iked.conf")),
                "iked.conf (it will hold a key) is 0600: " + listing);
        assertEquals(
                Files.readString(Path.of("..", "packaging", "systemd", "jipsec-iked.service")),
                Files.readString(root.resolve("lib/systemd/system/jipsec-iked.service")));
        assertEquals(
                Files.readString(Path.of("..", "packaging", "systemd", "jipsec.service")),
                Files.readString(root.resolve("lib/systemd/system/jipsec.service")));
        // the runtime holds only what jdeps found (plus jdk.unsupported for sun.misc.Signal), not a whole JDK
        String release = Files.readString(root.resolve("usr/lib/jipsec/runtime/release"));
        String modules = release.lines()
                .filter(l -> l.startsWith("MODULES="))
                .findFirst()
                .orElseThrow();
        assertTrue(modules.contains("java.base") && modules.contains("jdk.unsupported"), modules);
        // the metrics endpoint: the JDK's HTTP server, and the MXBeans the JVM/process metrics read
        for (String present : List.of("jdk.httpserver", "java.management", "jdk.management")) {
            assertTrue(modules.contains(present), present + " not in " + modules);
        }
        for (String absent : List.of("java.desktop", "jdk.compiler", "jdk.jshell")) {
            assertFalse(modules.contains(absent), absent + " in " + modules);
        }
        assertFalse(Files.exists(root.resolve("usr/lib/jipsec/runtime/bin/javac")), "a JDK, not a runtime");
    }

    @Test
    void manPagesRenderWithoutWarningsAndHaveTheirSections() throws Exception {
        Assumptions.assumeTrue(run(List.of("man", "--version"), null).status() == 0, "man-db not installed");
        for (String page : List.of(
                "jipsec",
                "jipsec-setkey",
                "jipsec-sysctl",
                "jipsec-gateway",
                "jipsec-algorithms",
                "jipsec-pcap",
                "jipsec-pfkey-monitor",
                "jipsec-demo",
                "jipsec-bench",
                "jipsec-stats",
                "jipsec-iked",
                "jipsec-ike",
                "jipsec-ike-status")) {
            Path file = root.resolve("usr/share/man/man8/" + page + ".8.gz");
            Run r = run(
                    List.of("man", "--warnings", "-l", file.toString()),
                    Map.of("PATH", "/usr/bin:/bin", "MANWIDTH", "100", "LC_ALL", "C.UTF-8", "MANPAGER", "cat"));
            assertEquals(0, r.status(), page + ": " + r.stderr());
            assertEquals("", r.stderr(), page + ": warnings");
            for (String section : List.of("NAME", "SYNOPSIS", "DESCRIPTION")) {
                assertTrue(r.stdout().contains("\n" + section + "\n"), page + " lacks " + section + ":\n" + r.stdout());
            }
            if (!page.equals("jipsec")) {
                assertTrue(r.stdout().contains("\nOPTIONS\n"), page + " lacks OPTIONS");
            }
            assertTrue(r.stdout().matches("(?s).*\n(EXAMPLES?:?)\n.*"), page + " lacks examples:\n" + r.stdout());
        }
        Run setkey = run(
                List.of(
                        "man",
                        "-l",
                        root.resolve("usr/share/man/man8/jipsec-setkey.8.gz").toString()),
                Map.of("PATH", "/usr/bin:/bin", "MANWIDTH", "100", "LC_ALL", "C.UTF-8", "MANPAGER", "cat"));
        for (String s : List.of("JIPSEC-SETKEY(8)", "spdadd", "EXIT STATUS", "FILES", "SEE ALSO", "--pfkey")) {
            assertTrue(setkey.stdout().contains(s), "jipsec-setkey(8) lacks " + s);
        }
    }

    /** Removing the package removes the policy guard's table (fail closed only while jipsec is installed). */
    @Test
    void removalCleansUpTheGuardWhilePurgeRemovesTheState() throws Exception {
        Path control = tmp.resolve("control");
        check("dpkg-deb", "-e", deb.toString(), control.toString());
        String prerm = Files.readString(control.resolve("prerm")), postrm = Files.readString(control.resolve("postrm"));
        assertTrue(Files.isExecutable(control.resolve("prerm")), "prerm");
        assertTrue(
                prerm.contains("if [ \"$1\" = remove ]") && prerm.contains("/usr/bin/jipsec gateway --cleanup"), prerm);
        assertTrue(
                prerm.indexOf("systemctl --system stop jipsec-iked.service jipsec.service")
                        < prerm.indexOf("/usr/bin/jipsec gateway --cleanup"),
                "stopped before the cleanup: " + prerm);
        assertTrue(
                postrm.contains("if [ \"$1\" = purge ]")
                        && postrm.contains("rm -rf /var/lib/jipsec")
                        && postrm.contains("nft delete table inet jipsec_jipsec0"),
                postrm);
        for (Path script : List.of(control.resolve("prerm"), control.resolve("postrm"))) {
            assertEquals(0, run(List.of("sh", "-n", script.toString()), null).status(), script + ": sh -n");
        }
    }

    @Test
    void bashCompletionLoadsAndCompletesSubcommands() throws Exception {
        Path script = root.resolve("usr/share/bash-completion/completions/jipsec");
        assertEquals(0, run(List.of("bash", "-n", script.toString()), null).status(), "bash -n");
        String complete = "source '" + script + "'; COMP_WORDS=(jipsec \"$1\"); COMP_CWORD=1; COMP_LINE=\"jipsec $1\";"
                + " COMP_POINT=${#COMP_LINE}; _complete_jipsec jipsec \"$1\" jipsec; printf '%s\\n' \"${COMPREPLY[@]}\"";
        Run set = run(
                List.of("bash", "--norc", "--noprofile", "-c", complete, "bash", "set"),
                Map.of("PATH", "/usr/bin:/bin"));
        assertEquals(0, set.status(), set.stderr());
        assertEquals(List.of("setkey"), set.stdout().lines().toList());
        Run sy = run(
                List.of("bash", "--norc", "--noprofile", "-c", complete, "bash", "s"), Map.of("PATH", "/usr/bin:/bin"));
        assertEquals(
                Set.of("setkey", "sysctl", "stats"),
                Set.copyOf(sy.stdout().lines().toList()));
        // a second level: jipsec ike's subcommands
        String nested = "source '" + script + "'; COMP_WORDS=(jipsec ike \"$1\"); COMP_CWORD=2;"
                + " COMP_LINE=\"jipsec ike $1\"; COMP_POINT=${#COMP_LINE}; _complete_jipsec jipsec \"$1\" ike;"
                + " printf '%s\\n' \"${COMPREPLY[@]}\"";
        Run re = run(
                List.of("bash", "--norc", "--noprofile", "-c", nested, "bash", "re"), Map.of("PATH", "/usr/bin:/bin"));
        assertEquals(List.of("rekey"), re.stdout().lines().toList(), re.stderr());
        String zsh = Files.readString(root.resolve("usr/share/zsh/vendor-completions/_jipsec"));
        assertTrue(
                zsh.startsWith("#compdef jipsec")
                        && zsh.contains("bashcompinit")
                        && zsh.contains("/usr/share/bash-completion/completions/jipsec"),
                zsh);
    }
}
