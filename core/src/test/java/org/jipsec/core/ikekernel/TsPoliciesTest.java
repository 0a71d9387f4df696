package org.jipsec.core.ikekernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.InetAddress;
import java.util.List;
import org.jipsec.core.ike.codec.TrafficSelector;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.pfkey.PolicySelector;
import org.junit.jupiter.api.Test;

/** TS ranges (RFC 7296 §3.13.1) to PF_KEY selectors: exact CIDR covers, ports, protocol. */
class TsPoliciesTest {

    static TrafficSelector ts(String a, String b, int proto, int p1, int p2) throws Exception {
        InetAddress x = InetAddress.getByName(a);
        return new TrafficSelector(
                x.getAddress().length == 4 ? TrafficSelector.TS_IPV4_ADDR_RANGE : TrafficSelector.TS_IPV6_ADDR_RANGE,
                proto,
                p1,
                p2,
                x.getAddress(),
                InetAddress.getByName(b).getAddress());
    }

    static String text(PolicySelector s) {
        return s.source().address().getHostAddress() + "/" + s.sourcePrefixBits() + "["
                + s.source().port() + "] "
                + s.destination().address().getHostAddress() + "/" + s.destinationPrefixBits() + "["
                + s.destination().port() + "] " + s.upperProtocol();
    }

    @Test
    void subnetsAndOddRanges() throws Exception {
        List<PolicySelector> p = TsPolicies.selectors(
                PolicyDirection.OUTBOUND,
                List.of(ts("10.1.0.0", "10.1.0.255", 0, 0, 65535)),
                List.of(ts("10.2.0.1", "10.2.0.6", 0, 0, 65535)));
        assertEquals(
                List.of(
                        "10.1.0.0/24[0] 10.2.0.1/32[0] 255",
                        "10.1.0.0/24[0] 10.2.0.2/31[0] 255",
                        "10.1.0.0/24[0] 10.2.0.4/31[0] 255",
                        "10.1.0.0/24[0] 10.2.0.6/32[0] 255"),
                p.stream().map(TsPoliciesTest::text).toList());
        assertEquals(PolicyDirection.OUTBOUND, p.getFirst().direction());
    }

    @Test
    void wholeSpacePortsAndProtocol() throws Exception {
        List<PolicySelector> p = TsPolicies.selectors(
                PolicyDirection.INBOUND,
                List.of(ts("0.0.0.0", "255.255.255.255", 6, 443, 443)),
                List.of(ts("::", "::", 0, 0, 65535), ts("192.0.2.1", "192.0.2.1", 0, 1024, 2048)));
        assertEquals(
                List.of("0.0.0.0/0[443] 192.0.2.1/32[0] 6"),
                p.stream().map(TsPoliciesTest::text).toList());
        assertFalse(TsPolicies.exact(List.of(ts("192.0.2.1", "192.0.2.1", 0, 1024, 2048))));
    }
}
