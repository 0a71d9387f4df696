package org.jipsec.cli;

import picocli.CommandLine;

/** Entry point of the {@code jipsec} launcher. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return JipsecCommand.commandLine(args).execute(args);
    }
}
