package org.jipsec.cli;

/** Entry point of the {@code jipsec} launcher. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // setkey and sysctl start without picocli when their arguments are plain (QuickStart); the rest through it
        var quick = QuickStart.run(args);
        System.exit(quick.isPresent() ? quick.get() : run(args));
    }

    /** Runs the command line and returns the exit status (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return JipsecCommand.commandLine(args).execute(args);
    }
}
