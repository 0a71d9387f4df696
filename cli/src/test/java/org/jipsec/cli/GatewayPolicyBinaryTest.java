package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jipsec.io.gateway.GatewayDaemon;
import org.jipsec.io.sockpolicy.SocketPolicyClient;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NetBSD's tests/net/ipsec/t_ipsec_policy.c {@code pr60669} against a running gateway's socket-policy socket: a binary
 * {@code sadb_x_policy} (IPSEC, two ESP tunnel/require requests with the same endpoints) given to the socket the way
 * setsockopt(IPV6_IPSEC_POLICY) takes it, for the test's 30 endpoint combinations × in and out; exactly v4/v4 and
 * v6/v6 are accepted, and the policy read back (getsockopt2) is byte for byte what was given; every other
 * combination is EINVAL, and the gateway goes on serving.
 *
 * <p>Translation of the sockaddrs: NetBSD's have {@code sa_len}; jipsec's PF_KEY layout is Linux's (16-bit family,
 * no length byte, AF_INET6 10, AF_LOCAL 1; see PfkeyCodec). The test's {@code sa1} and {@code sa0} — sockaddrs of
 * {@code sa_len} 1 and 0, of which the test copies 1 and 0 bytes — are copied the same way: one byte of an
 * AF_UNSPEC sockaddr, and nothing.
 */
@RequiresRoot
class GatewayPolicyBinaryTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void needRootAndNft() throws Exception {
        GatewayNetbsdParityTest.needRootAndNft();
    }

    static byte[] v4(String a) {
        return ByteBuffer.allocate(16)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 2)
                .putShort((short) 0)
                .put(InetAddress.ofLiteral(a).getAddress())
                .array();
    }

    static byte[] v6(String a) {
        return ByteBuffer.allocate(28)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 10)
                .putShort((short) 0)
                .putInt(0)
                .put(InetAddress.ofLiteral(a).getAddress())
                .putInt(0)
                .array();
    }

    /** Linux sockaddr_un, SUN_LEN bytes: family AF_LOCAL (1) and the path without its NUL. */
    static byte[] un(String path) {
        byte[] p = path.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(2 + p.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 1)
                .put(p)
                .array();
    }

    static final byte[] SA = new byte[16]; // AF_UNSPEC, sizeof(struct sockaddr)
    static final byte[] SA1 = new byte[1]; // sa_len 1: one byte copied
    static final byte[] SA0 = new byte[0]; // sa_len 0: nothing copied

    /** test_ipsec_policy_roundtrip's buffer: sadb_x_policy, two ESP tunnel/require requests, each padded to 8. */
    static byte[] policy(int dir, byte[] src, byte[] dst) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[16]);
        for (int i = 0; i < 2; i++) {
            int len = 8 + src.length + dst.length;
            int padded = (len + 7) & ~7;
            b.writeBytes(ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putShort((short) padded)
                    .putShort((short) 50)
                    .put((byte) 2)
                    .put((byte) 2)
                    .putShort((short) 0)
                    .array());
            b.writeBytes(src);
            b.writeBytes(dst);
            b.writeBytes(new byte[padded - len]);
        }
        byte[] x = b.toByteArray();
        ByteBuffer.wrap(x)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putShort(0, (short) (x.length / 8))
                .putShort(2, (short) 18)
                .putShort(4, (short) 2)
                .put(6, (byte) dir);
        return x;
    }

    @Test
    void pr60669() throws Exception {
        byte[][] v4 = {v4("192.0.2.42"), v4("192.51.100.54")};
        byte[][] v6 = {v6("2001:db8:1::1"), v6("2001:db8:2::1")};
        byte[][] un = {un("/socket0"), un("/socket1")};
        // the test's table C: {src, dst, accepted}
        record Case(String name, byte[] src, byte[] dst, boolean ok) {}
        List<Case> cases = new ArrayList<>();
        String[] names = {"v4", "v6", "un", "sa", "sa1", "sa0"};
        byte[][] srcs = {v4[0], v6[0], un[0], SA, SA1};
        byte[][] dsts = {v4[1], v6[1], un[1], SA, SA1, SA0};
        for (int s = 0; s < srcs.length; s++) {
            for (int d = 0; d < dsts.length; d++) {
                cases.add(new Case(names[s] + "/" + names[d], srcs[s], dsts[d], s == d && s < 2));
            }
        }
        assertEquals(30, cases.size());
        InetAddress peer = InetAddress.ofLiteral("fd00:6066:9::2"), local = InetAddress.ofLiteral("fd00:6066:9::1");
        try (GatewayLab g = new GatewayLab(dir)) {
            g.policyGuard = false;
            String ns = g.lab.namespace();
            GatewayDaemon gw = g.gateway(ns, "");
            assertNotNull(gw.socketPolicies(), g.logs.toString());
            Path sock = gw.socketPolicies().path();
            int id = 0, accepted = 0, refused = 0;
            for (Case c : cases) {
                for (int dir : new int[] {1, 2}) { // IPSEC_DIR_INBOUND, IPSEC_DIR_OUTBOUND
                    String what = "case " + c.name() + (dir == 1 ? " inbound" : " outbound");
                    byte[] x = policy(dir, c.src(), c.dst());
                    try (SocketPolicyClient r =
                            SocketPolicyClient.registerEchoBinary(sock, peer, ++id, local, List.of(x))) {
                        assertEquals(
                                true,
                                c.ok(),
                                what + " accepted: " + HexFormat.of().formatHex(x));
                        assertArrayEquals(x, r.storedPolicy(dir == 1), what + ": getsockopt2 round trip");
                        accepted++;
                    } catch (SocketPolicyClient.RefusedException e) {
                        assertEquals(false, c.ok(), what + " refused: " + e.errno() + " " + e.getMessage());
                        assertEquals("EINVAL", e.errno(), what + ": " + e.getMessage());
                        refused++;
                    }
                }
            }
            assertEquals(4, accepted);
            assertEquals(56, refused);
            assertEquals(56, gw.socketPolicies().refused());
            // the gateway goes on serving: a text policy registers
            try (SocketPolicyClient r = SocketPolicyClient.registerEcho(
                    sock, peer, ++id, local, List.of("out ipsec esp/transport//require"))) {
                assertEquals(56, gw.socketPolicies().refused());
            }
        }
    }
}
