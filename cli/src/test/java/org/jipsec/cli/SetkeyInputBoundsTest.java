package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jipsec.testkit.E2e;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12 item 7: {@code setkey -f /dev/zero}, a 100 MB line, and {@code -c} fed from such a stream end with one
 * clear line and a non-zero status — never a Java stack trace, never unbounded memory. The real command runs in a
 * child JVM with a 256 MB heap (the old code died there with {@code OutOfMemoryError} and a stack trace).
 */
@E2e
class SetkeyInputBoundsTest {

    @TempDir
    Path dir;

    record Run(int status, String out, String err) {
        String all() {
            return out + err;
        }
    }

    /** {@code jipsec setkey --embedded ARGS} in a child JVM (heap 256 MB), stdin from {@code stdin} or empty. */
    Run setkey(File stdin, String... args) throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(
                javaBin,
                "-Xmx256m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "org.jipsec.cli.Main",
                "setkey",
                "--embedded"));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out"), err = dir.resolve("err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.redirectInput(
                stdin != null
                        ? ProcessBuilder.Redirect.from(stdin)
                        : ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "setkey did not end");
        } finally {
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A file of {@code bytes} letters without a newline. */
    Path oneLine(long bytes) throws Exception {
        Path f = dir.resolve("line-" + bytes + ".conf");
        ByteBuffer chunk = ByteBuffer.wrap("a".repeat(1 << 20).getBytes());
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (long done = 0; done < bytes; ) {
                chunk.clear();
                chunk.limit((int) Math.min(chunk.capacity(), bytes - done));
                done += ch.write(chunk);
            }
        }
        return f;
    }

    private static void oneClearLine(Run r, String expected) {
        assertEquals(1, r.status(), r.all());
        assertFalse(r.all().contains("Exception"), r.all());
        assertFalse(r.all().contains("\tat "), r.all());
        assertEquals(expected, r.err().strip(), r.all());
        assertEquals("", r.out());
    }

    @Test
    void devZeroIsTooLarge() throws Exception {
        oneClearLine(setkey(null, "-f", "/dev/zero"), "setkey: /dev/zero: File too large (more than 67108864 bytes)");
    }

    @Test
    void aHundredMegabyteLineIsTooLarge() throws Exception {
        Path f = oneLine(100L << 20);
        oneClearLine(setkey(null, "-f", f.toString()), "setkey: " + f + ": File too large (more than 67108864 bytes)");
    }

    @Test
    void standardInputFromDevZeroIsTooLarge() throws Exception {
        oneClearLine(
                setkey(new File("/dev/zero"), "-c"),
                "setkey: standard input: File too large (more than 67108864 bytes)");
    }

    @Test
    void aLineLongerThanTheParserTakesIsNamed() throws Exception {
        Path f = oneLine(1 << 20);
        Files.writeString(f, ";\n", StandardOpenOption.APPEND);
        Run strict = setkey(null, "-s", "-f", f.toString()); // jipsec's -s: standard error, status 1
        assertEquals(1, strict.status(), strict.all());
        assertFalse(strict.all().contains("Exception"), strict.all());
        assertEquals(
                "line 1: line too long (more than 65536 characters)\nparse failed, line 1.",
                strict.err().strip());
        Run file = setkey(null, "-f", f.toString()); // NetBSD's -f: standard output, status 1
        assertEquals(1, file.status(), file.all());
        assertEquals(
                "line 1: line too long (more than 65536 characters)", file.out().strip());
        Run piped = setkey(f.toFile(), "-c"); // NetBSD's -c: reported, and the status stays 0
        assertFalse(piped.all().contains("Exception"), piped.all());
        assertEquals(
                "line 1: line too long (more than 65536 characters)",
                piped.out().strip());
    }
}
