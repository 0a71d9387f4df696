package org.jipsec.core.ike.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.jipsec.core.ike.codec.IdPayload;
import org.junit.jupiter.api.Test;

/** Connection by address (charon's ike_cfg match), PSK by IDs (credential manager), rekey jitter (swanctl.conf(5)). */
class ConnectionMatchTest {

    static IkeConfig.Connection c(String name, List<String> local, List<String> remote) {
        return new IkeConfig.Connection(
                name,
                2,
                local,
                remote,
                List.of(),
                true,
                false,
                IkeConfig.Fragmentation.YES,
                Duration.ZERO,
                Duration.ofHours(4),
                1,
                List.of(),
                List.of(),
                List.of());
    }

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void exactBeatsSubnetBeatsAny() throws Exception {
        List<IkeConfig.Connection> cs = List.of(
                c("any", List.of(), List.of("%any")),
                c("net", List.of("10.0.0.1"), List.of("10.9.0.0/16")),
                c("host", List.of("10.0.0.1"), List.of("10.9.1.1")),
                c("range", List.of("10.0.0.1"), List.of("10.8.0.1-10.8.0.9")));
        assertEquals(
                "host",
                ConnectionMatch.forPeer(cs, ip("10.0.0.1"), ip("10.9.1.1"))
                        .orElseThrow()
                        .name());
        assertEquals(
                "net",
                ConnectionMatch.forPeer(cs, ip("10.0.0.1"), ip("10.9.7.7"))
                        .orElseThrow()
                        .name());
        assertEquals(
                "range",
                ConnectionMatch.forPeer(cs, ip("10.0.0.1"), ip("10.8.0.5"))
                        .orElseThrow()
                        .name());
        assertEquals(
                "any",
                ConnectionMatch.forPeer(cs, ip("10.0.0.1"), ip("10.8.0.10"))
                        .orElseThrow()
                        .name());
        assertEquals(Optional.empty(), ConnectionMatch.forPeer(cs.subList(1, 4), ip("10.0.0.2"), ip("10.9.1.1")));
        assertEquals(Optional.of(ip("10.9.1.1")), ConnectionMatch.firstAddress(List.of("%any", "10.9.1.1")));
    }

    @Test
    void pskByIdentities() {
        IkeIdentity a = IkeIdentity.parse("10.0.0.1");
        IkeIdentity b = IkeIdentity.parse("10.0.0.2");
        IkeConfig.SharedSecret any = new IkeConfig.SharedSecret("ike-any", List.of(), new byte[] {1});
        IkeConfig.SharedSecret one = new IkeConfig.SharedSecret("ike-one", List.of(b), new byte[] {2});
        IkeConfig.SharedSecret both = new IkeConfig.SharedSecret("ike-both", List.of(a, b), new byte[] {3});
        IkeConfig.SharedSecret other =
                new IkeConfig.SharedSecret("ike-other", List.of(IkeIdentity.parse("@x.test")), new byte[] {4});
        assertEquals(
                "ike-both",
                PskLookup.find(List.of(any, one, both, other), a, b)
                        .orElseThrow()
                        .name());
        assertEquals(
                "ike-one",
                PskLookup.find(List.of(any, one, other), a, b).orElseThrow().name());
        assertEquals(
                "ike-any",
                PskLookup.find(List.of(any, other), a, b).orElseThrow().name());
        assertEquals(Optional.empty(), PskLookup.find(List.of(other), a, b));
        assertEquals(IdPayload.ID_IPV4_ADDR, a.idType());
    }

    @Test
    void rekeyJitterIsWithinTenPercentBelowRekeyTime() {
        Random r = new Random(3);
        for (int i = 0; i < 1000; i++) {
            long in = RekeyTimes.rekeyIn(Duration.ofHours(1), r);
            assertTrue(in >= 3_240_000 && in <= 3_600_000, Long.toString(in));
        }
        assertEquals(-1, RekeyTimes.rekeyIn(Duration.ZERO, r));
        assertEquals(3960, RekeyTimes.lifeSeconds(Duration.ofHours(1)));
    }
}
