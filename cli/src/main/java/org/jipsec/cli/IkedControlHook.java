package org.jipsec.cli;

import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import org.jipsec.core.ike.control.IkeAdmin;
import org.jipsec.io.ike.IkeLog;

/**
 * Where {@code jipsec iked} serves {@code --control}: the control socket server of the {@code jipsec ike} commands
 * ({@code org.jipsec.io.ike.IkeControlServer.start(IkeAdmin, Path)}, branch ike-control) serving the daemon's
 * {@link IkeAdmin}. Looked up by name so that this command builds and runs before that server has landed (then the
 * path is only reported); once both are on main, replace the lookup with the direct call.
 */
final class IkedControlHook {
    private IkedControlHook() {}

    private static final String SERVER = "org.jipsec.io.ike.IkeControlServer";
    private static volatile Closeable server;

    static void start(IkeAdmin admin, Path control, IkeLog log) {
        try {
            Class<?> c = Class.forName(SERVER);
            server = (Closeable) c.getMethod("start", IkeAdmin.class, Path.class).invoke(null, admin, control);
            log.line("control socket " + control);
        } catch (ClassNotFoundException e) {
            log.line("control socket " + control + " not served: this build has no 'jipsec ike' server");
        } catch (InvocationTargetException e) {
            log.line("control socket " + control + " not served: " + e.getCause().getMessage());
        } catch (ReflectiveOperationException | ClassCastException e) {
            log.line("control socket " + control + " not served: " + e);
        }
    }

    static void stop() {
        Closeable s = server;
        if (s == null) return;
        try {
            s.close();
        } catch (IOException e) {
            // exiting
        }
    }
}
