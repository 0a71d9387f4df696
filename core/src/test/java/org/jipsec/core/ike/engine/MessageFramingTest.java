package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.List;
import org.jipsec.core.ike.codec.ExchangeType;
import org.jipsec.core.ike.codec.IkeHeader;
import org.jipsec.core.ike.codec.NotifyPayload;
import org.jipsec.core.ike.codec.NotifyType;
import org.jipsec.core.ike.crypto.IkeTransforms;
import org.jipsec.core.ike.crypto.SkCipher;
import org.junit.jupiter.api.Test;

/**
 * RFC 7383 §2.5: the fragment size bounds the whole IP datagram, so the IP header (20 octets for IPv4, 40 for
 * IPv6), UDP (8) and, on a NAT-T port, the non-ESP marker (4, RFC 3948 §2.2) count against it — per family and
 * port, each sent datagram fits exactly.
 */
class MessageFramingTest {

    static final SecureRandom RND = new SecureRandom();

    static SkCipher cipher() throws Exception {
        IkeTransforms.Encryption enc =
                IkeTransforms.encryptionByName("aes128gcm16").orElseThrow();
        return SkCipher.create(enc, new byte[enc.keyBytes()], null, new byte[0], RND);
    }

    static byte[] message(SkCipher c, int size) throws Exception {
        IkeHeader h = new IkeHeader(7, 8, 0, ExchangeType.IKE_AUTH, IkeHeader.FLAG_INITIATOR, 1);
        return c.protect(h, List.of(), List.of(NotifyPayload.of(NotifyType.COOKIE, new byte[size])));
    }

    static int largestDatagram(String address, int port) throws Exception {
        SkCipher c = cipher();
        MessageFraming f = new MessageFraming();
        f.peerSupports = true;
        f.configure(org.jipsec.core.ike.config.IkeConfig.Fragmentation.YES, 1280);
        IkeEndpoint remote = new IkeEndpoint(InetAddress.getByName(address), port);
        int ipUdp = (address.contains(":") ? 40 : 20) + 8 + (port != 500 ? 4 : 0);
        List<byte[]> wire = f.wire(message(c, 3000), c, remote);
        assertTrue(wire.size() >= 3, "fragments: " + wire.size());
        int largest = 0;
        for (byte[] w : wire) largest = Math.max(largest, w.length + ipUdp);
        return largest;
    }

    @Test
    void everyFamilyAndPortFitsTheFragmentSize() throws Exception {
        for (String a : List.of("192.0.2.1", "2001:db8::1")) {
            for (int port : List.of(500, 4500)) {
                int largest = largestDatagram(a, port);
                assertTrue(largest <= 1280, a + " port " + port + ": datagram of " + largest);
                // fragments are filled: the largest is within one cipher block + padding of the limit
                assertTrue(largest > 1280 - 32, a + " port " + port + ": datagram of " + largest);
            }
        }
    }

    @Test
    void theSameMessageFitsOverIpv4ButIsFragmentedOverIpv6OnTheNatPort() throws Exception {
        SkCipher c = cipher();
        MessageFraming f = new MessageFraming();
        f.peerSupports = true;
        byte[] m = null;
        for (int size = 1100; size < 1300 && m == null; size++) {
            byte[] candidate = message(c, size);
            if (candidate.length + 28 <= 1280 && candidate.length + 52 > 1280) m = candidate;
        }
        assertTrue(m != null, "no message size between the IPv4/500 and IPv6/4500 limits");
        IkeEndpoint v4 = new IkeEndpoint(InetAddress.getByName("192.0.2.1"), 500);
        IkeEndpoint v6 = new IkeEndpoint(InetAddress.getByName("2001:db8::1"), 4500);
        assertEquals(1, f.wire(m, c, v4).size());
        assertTrue(f.wire(m, c, v6).size() > 1);
    }
}
