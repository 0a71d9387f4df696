package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source checkout's ./jipsec launcher without a usable JDK (issue #18 item 1): it must say what is missing and
 * exit 1 before trying to build or run anything, not fail with "No such file or directory" from exec.
 */
class LauncherNoJdkTest {

    static final Path LAUNCHER = Path.of("..", "jipsec").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** A PATH with the few tools the launcher itself uses and no java. */
    private Path pathWithoutJava() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("dirname", "readlink", "sed")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool));
        }
        return bin;
    }

    private record Run(int status, String stdout, String stderr) {}

    private Run run(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", LAUNCHER.toString(), "--version");
        pb.environment().clear();
        pb.environment().putAll(env);
        Path out = dir.resolve("out"), err = dir.resolve("err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher did not finish");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void javaHomePointingAtNothingIsNamed() throws Exception {
        Run r = run(Map.of("PATH", pathWithoutJava().toString(), "JAVA_HOME", "/nonexistent/jdk"));
        assertEquals(1, r.status(), r.stderr());
        assertEquals("", r.stdout());
        assertTrue(r.stderr().startsWith("jipsec: JAVA_HOME=/nonexistent/jdk has no bin/java;"), r.stderr());
        assertTrue(r.stderr().contains("needs a JDK 25 or later"), r.stderr());
        assertTrue(r.stderr().lines().count() == 1, "one line, no stack trace or shell error: " + r.stderr());
    }

    @Test
    void tooOldJdkIsNamedWithItsVersion() throws Exception {
        // a JDK 17 as the launcher sees one: bin/java and the release file every JDK image carries
        Path jdk17 = Files.createDirectories(dir.resolve("jdk-17/bin"));
        Path java = Files.writeString(jdk17.resolve("java"), "#!/bin/sh\necho 'must not be run' >&2\nexit 99\n");
        java.toFile().setExecutable(true);
        Files.writeString(dir.resolve("jdk-17/release"), "JAVA_VERSION=\"17.0.13\"\nIMPLEMENTOR=\"test\"\n");
        Run r = run(Map.of(
                "PATH",
                pathWithoutJava().toString(),
                "JAVA_HOME",
                dir.resolve("jdk-17").toString()));
        assertEquals(1, r.status(), r.stderr());
        assertTrue(r.stderr().contains("/jdk-17/bin/java is JDK 17; jipsec needs a JDK 25 or later"), r.stderr());
        assertTrue(r.stderr().lines().count() == 1, r.stderr());
    }
}
