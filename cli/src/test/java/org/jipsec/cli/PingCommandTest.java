package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jipsec ping}'s command line as NetBSD's ping reads it (sbin/ping/ping.c): usage errors and refused policies
 * exit 1, a policy must start with {@code in} or {@code out} ("invalid security policy"), an unparsable one gets the
 * ipsec_set_policy(3) message setkey prints; and the echo messages it sends and accepts.
 */
class PingCommandTest {

    @TempDir
    Path dir;

    @Test
    void usageErrorsAndInvalidPoliciesExitOneWithNetbsdsMessages() {
        MainTest.Result r = MainTest.run("ping");
        assertEquals(1, r.status(), r.err());
        r = MainTest.run("ping", "-c", "0", "10.0.0.2");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("Bad/invalid number of packets"), r.err());
        r = MainTest.run("ping", "-p", "xyz", "10.0.0.2");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("patterns must be specified with 1-32 hex digits"), r.err());
        r = MainTest.run("ping", "-P", "sideways ipsec esp/transport//require", "10.0.0.2");
        assertEquals(1, r.status());
        assertEquals("jipsec ping: invalid security policy: sideways ipsec esp/transport//require\n", r.err());
        r = MainTest.run("ping", "-P", "out ipsec esp/bogus//require", "10.0.0.2");
        assertEquals(1, r.status());
        assertTrue(
                r.err().startsWith("jipsec ping: ") && r.err().contains(" at [out ipsec esp/bogus//require]"), r.err());
        assertEquals("", r.out(), "nothing sent");
    }

    @Test
    @RequiresRoot
    void withoutAGatewayThePolicyCannotBeConfigured() {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.jipsec.io.netns.NetnsLab.available(), "raw sockets need root");
        MainTest.Result r = MainTest.run(
                "ping",
                "--pfkey",
                dir.resolve("none.pfkey").toString(),
                "-c",
                "1",
                "-P",
                "out ipsec esp/transport//require",
                "127.0.0.1");
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.err().contains("ipsec policy cannot be configured"), r.err());
    }

    @Test
    void echoMessagesCarryIdentifierSequenceAndAValidChecksum() {
        byte[] m = IcmpEcho.request(false, 0xbeef, 3, IcmpEcho.data(4, IcmpEcho.pattern("ff")));
        assertArrayEquals(new byte[] {8, 0, 0x39, 0x0d, (byte) 0xbe, (byte) 0xef, 0, 3, -1, -1, -1, -1}, m);
        byte[] reply = new byte[20 + m.length];
        reply[0] = 0x45;
        reply[8] = 63;
        reply[9] = 1;
        System.arraycopy(m, 0, reply, 20, m.length);
        reply[20] = 0; // echo reply: type 0, checksum + 8
        reply[22] = 0x41;
        IcmpEcho.Reply r = IcmpEcho.parse(false, 0xbeef, reply, reply.length);
        assertEquals(new IcmpEcho.Reply(3, 12, 63), r);
        assertNull(IcmpEcho.parse(false, 0xbeee, reply, reply.length), "another identifier");
        reply[30] ^= 1;
        assertNull(IcmpEcho.parse(false, 0xbeef, reply, reply.length), "a damaged reply");
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4}, IcmpEcho.data(5, null), "NetBSD's default fill");
        assertArrayEquals(new byte[] {0x12, 0x34, 0x05}, IcmpEcho.pattern("12345"));
    }
}
