package org.jipsec.io.systemd;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jipsec.io.ffm.LibC;

/**
 * The service manager's notification protocol (sd_notify(3)): one datagram of {@code KEY=VALUE} lines sent to the
 * AF_UNIX socket named by {@code $NOTIFY_SOCKET} — {@code READY=1} once the daemon serves, {@code RELOADING=1} and
 * {@code READY=1} around a reload, {@code STOPPING=1}, {@code WATCHDOG=1} within {@code $WATCHDOG_USEC},
 * {@code STATUS=…} for {@code systemctl status}. Written over the FFM socket calls (the JDK has no AF_UNIX datagram
 * channel) instead of linking libsystemd, which the protocol does not need: systemd documents it as stable.
 *
 * <p>A path starting with {@code @} is in the abstract namespace (its first byte becomes NUL). Sending never blocks
 * the caller: the socket is non-blocking and a full queue drops the notification (systemd then sees the next one).
 */
public final class SdNotify {

    /** {@code AF_UNIX} (Linux {@code <sys/socket.h>}). */
    private static final int AF_UNIX = 1;
    /** {@code sizeof(struct sockaddr_un)}: a 2-byte family and a 108-byte path. */
    private static final int SUN_LEN = 110;

    private static final int SUN_PATH_MAX = 108;

    private final String socketPath;

    private SdNotify(String socketPath) {
        this.socketPath = socketPath;
    }

    /** The notifier of {@code $NOTIFY_SOCKET}, or empty when the daemon was not started by a service manager. */
    public static Optional<SdNotify> fromEnvironment() {
        return of(System.getenv("NOTIFY_SOCKET"));
    }

    /** The notifier of a socket path ({@code @name} for the abstract namespace); empty for null, "" or too long. */
    public static Optional<SdNotify> of(String path) {
        if (path == null || path.isEmpty() || !(path.startsWith("/") || path.startsWith("@"))) return Optional.empty();
        if (path.getBytes(StandardCharsets.UTF_8).length >= SUN_PATH_MAX) return Optional.empty();
        return Optional.of(new SdNotify(path));
    }

    /**
     * The watchdog interval the service manager expects pings within ({@code $WATCHDOG_USEC}, for this process when
     * {@code $WATCHDOG_PID} is unset or ours), in microseconds; 0 when there is no watchdog.
     */
    public static long watchdogMicros() {
        String usec = System.getenv("WATCHDOG_USEC");
        String pid = System.getenv("WATCHDOG_PID");
        if (usec == null) return 0;
        if (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid()))) return 0;
        try {
            long v = Long.parseLong(usec.trim());
            return v > 0 ? v : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The socket this notifier sends to. */
    public String socketPath() {
        return socketPath;
    }

    /** Sends {@code state} (newline-separated assignments, e.g. {@code "READY=1\nSTATUS=serving"}) as one datagram. */
    public void send(String state) throws IOException {
        byte[] msg = state.getBytes(StandardCharsets.UTF_8);
        byte[] path = socketPath.getBytes(StandardCharsets.UTF_8);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SUN_LEN);
            addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(path, 0, addr, ValueLayout.JAVA_BYTE, 2, path.length);
            int len = 2 + path.length;
            if (path[0] == '@') {
                addr.set(ValueLayout.JAVA_BYTE, 2, (byte) 0); // abstract namespace: no terminating NUL
            } else {
                len++; // the path's NUL (the segment is zeroed)
            }
            MemorySegment buf = arena.allocate(Math.max(1, msg.length));
            MemorySegment.copy(msg, 0, buf, ValueLayout.JAVA_BYTE, 0, msg.length);
            int fd = LibC.socket(AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC | LibC.SOCK_NONBLOCK, 0);
            try {
                LibC.sendto(fd, buf, msg.length, 0, addr, len);
            } finally {
                LibC.close(fd);
            }
        }
    }

    /** {@link #send} that reports a failure to {@code log} instead of throwing (notifications are best effort). */
    public void sendQuietly(String state, java.util.function.Consumer<String> log) {
        try {
            send(state);
        } catch (IOException | RuntimeException e) {
            log.accept("sd_notify to " + socketPath + ": " + e.getMessage());
        }
    }
}
