package org.jipsec.io.unix;

import java.io.Closeable;
import java.io.IOException;
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
import java.util.logging.Level;
import java.util.logging.Logger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * A Unix domain stream socket that only root and the daemon's own user may use — jipsecd's PF_KEY and sysctl
 * endpoints both listen through one. The parent directory is created mode 0700 if missing, a stale socket file
 * (nobody answering) is replaced, a live one is refused, the new file is set mode 0600 right after bind, and every
 * accepted connection whose {@code SO_PEERCRED} user is neither root nor the owner of the socket file is closed and
 * counted before the handler sees it. {@link #close()} stops accepting and removes the socket file.
 */
public final class PrivateSocketListener implements Closeable {
    private static final Logger LOG = Logger.getLogger(PrivateSocketListener.class.getName());

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
    private final AtomicLong refusedPeers = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean closed;

    private PrivateSocketListener(Path path, String name, Handler handler) throws IOException {
        this.path = path;
        this.name = name;
        this.handler = handler;
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (Files.exists(path) && !stale(path)) throw new IOException(path + " is in use by a running server");
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        self = Files.getOwner(path);
        root = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root");
        acceptor = Thread.ofPlatform().name(name + "-accept").daemon().start(this::acceptLoop);
    }

    /**
     * Binds {@code path} and starts accepting on a daemon thread; {@code name} names the thread and the log lines
     * ("pfkey", "sysctl").
     */
    public static PrivateSocketListener open(Path path, String name, Handler handler) throws IOException {
        return new PrivateSocketListener(path, name, handler);
    }

    public Path path() { return path; }

    /** Connections refused by the SO_PEERCRED check. */
    public long refusedPeers() { return refusedPeers.get(); }

    /** True when connecting to {@code path} fails: a socket file left by a server that is gone. */
    private static boolean stale(Path path) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) LOG.log(Level.WARNING, name + ": accept failed", e);
                return;
            }
            try {
                UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
                if (!peer.user().equals(root) && !peer.user().equals(self)) {
                    refusedPeers.incrementAndGet();
                    LOG.warning("refused " + name + " client of user " + peer.user().getName());
                    ch.close();
                    continue;
                }
                handler.accepted(ch);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, name + ": client setup failed", e);
                try { ch.close(); } catch (IOException ignored) { }
            }
        }
    }

    /** Stops accepting (connections already handed over stay with their owner) and removes the socket file. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try { server.close(); } catch (IOException ignored) { }
        try { Files.deleteIfExists(path); } catch (IOException e) { LOG.log(Level.WARNING, "removing " + path, e); }
        try { acceptor.join(2000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }
}
