package org.jipsec.cli.log;

import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.jipsec.io.gateway.GatewayDaemon;

/** jipsecd's log: the daemon's {@link GatewayDaemon.Log} lines through the {@code jipsec.gateway} System.Logger. */
public final class GatewayLog {
    private GatewayLog() {}

    /**
     * Log lines to {@code err} (the command's standard error), DEBUG while {@code net.inet.ipsec.debug} of
     * {@code sysctl} is non-zero. A line that says WARNING is logged as a warning, one that says it cannot do
     * something or is not starting as an error, the others as information.
     */
    public static GatewayDaemon.Log start(PrintWriter err, Sysctl sysctl) {
        LogOutput.use(err);
        LogOutput.debugWhile(() -> sysctl.intValue(SysctlNames.IPSEC_DEBUG) != 0);
        System.Logger logger = System.getLogger("jipsec.gateway");
        return line -> logger.log(levelOf(line), line);
    }

    /** SIGUSR1's counters: written whatever the level, never held back as a repeat. */
    public static void status(String text) {
        LogOutput.current().write(Level.INFO, text, false);
    }

    static Level levelOf(String line) {
        if (line.contains("WARNING")) return Level.WARNING;
        if (line.contains("not starting") || line.contains("cannot ")) return Level.ERROR;
        return Level.INFO;
    }
}
