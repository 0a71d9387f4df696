package org.jipsec.io.unix;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Map;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The client half of jipsec's control-socket trust: before {@code setkey} sends a key or {@code sysctl} a request,
 * it asks the kernel who is listening ({@code SO_PEERCRED} of a connected Unix stream socket carries the
 * credentials the server had at listen(2), socket(7)) and talks only to root or to its own user. Whoever else
 * managed to put a socket at the path — a race on a badly chosen directory, a leftover of another user — gets
 * nothing: the connection is closed before the first byte.
 */
public final class PeerCredentials {

    /** The server at the path runs as a user the client does not trust. */
    public static final class UntrustedServerException extends IOException {
        public UntrustedServerException(String message) {
            super(message);
        }
    }

    private PeerCredentials() {}

    /** Connects to {@code path} and returns the channel once the listener's uid is root's or this process's. */
    public static SocketChannel connectTrusted(Path path) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(path));
            requireTrustedServer(ch, path);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Throws {@link UntrustedServerException} unless the peer of {@code ch} is root or this process's user. */
    public static void requireTrustedServer(SocketChannel ch, Path path) throws IOException {
        UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        int uid = SocketPaths.euid();
        if (ownerIsPeer(path, peer, uid)) return;
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        UserPrincipal root = users.lookupPrincipalByName("0");
        UserPrincipal self = users.lookupPrincipalByName(Integer.toString(uid));
        if (!peer.user().equals(root) && !peer.user().equals(self)) {
            throw new UntrustedServerException("refusing to talk to " + path + ": its server runs as user "
                    + peer.user().getName() + ", neither root nor this process's uid " + uid);
        }
    }

    /**
     * The usual case without a user lookup by name: the socket file's owner (uid and principal from one stat) is
     * the peer ({@link UserPrincipal#equals} compares the uids) and is root or {@code euid}. A lookup of "0" or of a
     * uid as a name misses in every NSS module before it falls back to the number (with systemd's, a dlopen and a
     * userdb query: milliseconds at every setkey call). Anything else — another owner, a file replaced meanwhile, an
     * attribute the file system lacks — is left to the lookups, which decide as before.
     */
    private static boolean ownerIsPeer(Path path, UnixDomainPrincipal peer, int euid) {
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:uid,owner");
            return a.get("uid") instanceof Integer fileUid
                    && (fileUid == 0 || fileUid == euid)
                    && a.get("owner") instanceof UserPrincipal owner
                    && peer.user().equals(owner);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
