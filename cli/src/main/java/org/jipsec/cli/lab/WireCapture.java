package org.jipsec.cli.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.Commands;

/**
 * A tshark capture on one interface inside a namespace, bounded by {@code -a duration}; {@link #stop()} ends it
 * and returns the summary, plus whether the payload marker appears anywhere in the captured bytes.
 */
@SuppressWarnings("try") // close() waits for the capture to stop; an interrupt there is passed on
public final class WireCapture implements AutoCloseable {
    private final Process process;
    private final Path file;
    private final Path log;

    private WireCapture(Process process, Path file, Path log) {
        this.process = process;
        this.file = file;
        this.log = log;
    }

    /** True if tshark is on the PATH. */
    public static boolean available() {
        try {
            return Commands.run(List.of("tshark", "--version"), Duration.ofSeconds(10))
                    .ok();
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts capturing on {@code dev} in {@code ns} into {@code file}; waits until tshark says it captures. */
    public static WireCapture start(String ns, String dev, Path file, Path log, Duration maxDuration)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        ns,
                        "tshark",
                        "-q",
                        "-i",
                        dev,
                        "-w",
                        file.toString(),
                        "-a",
                        "duration:" + maxDuration.toSeconds())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        WireCapture c = new WireCapture(p, file, log);
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Files.readString(log).contains("Capturing on")) {
            if (!p.isAlive() || System.nanoTime() > end) {
                c.close();
                throw new IOException("tshark did not start capturing: "
                        + Files.readString(log).strip());
            }
            Thread.sleep(100);
        }
        return c;
    }

    /** Outcome of a capture. */
    public record Outcome(CaptureSummary summary, boolean markerSeen) {}

    /** Ends the capture and reads it back. */
    public Outcome stop() throws IOException, InterruptedException {
        Thread.sleep(500); // the last packets reach the file
        close();
        if (!Files.exists(file)) {
            throw new IOException(
                    "tshark wrote no capture: " + Files.readString(log).strip());
        }
        List<String> argv = new ArrayList<>(List.of("tshark", "-r", file.toString()));
        argv.addAll(CaptureSummary.TSHARK_FIELDS);
        CommandResult r = Commands.run(argv, Duration.ofSeconds(60));
        if (!r.ok()) {
            throw new IOException(
                    "tshark could not read the capture: " + r.stderr().strip());
        }
        byte[] raw = Files.readAllBytes(file);
        boolean marker = indexOf(raw, TcpTransfer.MARKER.getBytes(StandardCharsets.US_ASCII)) >= 0;
        return new Outcome(CaptureSummary.parse(r.stdout()), marker);
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
        }
    }
}
