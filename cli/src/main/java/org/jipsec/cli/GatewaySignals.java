package org.jipsec.cli;

/**
 * The signals jipsecd handles, the same with and without a data plane ({@code --no-tun}): SIGHUP reloads
 * {@code --config}, SIGUSR1 prints the counters to stderr. (SIGTERM/SIGINT stop it through the shutdown hook.)
 */
final class GatewaySignals {

    private GatewaySignals() {}

    /** Installs SIGHUP → {@code reload} and SIGUSR1 → {@code status}. */
    static void install(Runnable reload, Runnable status) {
        signal("HUP", reload);
        signal("USR1", status);
    }

    /** Installs a handler for a signal (jdk.unsupported's sun.misc.Signal); a missing one is only logged. */
    @SuppressWarnings("removal")
    private static void signal(String name, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            System.getLogger("jipsec.gateway")
                    .log(System.Logger.Level.ERROR, "jipsec gateway: no SIG" + name + " handler: " + e.getMessage());
        }
    }
}
