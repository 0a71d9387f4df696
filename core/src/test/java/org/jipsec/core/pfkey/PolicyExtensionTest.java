package org.jipsec.core.pfkey;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.spd.PolicyParser;
import org.jipsec.core.spd.PolicyRequests;
import org.jipsec.core.spd.SpdException;
import org.junit.jupiter.api.Test;

/**
 * A bare {@code sadb_x_policy} as setsockopt(IP_IPSEC_POLICY) takes it (NetBSD ipsec_set_policy → key_msg2sp, spec
 * §4.2), through the one PF_KEY codec: each check with NetBSD's errno, and the round trip (getsockopt2, key_sp2msg).
 */
class PolicyExtensionTest {

    /** sadb_x_policy: len (8-byte units), exttype 18, type, dir, reserved, id; then {@code requests}. */
    static byte[] policy(int type, int dir, byte[]... requests) {
        int n = 16;
        for (byte[] r : requests) n += r.length;
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) (n / 8))
                .putShort((short) Sadb.SADB_X_EXT_POLICY)
                .putShort((short) type)
                .put((byte) dir)
                .put((byte) 0)
                .putInt(0)
                .putInt(0);
        for (byte[] r : requests) b.put(r);
        return b.array();
    }

    /** sadb_x_ipsecrequest of {@code len} bytes (the endpoints, padded with zeros, after the 8-byte header). */
    static byte[] request(int len, int proto, int mode, int level, byte[] endpoints) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(len, 8 + endpoints.length)).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) len)
                .putShort((short) proto)
                .put((byte) mode)
                .put((byte) level)
                .putShort((short) 0);
        b.put(endpoints);
        return b.array();
    }

    static XPolicy decode(byte[] b) throws Exception {
        return PolicyRequests.normalize(PfkeyCodec.decodePolicyExtension(b), () -> 0x4001);
    }

    static Errno errno(byte[] b) {
        try {
            decode(b);
        } catch (PfkeyException e) {
            return e.errno();
        } catch (SpdException e) {
            return Errno.valueOf(e.errno().name());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("accepted");
    }

    static final byte[] V4 = Hex.bytes("0200 0000 c0000201 0000000000000000");
    static final byte[] V6 = Hex.bytes("0a00 0000 00000000 20010db8000100000000000000000001 00000000");

    static byte[] cat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(
                java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) b.put(p);
        return b.array();
    }

    @Test
    void roundTripsAsGetsockopt2() throws Exception {
        for (String text : new String[] {
            "out ipsec esp/transport//require",
            "in bypass",
            "out entrust",
            "in ipsec esp/tunnel/192.0.2.42-198.51.100.54/require ah/tunnel/2001:db8:1::1-2001:db8:2::1/use"
        }) {
            XPolicy p = PolicyParser.parse(text);
            byte[] b = PfkeyCodec.encodePolicyExtension(p);
            assertEquals(p, PfkeyCodec.decodePolicyExtension(b), text);
            assertArrayEquals(b, PfkeyCodec.encodePolicyExtension(decode(b)), text);
        }
    }

    /** ipsec_set_policy / key_msg2sp, one check each (IPSEC_POLICY_IPSEC 2, ESP 50, tunnel 2, require 2). */
    @Test
    void refusesWhatKeyMsg2spRefuses() throws Exception {
        byte[] good = policy(2, 2, request(40, 50, 2, 2, cat(V4, V4)));
        assertEquals(1, decode(good).requests().size());
        assertEquals(Errno.EINVAL, errno(java.util.Arrays.copyOf(good, 8)), "shorter than sadb_x_policy");
        assertEquals(Errno.EINVAL, errno(java.util.Arrays.copyOf(good, good.length + 8)), "len field != length");
        assertEquals(Errno.EINVAL, errno(policy(2, 2, request(4, 50, 2, 2, new byte[4]))), "request under 8 bytes");
        byte[] past = good.clone();
        past[16] = 48;
        assertEquals(Errno.EINVAL, errno(past), "request past the end");
        assertEquals(
                Errno.EINVAL, errno(policy(2, 2, request(48, 50, 2, 2, cat(V4, V4)))), "request past its endpoints");
        assertEquals(Errno.EPROTONOSUPPORT, errno(policy(2, 2, request(8, 17, 1, 2, new byte[0]))), "protocol UDP");
        assertEquals(Errno.EINVAL, errno(policy(2, 2, request(8, 50, 0, 2, new byte[0]))), "mode any");
        assertEquals(Errno.EINVAL, errno(policy(2, 2, request(8, 50, 9, 2, new byte[0]))), "mode 9");
        assertEquals(Errno.EINVAL, errno(policy(2, 2, request(8, 50, 1, 9, new byte[0]))), "level 9");
        assertEquals(Errno.EINVAL, errno(policy(9, 2)), "policy type 9");
        assertEquals(Errno.EINVAL, errno(policy(2, 2, request(56, 50, 2, 2, cat(V4, V6)))), "two families");
        assertEquals(Errno.EINVAL, errno(policy(2, 2, request(56, 50, 2, 2, cat(V6, V4)))), "two families");
        assertEquals(Errno.EINVAL, errno(policy(2, 2, request(32, 50, 2, 2, cat(V4, new byte[8])))), "AF_UNSPEC");
        assertEquals(Errno.EINVAL, errno(policy(2, 2, request(24, 50, 2, 2, V4))), "no destination");
        assertThrows(PfkeyException.class, () -> PfkeyCodec.decodePolicyExtension(new byte[0]));
        // SPDADD shares PolicyRequests; the text form never gets there (ipsec_set_policy(3)'s grammar refuses it)
        XPolicy mixed = new XPolicy(
                org.jipsec.core.ipsec.PolicyType.IPSEC,
                org.jipsec.core.ipsec.PolicyDirection.OUTBOUND,
                0,
                0,
                java.util.List.of(new org.jipsec.core.ipsec.IpsecRequest(
                        org.jipsec.core.ipsec.IpsecProtocol.ESP,
                        org.jipsec.core.ipsec.IpsecMode.TUNNEL,
                        org.jipsec.core.ipsec.IpsecLevel.REQUIRE,
                        0,
                        java.util.Optional.of(
                                new org.jipsec.core.ipsec.Endpoint(java.net.InetAddress.ofLiteral("192.0.2.42"), 0)),
                        java.util.Optional.of(new org.jipsec.core.ipsec.Endpoint(
                                java.net.InetAddress.ofLiteral("2001:db8:2::1"), 0)))));
        assertEquals(
                SpdException.Errno.EINVAL,
                assertThrows(SpdException.class, () -> PolicyRequests.normalize(mixed, () -> 1))
                        .errno());
        assertThrows(
                org.jipsec.core.spd.PolicyParseException.class,
                () -> PolicyParser.parse("out ipsec esp/tunnel/192.0.2.42-2001:db8:2::1/require"));
    }
}
