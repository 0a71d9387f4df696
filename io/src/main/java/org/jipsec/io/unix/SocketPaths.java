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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where jipsecd may put its control sockets, and what it may delete there — "trust nothing on the filesystem".
 *
 * <p>The rule is OpenSSH's {@code StrictModes} ({@code safe_path()} in OpenSSH's misc.c): every component of the
 * path, from {@code /} down to the socket's directory, must be owned by root or by the daemon's own user and must
 * not be writable by group or others — otherwise another user could rename a directory away and put their own in
 * its place, so that clients talk to their socket. One addition: a directory with the sticky bit (mode 1000),
 * owned by root or by us, stays allowed even when everybody may write to it ({@code /tmp}): there nobody but the
 * entry's owner can remove or rename an entry (unlink(2), rename(2), EPERM on a sticky directory), so the
 * entries below it are ours alone once the check below has seen that they belong to us. Symbolic links are
 * checked where they stand (the link is owned by root or us, its directory is safe) and then followed; the real
 * path is checked again, component by component.
 *
 * <p>An existing file at the socket's path is never deleted unless {@link #staleSocket} proves it is a socket
 * file owned by us that nobody answers on; a regular file, a directory, a symbolic link, a socket of another
 * user or a live socket are refused with a message naming what was found.
 */
public final class SocketPaths {

    /**
     * A socket that belongs beside a gateway's PF_KEY socket {@code pfkey}, for {@code role} ("sysctl", "ike"): in the
     * same directory, named after it — {@code pfkey} becomes {@code role}, a name ending in {@code pfkey} gets that
     * ending replaced ({@code gw1.pfkey} → {@code gw1.<role>}, {@code gw1-pfkey} → {@code gw1-<role>}), any other
     * name gets {@code .<role>} appended. Two gateways whose PF_KEY sockets share a directory thus never collide.
     *
     * @return the derived path, or {@code /run/jipsec/<role>} for a path without a file name
     */
    public static Path besidePfkey(Path pfkey, String role) {
        Path abs = pfkey.toAbsolutePath();
        Path name = abs.getFileName();
        if (name == null) return Path.of("/run/jipsec", role);
        String n = name.toString();
        return abs.resolveSibling(
                n.endsWith("pfkey") ? n.substring(0, n.length() - "pfkey".length()) + role : n + "." + role);
    }

    /** The path cannot be used for a control socket: the message says why. */
    public static final class UnsafePathException extends IOException {
        public UnsafePathException(String message) {
            super(message);
        }
    }

    /** What {@link #staleSocket} found at a path. */
    public enum Existing {
        /** Nothing: the path is free. */
        ABSENT,
        /** A socket file owned by us on which connect(2) is refused: left by a server that is gone; may be deleted. */
        STALE_SOCKET,
        /** A socket file someone is listening on. */
        LIVE_SOCKET,
        /** A socket file owned by another user. */
        FOREIGN_SOCKET,
        /** A symbolic link (never followed, never deleted). */
        SYMLINK,
        /** Anything else: regular file, directory, FIFO, device. */
        OTHER
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFDIR = 0040000;
    private static final int S_ISVTX = 01000;
    private static final int MAX_LINKS = 40; // Linux's MAXSYMLINKS: more links than this is ELOOP

    private SocketPaths() {}

