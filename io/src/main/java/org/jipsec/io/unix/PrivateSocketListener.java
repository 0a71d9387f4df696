package org.jipsec.io.unix;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.atomic.AtomicLong;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * A Unix domain stream socket that only root and the daemon's own user may use — jipsecd's PF_KEY and sysctl
 * endpoints both listen through one. The path is prepared by {@link SocketPaths#prepare}: every directory above
 * it must be owned by root or the daemon's user and not writable by others (OpenSSH's StrictModes; a root-owned
 * sticky directory such as /tmp is fine), missing directories are created mode 0700, and an existing file there is
 * replaced only when it is a stale socket of ours — anything else is refused, never deleted. The new file is set
 * mode 0600 right after bind, and every accepted connection whose {@code SO_PEERCRED} user is neither root nor the
 * owner of the socket file is closed and counted before the handler sees it.
 *
 * <p>The accept loop ends only with {@link #close()}: a failing accept(2) — EMFILE or ENFILE when descriptors run
 * out, ENOMEM, ECONNABORTED — is logged once per episode and retried with an exponential back-off (10 ms up to
 * 1 s), the way a kernel keeps its listening socket whatever one accept costs. {@link #close()} stops accepting and
 * removes the socket file if it is still ours.
 */
public final class PrivateSocketListener implements Closeable {
    private static final Logger LOG = System.getLogger(PrivateSocketListener.class.getName());

    /** Takes over an accepted connection from an allowed peer. */
    @FunctionalInterface
    public interface Handler {
        void accepted(SocketChannel ch) throws IOException;
    }

    private final Path path;
    private final String name;
    private final Handler handler;
    private final ServerSocketChannel server;
    private final UserPrincipal self;
    private final UserPrincipal root;
    private static final long MIN_BACKOFF_MILLIS = 10;
    private static final long MAX_BACKOFF_MILLIS = 1000;

    private final AtomicLong refusedPeers = new AtomicLong();
    private final AtomicLong acceptFailures = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean closed;

    private PrivateSocketListener(Path path, String name, Handler handler) throws IOException {
        this.path = path;
        this.name = name;
        this.handler = handler;
        SocketPaths.prepare(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path)); // fails on an existing path: nothing is overwritten
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            server.close();
            throw e;
        }
        self = Files.getOwner(path);
        root = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root");
        // the log formatter reads the time zone database on first use: load it now, not when descriptors run out
        var unusedZone = java.time.ZoneId.systemDefault();
        acceptor = Thread.ofPlatform().name(name + "-accept").daemon().start(this::acceptLoop);
    }

    /**
     * Binds {@code path} and starts accepting on a daemon thread; {@code name} names the thread and the log lines
     * ("pfkey", "sysctl").
     */
    public static PrivateSocketListener open(Path path, String name, Handler handler) throws IOException {
        return new PrivateSocketListener(path, name, handler);
    }

    public Path path() {
        return path;
    }

    /** Connections refused by the SO_PEERCRED check. */
    public long refusedPeers() {
        return refusedPeers.get();
    }

    /** Accept failures since the last successful accept (0: accepting normally). */
    public long acceptFailures() {
        return acceptFailures.get();
    }

    private void acceptLoop() {
        long backoffMillis = 0;
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                if (!closed) log(Level.ERROR, name + ": listening socket closed unexpectedly", null);
                return;
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                if (closed) return;
                // EMFILE/ENFILE/ENOMEM: the connection stays in the backlog; wait for descriptors to come back
                if (acceptFailures.getAndIncrement() == 0) {
                    log(Level.WARNING, name + ": accept failed (" + e.getMessage() + "); retrying with back-off", null);
                }
                backoffMillis =
                        backoffMillis == 0 ? MIN_BACKOFF_MILLIS : Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException ie) {
                    if (closed) return;
                }
                continue;
            }
            long failed = acceptFailures.getAndSet(0);
            if (failed > 0)
                log(Level.WARNING, name + ": accepting again after " + failed + " failed accept(2) calls", null);
            backoffMillis = 0;
            try {
                UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
                if (!peer.user().equals(root) && !peer.user().equals(self)) {
                    refusedPeers.incrementAndGet();
                    log(
                            Level.WARNING,
                            "refused " + name + " client of user " + peer.user().getName(),
                            null);
                    ch.close();
                    continue;
                }
                handler.accepted(ch);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) { // a class that cannot load for want of fds, too
                log(Level.WARNING, name + ": client setup failed", e);
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing: nothing left to tell
                }
            }
        }
    }

    /** Logs, and never lets the logging itself (which may open files when descriptors are short) end the loop. */
    private static void log(Level level, String message, Throwable thrown) {
        try {
            LOG.log(level, message, thrown);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable ignored) {
            // nothing more to do: the loop goes on
        }
    }

    /** Stops accepting (connections already handed over stay with their owner) and removes the socket file. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing: nothing left to tell
        }
        acceptor.interrupt(); // wakes a back-off sleep
        // the descriptor is really closed when the acceptor has left accept(2) (the JDK defers it until then)
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            // only our own socket file, now that nobody listens on it; never what someone put in its place
            if (SocketPaths.staleSocket(path) == SocketPaths.Existing.STALE_SOCKET) Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "removing " + path, e);
        }
    }
}
