package org.jipsec.io.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jipsec.io.pfkey.PfkeyClient;
import org.jipsec.io.sysctl.SysctlClient;
import org.jipsec.testkit.RequiresRoot;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * setkey's, sysctl's and jipsec ike's clients talk only to a server running as root or as their own user (issue #12 item 5): a
 * listener run as {@code nobody} (python3 under setpriv) at the path gets the connection closed before one byte.
 * Needs root and setpriv; fails instead of skipping under CI=true.
 */
class PeerCredentialsTest {

    static final String LISTENER = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(sys.argv[1]); s.listen(8)
            print("ready", flush=True)
            while True:
                c, _ = s.accept()
                n = 0
                while True:
                    d = c.recv(65536)
                    if not d: break
                    n += len(d)
                print("got", n, flush=True)
                c.close()
            """;

    @TempDir
    Path dir;

    @Test
    @RequiresRoot
    @RequiresTool({"setpriv", "/usr/bin/python3"})
    void clientsRefuseAServerOfAnotherUserBeforeSendingAnything() throws Exception {
        boolean ok = SocketPaths.euid() == 0
                && Files.isExecutable(Path.of("/usr/bin/setpriv"))
                && Files.isExecutable(Path.of("/usr/bin/python3"));
        if (!ok && "true".equals(System.getenv("CI"))) throw new AssertionError("CI needs root, setpriv and python3");
        Assumptions.assumeTrue(ok, "needs root, setpriv and /usr/bin/python3");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // nobody binds here
        Path sock = dir.resolve("pfkey");
        Process p = new ProcessBuilder(
                        "/usr/bin/setpriv",
                        "--reuid=65534",
                        "--regid=65534",
                        "--clear-groups",
                        "/usr/bin/python3",
                        "-c",
                        LISTENER,
                        sock.toString())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            assertEquals(65534, (int) (Integer) Files.getAttribute(sock, "unix:uid"));

            IOException pf = assertThrows(
                    IOException.class, () -> PfkeyClient.connect(sock).close());
            assertTrue(
                    pf.getMessage().contains("refusing to talk to " + sock + ": its server runs as user nobody"),
                    pf.getMessage());
            IOException sc = assertThrows(
                    IOException.class, () -> SysctlClient.connect(sock).close());
            assertTrue(sc.getMessage().contains("neither root nor this process's uid 0"), sc.getMessage());

            IOException ik = assertThrows(
                    IOException.class,
                    () -> org.jipsec.io.ike.IkeControlClient.connect(sock).close());
            assertTrue(
                    ik.getMessage().contains("refusing to talk to " + sock + ": its server runs as user nobody"),
                    ik.getMessage());

            // the socket file's owner is only a shortcut when it is the peer: a file given to root (or to this user)
            // with someone else listening behind it is still refused
            Files.setOwner(
                    sock, sock.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root"));
            assertEquals(0, (int) (Integer) Files.getAttribute(sock, "unix:uid"));
            IOException owned = assertThrows(
                    IOException.class, () -> PfkeyClient.connect(sock).close());
            assertTrue(
                    owned.getMessage().contains("refusing to talk to " + sock + ": its server runs as user nobody"),
                    owned.getMessage());

            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 4; i++) seen.add(out.readLine());
            assertEquals(List.of("got 0", "got 0", "got 0", "got 0"), seen, "the listener received nothing");
        } finally {
            p.destroy();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        }
        assertFalse(p.isAlive());
    }
}
