package org.jipsec.io.unix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleSocketTest {

    @TempDir Path dir;

    @Test
    void liveThenStaleThenRemoved() throws Exception {
        Path s = dir.resolve("sock");
        assertEquals(StaleSocket.State.ABSENT, StaleSocket.probe(s));
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(s));
        assertEquals(StaleSocket.State.LIVE, StaleSocket.probe(s));
        assertFalse(StaleSocket.removeIfStale(s));
        assertTrue(Files.exists(s));
        server.close();                                   // the file stays: a server that is gone
        assertTrue(Files.exists(s));
        assertEquals(StaleSocket.State.STALE, StaleSocket.probe(s));
        assertTrue(StaleSocket.removeIfStale(s));
        assertFalse(Files.exists(s));
    }

    @Test
    void otherFilesAndLinksAreNeverStale() throws Exception {
        Path f = Files.writeString(dir.resolve("file"), "x");
        assertEquals(StaleSocket.State.NOT_A_SOCKET, StaleSocket.probe(f));
        assertFalse(StaleSocket.removeIfStale(f));
        assertEquals(StaleSocket.State.NOT_A_SOCKET, StaleSocket.probe(dir));
        // a link to a stale socket: the link is not a socket, nothing is removed
        Path s = dir.resolve("sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(s));
        server.close();
        Path link = Files.createSymbolicLink(dir.resolve("link"), s);
        assertEquals(StaleSocket.State.NOT_A_SOCKET, StaleSocket.probe(link));
        assertFalse(StaleSocket.removeIfStale(link));
        assertTrue(Files.exists(s) && Files.isSymbolicLink(link));
    }
}
