package org.jipsec.cli;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jipsec.io.systemd.SdNotify;

/**
 * jipsecd's side of the service manager (systemd {@code Type=notify}, packaging/systemd/jipsec.service): READY=1 once
 * the TUN, the guard and the sockets serve; RELOADING=1 … READY=1 around a SIGHUP reload; STOPPING=1 on the way out;
 * WATCHDOG=1 every half {@code WatchdogSec} for as long as the daemon's packet loop is alive — a wedged or dead data
 * plane stops the pings and systemd restarts the service. Without {@code $NOTIFY_SOCKET} every call does nothing.
 */
final class ServiceManager {

    private final Optional<SdNotify> notify;
    private final Consumer<String> log;

    private ServiceManager(Optional<SdNotify> notify, Consumer<String> log) {
        this.notify = notify;
        this.log = log;
    }

    /** The service manager of this process's environment. */
    static ServiceManager fromEnvironment(Consumer<String> log) {
        return new ServiceManager(SdNotify.fromEnvironment(), log);
    }

    /** READY=1 with a status line, then watchdog pings while {@code alive} (when systemd asked for them). */
    void ready(String status, BooleanSupplier alive) {
        if (notify.isEmpty()) return;
        send("READY=1\nSTATUS=" + status + "\nMAINPID="
                + ProcessHandle.current().pid());
        long usec = SdNotify.watchdogMicros();
        if (usec <= 0) return;
        long periodMillis = Math.max(1, usec / 2000); // half the interval, as sd_watchdog_enabled(3) advises
        Thread.ofPlatform().name("jipsec-watchdog").daemon().start(() -> {
            while (alive.getAsBoolean()) {
                send("WATCHDOG=1");
                try {
                    TimeUnit.MILLISECONDS.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
            log.accept("watchdog: the data plane is not running; no more WATCHDOG=1 (systemd will restart jipsecd)");
        });
    }

    /** Wraps a reload: RELOADING=1 (with the monotonic time systemd wants), the reload, READY=1. */
    Runnable reloading(Runnable reload) {
        return () -> {
            long monotonicUsec = System.nanoTime() / 1000;
            send("RELOADING=1\nMONOTONIC_USEC=" + monotonicUsec);
            try {
                reload.run();
            } finally {
                send("READY=1");
            }
        };
    }

    /** STOPPING=1. */
    void stopping() {
        send("STOPPING=1");
    }

    private void send(String state) {
        notify.ifPresent(n -> n.sendQuietly(state, log));
    }
}
