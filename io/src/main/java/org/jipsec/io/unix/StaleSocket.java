package org.jipsec.io.unix;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Whether a Unix socket path is left over by a server that is gone, proven rather than guessed: the path itself (not
 * a symbolic link's target) is a socket, and connecting to it is refused ({@code ECONNREFUSED}: no one listens on
 * it). Anything else — no file, another kind of file, a server that answers or whose backlog is full, a connect the
 * caller may not make — is not stale, and {@link #removeIfStale} leaves it alone.
 */
public final class StaleSocket {

    /** What {@link #probe} found at a path. */
    public enum State {
        /** Nothing there. */
        ABSENT,
        /** A socket someone listens on (or whose backlog is full). */
        LIVE,
        /** A socket whose connect is refused: its server is gone. */
        STALE,
        /** Not a socket (a regular file, a directory, a symbolic link…). */
        NOT_A_SOCKET,
        /** A socket whose state could not be proven either way (permission denied…). */
        UNKNOWN
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private StaleSocket() {}

    public static State probe(Path path) {
        Objects.requireNonNull(path);
        Object key;
        try {
            if (!isSocket(path)) return State.NOT_A_SOCKET;
            key = fileKey(path);
        } catch (NoSuchFileException e) {
            return State.ABSENT;
        } catch (IOException | UnsupportedOperationException e) {
            return State.UNKNOWN;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.configureBlocking(false);                   // a full backlog must not block the probe
            ch.connect(UnixDomainSocketAddress.of(path));  // connected, or pending: someone listens
            return State.LIVE;
        } catch (ConnectException e) {
            // refused — but only the file we looked at: a new server may have bound a new file meanwhile
            try {
                return key != null && key.equals(fileKey(path)) ? State.STALE : State.UNKNOWN;
            } catch (IOException ex) {
                return State.UNKNOWN;
            }
        } catch (IOException e) {
            return State.UNKNOWN;
        }
    }

    /** Removes {@code path} if {@link #probe} proves it a stale socket; true when removed. */
    public static boolean removeIfStale(Path path) throws IOException {
        if (probe(path) != State.STALE) return false;
        return Files.deleteIfExists(path);
    }

    private static boolean isSocket(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & S_IFMT) == S_IFSOCK;
    }

    private static Object fileKey(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }
}
