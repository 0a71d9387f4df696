package org.jipsec.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.jipsec.core.ike.control.IkeAdmin;
import org.jipsec.io.ike.IkeControlServer;
import org.jipsec.io.ike.IkeLog;

/**
 * Where {@code jipsec iked} serves {@code --control}: the {@link IkeControlServer} of the {@code jipsec ike} commands,
 * serving the daemon's {@link IkeAdmin}. A socket that cannot be served is logged; the daemon runs on without it.
 */
final class IkedControlHook {
    private IkedControlHook() {}

    private static volatile IkeControlServer server;

    static void start(IkeAdmin admin, Path control, IkeLog log) {
        try {
            server = IkeControlServer.start(admin, control);
            log.line("control socket " + control);
        } catch (IOException | RuntimeException e) {
            log.line("control socket " + control + " not served: " + e.getMessage());
        }
    }

    static void stop() {
        IkeControlServer s = server;
        if (s != null) s.close();
    }
}
