package org.jipsec.io.netns;

/** The outcome of a finished command: exit status and captured output (stdout and stderr separately). */
public record CommandResult(int exitCode, String stdout, String stderr) {
    /** True if the command exited with status 0. */
    public boolean ok() {
        return exitCode == 0;
    }
}
