package org.jipsec.io.sockpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.jipsec.core.engine.EngineSettings;
import org.jipsec.core.engine.IpsecEngine;
import org.jipsec.core.engine.socket.EchoFlowTable;
import org.jipsec.core.sysctl.Sysctl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket-policy socket (issue #13 item 9): a registration is validated as setsockopt(IP_IPSEC_POLICY) would be,
 * answered with the engine's view of cleartext replies, held while the connection is open and dropped when it closes;
 * bad requests get one error line, never a registration.
 */
class SocketPolicyServerTest {

    @TempDir
    Path dir;

    final Sysctl sysctl = Sysctl.withNetbsdDefaults();
    final IpsecEngine engine =
            IpsecEngine.create(sysctl, InstantSource.system(), new SecureRandom(), EngineSettings.DEFAULTS);
    final EchoFlowTable flows = new EchoFlowTable();
    static final InetAddress PEER = InetAddress.ofLiteral("10.0.0.2"), LOCAL = InetAddress.ofLiteral("10.0.0.1");

    SocketPolicyServer server() throws IOException {
        return SocketPolicyServer.start(dir.resolve("sockpolicy"), engine, new ReentrantLock(), flows, "jipsec0");
    }

    /** Sends {@code request} raw and returns the first answer line (null when closed without one). */
    static String raw(Path p, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(p));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput(); // the request is all there is
            InputStream in = Channels.newInputStream(ch);
            return SocketPolicyProtocol.readLine(in);
        }
    }

    @Test
    void aRegistrationLastsAsLongAsItsConnection() throws Exception {
        try (SocketPolicyServer s = server()) {
            assertEquals(0, sysctl.intValue("net.inet.ipsec.used"), "nothing in use yet");
            try (SocketPolicyClient c = SocketPolicyClient.registerEcho(
                    s.path(),
                    PEER,
                    77,
                    LOCAL,
                    List.of("out ipsec esp/transport//require", "in ipsec esp/transport//require"))) {
                assertFalse(c.clearAccepted(), "the in policy requires ESP: a clear reply would be refused");
                assertEquals("jipsec0", c.tun());
                assertEquals(1, flows.size());
                SocketPolicyClient.RefusedException e = assertThrows(
                        SocketPolicyClient.RefusedException.class,
                        () -> SocketPolicyClient.registerEcho(s.path(), PEER, 77, LOCAL, List.of("out bypass")));
                assertEquals("EADDRINUSE", e.errno());
                assertEquals(1, sysctl.intValue("net.inet.ipsec.used"), "key_update_used");
            }
            for (int i = 0; i < 100 && !flows.isEmpty(); i++) Thread.sleep(20);
            assertTrue(flows.isEmpty(), "closed: unregistered");
            try (SocketPolicyClient c = SocketPolicyClient.registerEcho(
                    s.path(), PEER, 77, LOCAL, List.of("in ipsec ipcomp/transport//require"))) {
                assertTrue(c.clearAccepted(), "IPComp is never enforced inbound");
            }
        }
    }

    @Test
    void badRequestsGetAnErrorAndRegisterNothing() throws Exception {
        try (SocketPolicyServer s = server()) {
            assertEquals("error EINVAL expected: echo PEER ID LOCAL", raw(s.path(), "hello\n"));
            assertTrue(raw(s.path(), "echo 10.0.0.2 70000 10.0.0.1\nend\n").startsWith("error EINVAL ICMP identifier"));
            assertTrue(raw(s.path(), "echo example.org 1 10.0.0.1\nend\n")
                    .startsWith("error EINVAL not a numeric address"));
            assertTrue(raw(s.path(), "echo fd00::2 1 10.0.0.1\nend\n").startsWith("error EAFNOSUPPORT"));
            assertTrue(raw(s.path(), "echo 10.0.0.2 1 10.0.0.1\npolicy out ipsec esp/bogus//require\nend\n")
                    .startsWith("error EINVAL "));
            assertTrue(
                    raw(s.path(), "echo 10.0.0.2 1 10.0.0.1\npolicy out discard\nend\n")
                            .startsWith("error EINVAL"),
                    "discard is no socket policy (spec §4.2)");
            assertTrue(raw(
                            s.path(),
                            "echo 10.0.0.2 1 10.0.0.1\npolicy in bypass\npolicy out bypass\npolicy in bypass\nend\n")
                    .startsWith("error EINVAL more than two"));
            String longLine = raw(s.path(), "echo 10.0.0.2 1 10.0.0.1\n" + "x".repeat(5000) + "\n");
            assertTrue(longLine.startsWith("error EINVAL line longer"), longLine);
            assertEquals(null, raw(s.path(), "echo 10.0.0.2 1 10.0.0.1\n"), "no end: closed at end of stream");
            assertEquals(8, s.refused(), "eight refusals; a request cut short is no refusal");
            assertTrue(flows.isEmpty());
        }
    }
}
