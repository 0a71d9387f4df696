package org.jipsec.cli;

import java.nio.file.Path;
import org.jipsec.core.ike.control.IkeAdmin;
import org.jipsec.io.ike.IkeLog;

/**
 * Where {@code jipsec iked} serves {@code --control}: the control socket server (branch ike-control) plugs in here
 * and serves the daemon's {@link IkeAdmin}. Until it has landed, the path is parsed and reported, nothing listens.
 */
final class IkedControlHook {
    private IkedControlHook() {}

    static void start(IkeAdmin admin, Path control, IkeLog log) {
        log.line("control socket " + control + " not served yet (the 'jipsec ike' server is not in this build)");
    }

    static void stop() {
    }
}
