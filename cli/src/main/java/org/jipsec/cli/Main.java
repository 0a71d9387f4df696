package org.jipsec.cli;

/** Entry point of the {@code jipsec} launcher. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // setkey and sysctl start without picocli when their arguments are plain (QuickStart); the rest through it
        var quick = QuickStart.run(args);
        if (quick.isPresent() && !"aot-train".equals(args[0])) exitNow(quick.get());
        System.exit(quick.isPresent() ? quick.get() : run(args));
    }

    /**
     * Ends a setkey or sysctl run with its status. Not {@link System#exit}: since JDK 21 (JDK-8301627) it asks
     * {@code System.getLogger("java.lang.Runtime")} whether to log the call, and finding the logger finder is a
     * {@link java.util.ServiceLoader} scan of the class path that opens and indexes the jar and loads jipsec's logging
     * — the last few milliseconds of every call (issue #17 item 4). These commands register no shutdown hooks and
     * have written everything through their own writers; standard output and error are flushed here all the same.
     * The AOT training run ends with {@link System#exit}: the JVM writes the cache on its way out.
     */
    private static void exitNow(int status) {
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }

    /** Runs the command line and returns the exit status (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return JipsecCommand.commandLine(args).execute(args);
    }
}