    /** The daemon's effective uid (the "Uid:" line of /proc/self/status: real, effective, saved, filesystem). */
    public static int euid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:"))
                    return Integer.parseInt(line.substring(4).trim().split("\\s+", -1)[1]);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the process's uid from /proc/self/status", e);
        }
        throw new IllegalStateException("no Uid line in /proc/self/status");
    }

    /**
     * Makes {@code socket}'s path ready for bind(2): checks the directories above the deepest existing one,
     * creates the missing ones mode 0700, checks the whole directory path ({@link #checkDirectory}), then looks at
     * what is at {@code socket}: nothing — fine; a stale socket of ours — deleted; anything else — refused.
     */
    public static void prepare(Path socket) throws IOException {
        Path abs = socket.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        if (dir == null) throw new UnsafePathException(abs + ": not a path for a socket");
        int uid = euid();
        Path existing = dir;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
        if (existing == null) throw new UnsafePathException(dir + ": no existing directory above it");
        check(existing, uid, 0); // never create anything inside an unsafe directory
        if (!existing.equals(dir)) {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        check(dir, uid, 0);
        Existing found = staleSocket(abs);
        switch (found) {
            case ABSENT -> {}
            case STALE_SOCKET -> Files.deleteIfExists(abs);
            default -> throw new UnsafePathException(refusal(abs, found));
        }
    }

    /** The message for a path {@link #prepare} will not touch. */
    static String refusal(Path p, Existing found) {
        return switch (found) {
            case LIVE_SOCKET -> p + " is in use by a running server";
            case FOREIGN_SOCKET -> p + " is a socket of another user (uid " + ownerOf(p) + "); not removed";
            case SYMLINK -> p + " is a symbolic link; not followed, not removed";
            case OTHER -> p + " exists and is not a socket; not removed";
            default -> p + ": " + found;
        };
    }

    private static String ownerOf(Path p) {
        try {
            return String.valueOf(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * What is at {@code path}, judged without following a symbolic link there. {@link Existing#STALE_SOCKET} — and
     * only that — is a file jipsec may delete: a socket file owned by this process's effective uid on which
     * connect(2) fails with ECONNREFUSED, i.e. nobody listens on it any more. (A server whose backlog is full may
     * also refuse; it is then refused later by bind(2), never silently replaced, since the caller deletes only
     * what this method calls stale and then binds, and bind fails on an existing path.) Reusable by
     * {@code jipsec gateway --cleanup}.
     */
    public static Existing staleSocket(Path path) throws IOException {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(path, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Existing.ABSENT;
        }
        int type = (Integer) a.get("mode") & S_IFMT;
        if (type == S_IFLNK) return Existing.SYMLINK;
        if (type != S_IFSOCK) return Existing.OTHER;
        if ((Integer) a.get("uid") != euid()) return Existing.FOREIGN_SOCKET;
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.configureBlocking(false); // a live server with a full backlog must not hang the probe
            probe.connect(UnixDomainSocketAddress.of(path));
            return Existing.LIVE_SOCKET;
        } catch (ConnectException e) {
            return Existing.STALE_SOCKET; // ECONNREFUSED: no listener behind the file
        } catch (IOException e) {
            return Existing.LIVE_SOCKET; // anything else: not provably stale
        }
    }

    /**
     * Deletes {@code path} if, and only if, {@link #staleSocket} proves it is our own socket that nobody answers on
     * (for {@code jipsec gateway --cleanup} and the like); returns what was found there, {@link Existing#STALE_SOCKET}
     * meaning "it was, and it is gone".
     */
    public static Existing removeIfStale(Path path) throws IOException {
        Existing found = staleSocket(path);
        if (found == Existing.STALE_SOCKET) Files.deleteIfExists(path);
        return found;
    }

    /** Checks that {@code dir} and every directory above it are safe for a control socket ({@link SocketPaths}). */
    public static void checkDirectory(Path dir) throws IOException {
        check(dir.toAbsolutePath().normalize(), euid(), 0);
    }

    /** Walks {@code p} from the root down; symbolic links are checked, then their targets (depth-bounded). */
    private static void check(Path p, int uid, int links) throws IOException {
        Path walked = p.getRoot();
        checkComponent(walked, uid);
        for (Path name : p) {
            Path next = walked.resolve(name);
            Map<String, Object> a = attributes(next);
            int mode = (Integer) a.get("mode");
            int owner = (Integer) a.get("uid");
            if (owner != 0 && owner != uid) {
                throw new UnsafePathException(next + " is owned by uid " + owner + ", not by root or the daemon's uid "
                        + uid + " (OpenSSH StrictModes rule)");
            }
            if ((mode & S_IFMT) == S_IFLNK) {
                if (links >= MAX_LINKS) throw new UnsafePathException(p + ": too many symbolic links");
                Path target = next.toRealPath(); // resolves this link and any below it
                check(target, uid, links + 1);
                walked = target;
                continue;
            }
            checkMode(next, mode);
            walked = next;
        }
    }

    private static void checkComponent(Path p, int uid) throws IOException {
        Map<String, Object> a = attributes(p);
        int owner = (Integer) a.get("uid");
        if (owner != 0 && owner != uid) {
            throw new UnsafePathException(p + " is owned by uid " + owner + ", not by root or the daemon's uid " + uid);
        }
        checkMode(p, (Integer) a.get("mode"));
    }

    /** A directory writable by group or others is refused unless sticky; anything but a directory is refused. */
    private static void checkMode(Path p, int mode) throws UnsafePathException {
        if ((mode & S_IFMT) != S_IFDIR) throw new UnsafePathException(p + " is not a directory");
        if ((mode & 022) != 0 && (mode & S_ISVTX) == 0) {
            throw new UnsafePathException(
                    p + " is writable by " + ((mode & 002) != 0 ? "everybody" : "its group")
                            + " (mode " + Integer.toOctalString(mode & 07777)
                            + ") and not sticky: another user could replace"
                            + " the socket; use a directory only root or the daemon's user can write to (OpenSSH StrictModes rule)");
        }
    }

    private static Map<String, Object> attributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new UnsafePathException(p + " does not exist");
        }
    }
}
