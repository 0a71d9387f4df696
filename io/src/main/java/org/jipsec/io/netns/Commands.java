package org.jipsec.io.netns;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs external commands ({@code ip}, {@code ping}, …) with a bounded time; never waits forever. */
public final class Commands {
    /** The default limit for one {@code ip} command. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private Commands() {}

    /** Runs {@code argv}; kills it after {@code timeout}. Returns the result whatever the exit status. */
    public static CommandResult run(List<String> argv, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(2, TimeUnit.SECONDS);
                throw new IOException("timed out after " + timeout + ": " + String.join(" ", argv));
            }
            return new CommandResult(p.exitValue(), out.get(2, TimeUnit.SECONDS), err.get(2, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", argv), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("could not read the output of " + String.join(" ", argv), e);
        }
    }

    /** Runs {@code argv} and throws, with its stderr, unless it exits with 0; returns stdout. */
    public static String check(List<String> argv, Duration timeout) throws IOException {
        CommandResult r = run(argv, timeout);
        if (!r.ok()) {
            throw new IOException(String.join(" ", argv) + " exited with " + r.exitCode() + ": "
                    + r.stderr().strip());
        }
        return r.stdout();
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try (in) {
                        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        return "";
                    }
                },
                Thread::startVirtualThread);
    }
}
