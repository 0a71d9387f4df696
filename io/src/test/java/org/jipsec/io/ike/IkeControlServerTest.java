package org.jipsec.io.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.jipsec.core.ike.control.AdminResult;
import org.jipsec.core.ike.control.IkeAdmin;
import org.jipsec.core.ike.control.IkeControlCodec;
import org.jipsec.core.ike.control.IkeStatus;
import org.jipsec.io.unix.SocketPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** iked's control socket served in-JVM to the real client, and to raw clients that break the protocol. */
class IkeControlServerTest {
    @TempDir
    Path dir;

    /** Records calls; "boom" makes it throw, "nope" refuses. */
    static final class FakeAdmin implements IkeAdmin {
        final List<String> calls = new CopyOnWriteArrayList<>();
        IkeStatus status = new IkeStatus(
                List.of("home"),
                List.of(new IkeStatus.IkeSaStatus(
                        "home",
                        7,
                        "ESTABLISHED",
                        true,
                        "192.0.2.1[500]",
                        "192.0.2.2[500]",
                        "a.example",
                        "b.example",
                        "0102030405060708",
                        "1112131415161718",
                        "AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_256",
                        false,
                        false,
                        12,
                        3000,
                        List.of(new IkeStatus.ChildSaStatus(
                                "net",
                                3,
                                "INSTALLED",
                                "tunnel",
                                false,
                                "c0000001",
                                "c0000002",
                                "AES_GCM_16-256",
                                List.of("10.0.1.0/24"),
                                List.of("10.0.2.0/24"),
                                840,
                                10,
                                1680,
                                20,
                                12,
                                1000)))));

        @Override
        public IkeStatus status() {
            calls.add("status");
            return status;
        }

        @Override
        public AdminResult initiate(String n) {
            return act("initiate", n);
        }

        @Override
        public AdminResult terminate(String n) {
            return act("terminate", n);
        }

        @Override
        public AdminResult rekey(String n) {
            return act("rekey", n);
        }

        private AdminResult act(String op, String n) {
            calls.add(op + " " + n);
            if (n.equals("boom")) throw new IllegalStateException("engine exploded");
            if (n.equals("nope")) return AdminResult.refused("no connection or child named 'nope'");
            return AdminResult.ok(op + " " + n + " done");
        }
    }

    @Test
    void theClientCarriesEveryCommandAndTheStatus() throws Exception {
        FakeAdmin admin = new FakeAdmin();
        Path sock = dir.resolve("iked.ctl");
        try (IkeControlServer server = IkeControlServer.start(admin, sock);
                IkeControlClient client = IkeControlClient.connect(sock)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            assertEquals(admin.status, client.status());
            assertEquals(AdminResult.ok("initiate home done"), client.initiate("home"));
            assertEquals(AdminResult.ok("rekey net done"), client.rekey("net"));
            assertEquals(AdminResult.ok("terminate home done"), client.terminate("home"));
            assertEquals(AdminResult.refused("no connection or child named 'nope'"), client.initiate("nope"));
            // an exception of the daemon is a refusal for the client, counted, and the connection stays usable
            AdminResult r = client.rekey("boom");
            assertFalse(r.ok());
            assertEquals("iked failed to carry out the request (see its log)", r.message());
            assertEquals(1, server.adminFailures());
            assertEquals(admin.status, client.status());
            assertEquals(
                    List.of(
                            "status",
                            "initiate home",
                            "rekey net",
                            "terminate home",
                            "initiate nope",
                            "rekey boom",
                            "status"),
                    admin.calls);
            assertEquals(7, server.requests());
        }
        assertFalse(Files.exists(sock), "close removes the socket file");
    }

    private static SocketChannel raw(Path sock) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(sock));
        return ch;
    }

    /** Reads what the server sends until it closes the connection. */
    private static byte[] drain(SocketChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1 << 16);
        while (ch.read(b) >= 0) {
            if (!b.hasRemaining()) throw new IOException("too much");
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    @Test
    void malformedAndOversizedFramesAreAnsweredCountedAndClosed() throws Exception {
        FakeAdmin admin = new FakeAdmin();
        Path sock = dir.resolve("iked.ctl");
        String[][] cases = {
            {"0201000000000000", "unsupported version 2"},
            {"01020000ffffffff", "body of 4294967295 bytes, over the limit of 1024"},
            {"0102000000000004" + "0002c328", "name: not UTF-8"},
            {"0181000000000000", "unknown request type 129"},
        };
        try (IkeControlServer server = IkeControlServer.start(admin, sock)) {
            int n = 0;
            for (String[] c : cases) {
                try (SocketChannel ch = raw(sock)) {
                    ch.write(ByteBuffer.wrap(HexFormat.of().parseHex(c[0])));
                    IkeControlCodec.Response r = IkeControlCodec.decodeResponse(drain(ch));
                    assertEquals(new IkeControlCodec.Response.ProtocolError(c[1]), r);
                }
                assertEquals(++n, server.malformedFrames());
            }
            // a client that leaves mid-frame costs nothing and is not answered
            try (SocketChannel ch = raw(sock)) {
                ch.write(ByteBuffer.wrap(HexFormat.of().parseHex("01020000000000100004")));
                ch.shutdownOutput();
                assertEquals(0, drain(ch).length);
            }
            assertTrue(admin.calls.isEmpty(), "nothing malformed reached the admin: " + admin.calls);
            try (IkeControlClient client = IkeControlClient.connect(sock)) {
                assertEquals(admin.status, client.status()); // still serving
            }
        }
    }

    @Test
    void atMostSixteenClientsAtOnce() throws Exception {
        Path sock = dir.resolve("iked.ctl");
        List<SocketChannel> idle = new ArrayList<>();
        try (IkeControlServer server = IkeControlServer.start(new FakeAdmin(), sock)) {
            for (int i = 0; i < IkeControlServer.MAX_CLIENTS; i++) idle.add(raw(sock));
            SocketChannel extra = raw(sock);
            idle.add(extra);
            assertEquals(0, drain(extra).length, "the 17th connection is closed at once");
            waitFor(server::busyRefused, 1);
            idle.removeFirst().close();
            // a slot is free again once the server has seen the close
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (true) {
                try (IkeControlClient c = IkeControlClient.connect(sock)) {
                    c.status();
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) throw e;
                    Thread.sleep(20);
                }
            }
        } finally {
            for (SocketChannel c : idle) c.close();
        }
    }

    private static void waitFor(LongSupplier counter, long want) throws InterruptedException {
        for (int i = 0; i < 500 && counter.getAsLong() < want; i++) Thread.sleep(10);
        assertEquals(want, counter.getAsLong());
    }

    @Test
    void noDaemonIsAClearMessage() throws Exception {
        Path sock = dir.resolve("iked.ctl");
        IOException e =
                assertThrows(IkeControlClient.NotListeningException.class, () -> IkeControlClient.connect(sock));
        assertEquals("no jipsec iked listening on " + sock, e.getMessage());
        // a socket file left behind by a daemon that is gone
        IkeControlServer.start(new FakeAdmin(), sock).close();
        try (java.nio.channels.ServerSocketChannel s =
                java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(sock));
        }
        assertEquals(SocketPaths.Existing.STALE_SOCKET, SocketPaths.staleSocket(sock));
        e = assertThrows(IkeControlClient.NotListeningException.class, () -> IkeControlClient.connect(sock));
        assertEquals("no jipsec iked listening on " + sock, e.getMessage());
    }
}
