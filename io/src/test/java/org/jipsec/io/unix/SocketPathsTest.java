package org.jipsec.io.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.io.sysctl.SysctlServer;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the control sockets may be created, and what the daemon may delete (issue #12 item 5): every directory on
 * the path owned by root or us and not writable by others unless sticky (OpenSSH StrictModes); an existing path
 * replaced only when it is our own stale socket. Through {@link PrivateSocketListener} (PF_KEY's and sysctl's) and
 * {@link SysctlServer}. Needs root (to give files to another user); fails instead of skipping under CI=true.
 */
@RequiresRoot
class SocketPathsTest {

    @TempDir
    Path dir;

    final List<AutoCloseable> open = new ArrayList<>();
    UserPrincipal nobody;

    @BeforeEach
    void needRoot() throws IOException {
        boolean root = SocketPaths.euid() == 0;
        if (!root && "true".equals(System.getenv("CI"))) throw new AssertionError("CI runs these tests as root");
        Assumptions.assumeTrue(root, "needs root (chown to another user)");
        nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    PrivateSocketListener listen(Path p) throws IOException {
        PrivateSocketListener l = PrivateSocketListener.open(p, "test", SocketChannel::close);
        open.add(l);
        return l;
    }

    static Path mkdir(Path p, String mode) throws IOException {
        Files.createDirectories(p);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    /** chmod with the sticky bit, which PosixFilePermissions cannot express. */
    static void chmod(Path p, String octal) throws Exception {
        Process c = new ProcessBuilder("chmod", octal, p.toString()).inheritIO().start();
        assertEquals(0, c.waitFor());
    }

    @Test
    void aWorldWritableDirectoryIsRefusedAndNothingIsCreatedInIt() throws Exception {
        Path open = mkdir(dir.resolve("open"), "rwxrwxrwx");
        IOException e = assertThrows(IOException.class, () -> listen(open.resolve("pfkey")));
        assertTrue(e.getMessage().contains(open + " is writable by everybody"), e.getMessage());
        assertFalse(Files.exists(open.resolve("pfkey"), LinkOption.NOFOLLOW_LINKS));
        // the same for a missing directory below it: not created
        assertThrows(IOException.class, () -> listen(open.resolve("run/pfkey")));
        assertFalse(Files.exists(open.resolve("run")));
        // and for the sysctl server
        IOException s = assertThrows(
                IOException.class, () -> SysctlServer.start(Sysctl.withNetbsdDefaults(), open.resolve("sysctl")));
        assertTrue(s.getMessage().contains("writable by everybody"), s.getMessage());
    }

    @Test
    void aGroupWritableDirectoryAboveIsRefused() throws Exception {
        Path g = mkdir(dir.resolve("g"), "rwxrwx---");
        Path below = mkdir(g.resolve("below"), "rwx------");
        IOException e = assertThrows(IOException.class, () -> listen(below.resolve("pfkey")));
        assertTrue(e.getMessage().contains(g + " is writable by its group"), e.getMessage());
    }

    @Test
    void aDirectoryOfAnotherUserIsRefused() throws Exception {
        Path theirs = mkdir(dir.resolve("theirs"), "rwx------");
        Files.setOwner(theirs, nobody);
        IOException e = assertThrows(IOException.class, () -> listen(theirs.resolve("pfkey")));
        assertTrue(e.getMessage().contains(theirs + " is owned by uid 65534"), e.getMessage());
    }

    @Test
    void aRootOwnedStickyDirectoryIsAllowedButAnEntryAnotherUserHoldsThereIsNot() throws Exception {
        Path tmp = mkdir(dir.resolve("tmp"), "rwxrwxrwx");
        chmod(tmp, "1777");
        PrivateSocketListener l = listen(tmp.resolve("pfkey"));
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(l.path()))) {
            assertTrue(c.isConnected());
        }
        // another user got there first with a directory of their own: refused
        Path sub = mkdir(tmp.resolve("jipsec"), "rwx------");
        Files.setOwner(sub, nobody);
        IOException e = assertThrows(IOException.class, () -> listen(sub.resolve("pfkey")));
        assertTrue(e.getMessage().contains("owned by uid 65534"), e.getMessage());
        // ... or with a file at the very path
        Path held = tmp.resolve("sysctl");
        Files.writeString(held, "theirs");
        Files.setOwner(held, nobody);
        IOException f = assertThrows(IOException.class, () -> SysctlServer.start(Sysctl.withNetbsdDefaults(), held));
        assertTrue(f.getMessage().contains("not a socket; not removed"), f.getMessage());
        assertEquals("theirs", Files.readString(held));
    }

    @Test
    void aRegularFileAtThePathIsRefusedAndKept() throws Exception {
        Path run = mkdir(dir.resolve("run"), "rwx------");
        Path p = run.resolve("pfkey");
        Files.writeString(p, "precious");
        IOException e = assertThrows(IOException.class, () -> listen(p));
        assertTrue(e.getMessage().contains(p + " exists and is not a socket; not removed"), e.getMessage());
        assertEquals("precious", Files.readString(p));
    }

    @Test
    void aSymlinkAtThePathIsRefusedAndNeitherItNorItsTargetIsTouched() throws Exception {
        Path run = mkdir(dir.resolve("run"), "rwx------");
        Path target = run.resolve("target");
        Files.writeString(target, "precious");
        Path p = run.resolve("pfkey");
        Files.createSymbolicLink(p, target);
        IOException e = assertThrows(IOException.class, () -> listen(p));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertTrue(Files.isSymbolicLink(p));
        assertEquals("precious", Files.readString(target));
    }

    @Test
    void anotherUsersSocketAtThePathIsRefusedAndKept() throws Exception {
        Path run = mkdir(dir.resolve("run"), "rwx------");
        Path p = run.resolve("pfkey");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(p));
        } // closed: nobody answers on it, but it is not ours
        Files.setOwner(p, nobody);
        IOException e = assertThrows(IOException.class, () -> listen(p));
        assertTrue(e.getMessage().contains("socket of another user (uid 65534); not removed"), e.getMessage());
        assertTrue(Files.exists(p, LinkOption.NOFOLLOW_LINKS));
        assertEquals(SocketPaths.Existing.FOREIGN_SOCKET, SocketPaths.staleSocket(p));
    }

    @Test
    void aStaleSocketOfOursIsReplacedAndALiveOneIsNot() throws Exception {
        Path run = mkdir(dir.resolve("run"), "rwx------");
        Path p = run.resolve("pfkey");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(p)); // a server that died without removing its file
        }
        assertEquals(SocketPaths.Existing.STALE_SOCKET, SocketPaths.staleSocket(p));
        assertEquals(SocketPaths.Existing.STALE_SOCKET, SocketPaths.removeIfStale(p));
        assertFalse(Files.exists(p, LinkOption.NOFOLLOW_LINKS));
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(p)); // and again: left for the listener to replace
        }
        PrivateSocketListener l = listen(p);
        assertEquals(SocketPaths.Existing.LIVE_SOCKET, SocketPaths.removeIfStale(p));
        assertTrue(Files.exists(p, LinkOption.NOFOLLOW_LINKS), "a live socket is never removed");
        IOException e =
                assertThrows(IOException.class, () -> PrivateSocketListener.open(p, "second", SocketChannel::close));
        assertTrue(e.getMessage().contains("in use by a running server"), e.getMessage());
        l.close();
        assertFalse(Files.exists(p, LinkOption.NOFOLLOW_LINKS), "our own socket file is removed on close");
        assertEquals(SocketPaths.Existing.ABSENT, SocketPaths.staleSocket(p));
    }

    @Test
    void closeLeavesAFileThatReplacedOurSocket() throws Exception {
        Path run = mkdir(dir.resolve("run"), "rwx------");
        Path p = run.resolve("pfkey");
        PrivateSocketListener l = PrivateSocketListener.open(p, "test", SocketChannel::close);
        Files.delete(p);
        Files.writeString(p, "someone else's");
        l.close();
        assertEquals("someone else's", Files.readString(p));
    }

    @Test
    void missingDirectoriesAreCreatedPrivateAndSymlinkedDirectoriesAreCheckedWhereTheyLead() throws Exception {
        Path p = dir.resolve("a/b/pfkey");
        listen(p);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b"))));
        // a link (ours, in a safe directory) to a safe directory: fine
        Path real = mkdir(dir.resolve("real"), "rwx------");
        Files.createSymbolicLink(dir.resolve("link"), real);
        listen(dir.resolve("link/pfkey"));
        assertTrue(Files.exists(real.resolve("pfkey"), LinkOption.NOFOLLOW_LINKS));
        // a link to a world-writable directory: refused
        Path open = mkdir(dir.resolve("open"), "rwxrwxrwx");
        Files.createSymbolicLink(dir.resolve("badlink"), open);
        IOException e = assertThrows(IOException.class, () -> listen(dir.resolve("badlink/pfkey")));
        assertTrue(e.getMessage().contains("writable by everybody"), e.getMessage());
        // a link owned by another user: refused even though it leads somewhere safe
        Path theirs = dir.resolve("theirlink");
        Files.createSymbolicLink(theirs, real);
        Files.getFileAttributeView(theirs, FileOwnerAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setOwner(nobody);
        assertEquals(65534, (int) (Integer) Files.getAttribute(theirs, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        IOException t = assertThrows(IOException.class, () -> listen(theirs.resolve("sysctl")));
        assertTrue(t.getMessage().contains("owned by uid 65534"), t.getMessage());
    }
}
