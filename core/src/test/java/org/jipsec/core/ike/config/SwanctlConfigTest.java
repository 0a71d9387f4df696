package org.jipsec.core.ike.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jipsec.core.ike.codec.IdPayload;
import org.jipsec.core.ike.proposal.ProposalParser;
import org.jipsec.core.ike.proposal.SaProtocol;
import org.junit.jupiter.api.Test;

class SwanctlConfigTest {

    /** ikev2-notes.md §2.1: the strongSwan side of a jipsec tunnel, verified with strongSwan on both ends. */
    static final String NOTES_PEER = """
            connections {
                jipsec {
                    version = 2
                    local_addrs = 10.98.0.2
                    remote_addrs = 10.98.0.1   # %any: responder only
                    proposals = aes128gcm16-prfsha256-x25519, aes128-sha256-x25519    # pinned
                    encap = yes
                    mobike = no
                    fragmentation = yes
                    dpd_delay = 30s
                    rekey_time = 4h
                    keyingtries = 1
                    local {
                        auth = psk
                        id = 10.98.0.2
                    }
                    remote {
                        auth = psk
                        id = 10.98.0.1
                    }
                    children {
                        net {
                            local_ts = 10.98.2.1/32
                            remote_ts = 10.98.1.1/32
                            esp_proposals = aes128gcm16, aes128-sha256   # append -x25519 to require PFS
                            mode = tunnel
                            rekey_time = 1h
                            start_action = none
                            dpd_action = clear
                        }
                    }
                }
            }
            secrets {
                ike-jipsec {
                    id-l = 10.98.0.2
                    id-r = 10.98.0.1
                    secret = "jipsec-lab-test-secret-not-real"
                }
            }
            """;

    private static IkeConfig load(String text) throws ConfigException {
        return SwanctlConfig.load("/etc/jipsec/iked.conf", new MemorySource(Map.of("/etc/jipsec/iked.conf", text)));
    }

    private static ConfigException fails(String text) {
        return assertThrows(ConfigException.class, () -> load(text));
    }

    @Test
    void strongSwanPeerFileFromTheNotes() throws Exception {
        IkeConfig cfg = load(NOTES_PEER);
        IkeConfig.Connection c = cfg.connections().getFirst();
        assertEquals("jipsec", c.name());
        assertEquals(2, c.version());
        assertEquals(List.of("10.98.0.2"), c.localAddrs());
        assertEquals(List.of("10.98.0.1"), c.remoteAddrs());
        assertEquals(
                ProposalParser.parseList("aes128gcm16-prfsha256-x25519, aes128-sha256-x25519", SaProtocol.IKE, true),
                c.proposals());
        assertTrue(c.encap());
        assertEquals(false, c.mobike());
        assertEquals(Duration.ofSeconds(30), c.dpdDelay());
        assertEquals(Duration.ofHours(4), c.rekeyTime());
        assertEquals(IkeConfig.AuthMethod.PSK, c.local().getFirst().auth());
        assertEquals(
                new IkeIdentity(IdPayload.ID_IPV4_ADDR, "10.98.0.2"),
                c.local().getFirst().id());
        assertEquals(
                new IkeIdentity(IdPayload.ID_IPV4_ADDR, "10.98.0.1"),
                c.remote().getFirst().id());
        IkeConfig.Child ch = c.children().getFirst();
        assertEquals("net", ch.name());
        assertEquals("/10.98.2.1", ch.localTs().getFirst().start().toString());
        assertEquals(2, ch.espProposals().size());
        assertEquals(IkeConfig.Mode.TUNNEL, ch.mode());
        assertEquals(IkeConfig.StartAction.NONE, ch.startAction());
        assertEquals(Duration.ofHours(1), ch.rekeyTime());
        IkeConfig.SharedSecret s = cfg.secrets().getFirst();
        assertEquals(2, s.ids().size());
        assertArrayEquals("jipsec-lab-test-secret-not-real".getBytes(StandardCharsets.US_ASCII), s.secret());
        assertTrue(!s.toString().contains("jipsec-lab"), "the secret is never printed");
    }

    /** The file strongSwan itself loaded for the recorded cbc run loads here with the same meaning. */
    @Test
    void fileStrongSwanLoadedInTheLab() throws Exception {
        String text;
        try (var in = getClass().getResourceAsStream("/org/jipsec/core/ike/config/strongswan-lab-cbc.conf")) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        IkeConfig.Connection c = load(text).connections().getFirst();
        assertEquals(
                "IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048",
                c.proposals().getFirst().toString());
        assertEquals(
                "ESP:AES_CBC_128/HMAC_SHA2_256_128/MODP_2048/NO_EXT_SEQ",
                c.children().getFirst().espProposals().getFirst().toString());
        assertEquals(false, c.mobike());
        assertEquals(IkeConfig.AuthMethod.PSK, c.remote().getFirst().auth());
    }

    /** strongSwan's defaults where a key is absent (swanctl.conf(5), 5.9.8). */
    @Test
    void defaults() throws Exception {
        IkeConfig cfg = load("connections { c { children { x { } } } }\n");
        IkeConfig.Connection c = cfg.connections().getFirst();
        assertEquals(0, c.version());
        assertEquals(List.of("%any"), c.localAddrs());
        assertEquals(List.of("%any"), c.remoteAddrs());
        assertEquals(ProposalParser.defaultIke(), c.proposals());
        assertEquals(false, c.encap());
        assertEquals(true, c.mobike());
        assertEquals(IkeConfig.Fragmentation.YES, c.fragmentation());
        assertEquals(Duration.ZERO, c.dpdDelay());
        assertEquals(Duration.ofHours(4), c.rekeyTime());
        assertEquals(1, c.keyingtries());
        assertEquals(IkeConfig.AuthMethod.PUBKEY, c.local().getFirst().auth());
        assertNull(c.local().getFirst().id());
        assertEquals(IkeIdentity.ANY, c.remote().getFirst().id());
        IkeConfig.Child ch = c.children().getFirst();
        assertTrue(ch.localTs().getFirst().dynamic());
        assertEquals(ProposalParser.defaultEsp(false), ch.espProposals());
        assertEquals(IkeConfig.DpdAction.CLEAR, ch.dpdAction());
        assertEquals(Duration.ofHours(1), ch.rekeyTime());
    }

    @Test
    void syntaxQuotesCommentsIncludesMerging() throws Exception {
        Map<String, String> files = Map.of(
                "/etc/jipsec/iked.conf", """
                        # top comment
                        connections {
                            a
                            {
                                remote_addrs = 192.0.2.1, 2001:db8::1 # trailing comment
                                local { auth = psk
                                    id = "@gw.example # not a comment" }
                            }
                        }
                        include conf.d/*.conf
                        secrets { ike { secret = "line\\"one\\"\\n" } }
                        """,
                "/etc/jipsec/conf.d/10-a.conf", "connections { a { rekey_time = 2h\n remote_addrs = 192.0.2.9 } }\n",
                "/etc/jipsec/conf.d/20-b.conf", "connections { b { local { auth = psk } } }\n");
        IkeConfig cfg = SwanctlConfig.load("/etc/jipsec/iked.conf", new MemorySource(files));
        IkeConfig.Connection a = cfg.connections().getFirst();
        assertEquals(List.of("192.0.2.9"), a.remoteAddrs(), "the later definition wins");
        assertEquals(Duration.ofHours(2), a.rekeyTime(), "sections merge");
        assertEquals(
                new IkeIdentity(IdPayload.ID_FQDN, "gw.example # not a comment"),
                a.local().getFirst().id());
        assertEquals("b", cfg.connections().get(1).name());
        assertArrayEquals(
                "line\"one\"\n".getBytes(StandardCharsets.US_ASCII),
                cfg.secrets().getFirst().secret());
    }

    @Test
    void everyErrorNamesFileAndLine() {
        record Bad(String text, int line, String says) {}
        for (Bad b : List.of(
                new Bad(
                        "connections {\n c {\n  aggressive = yes\n }\n}\n",
                        3,
                        "unsupported key 'connections.c.aggressive'"),
                new Bad(
                        "connections {\n c {\n  local { auth = psk\n   round = 2 }\n }\n}\n",
                        4,
                        "unsupported key 'connections.c.local.round'"),
                new Bad(
                        "connections {\n c {\n  children { x {\n   updown = /bin/true\n } } } }\n",
                        4,
                        "unsupported key 'connections.c.children.x.updown'"),
                new Bad("pools {\n}\n", 1, "unsupported section 'pools'"),
                new Bad("charon = 1\n", 1, "unsupported key 'charon'"),
                new Bad("connections {\n c {\n  pools { }\n }\n}\n", 3, "unsupported section 'connections.c.pools'"),
                new Bad("connections { c {\n version = 1 } }\n", 2, "IKEv1 is not supported"),
                new Bad("connections { c {\n\n encap = maybe } }\n", 3, "must be yes or no"),
                new Bad("connections { c {\n dpd_delay = 30x } }\n", 2, "is not a time"),
                new Bad("connections { c {\n proposals = aes128-md5-modp1024 } }\n", 2, "unsupported algorithm 'md5'"),
                new Bad(
                        "connections { c {\n children { x {\n mode = beet } } } }\n",
                        3,
                        "'connections.c.children.x.mode'"),
                new Bad(
                        "connections { c {\n children { x {\n local_ts = 10.0.0.0/33 } } } }\n",
                        3,
                        "not a traffic selector"),
                new Bad("connections { c {\n local {\n auth = eap-mschapv2 } } }\n", 3, "psk, pubkey"),
                new Bad("connections { c {\n remote {\n id = ipv4:foo } } }\n", 3, "not an identity"),
                new Bad("connections { c : base { } }\n", 1, "templates"),
                new Bad("connections {\n c {\n", 3, "is not closed"),
                new Bad("}\n", 1, "without a section"),
                new Bad("connections {\n c = \"open\n\n", 2, "unterminated quoted value"),
                new Bad("connections {\n c \n}\n", 2, "neither 'key = value' nor 'section {'"),
                new Bad("include missing.conf\n", 1, "matches no file"),
                new Bad("connections { c { local { auth = psk } } }\n", 1, "holds no ike secret"),
                new Bad("secrets {\n eap-x { secret = a } }\n", 2, "unsupported secret 'eap-x'"),
                new Bad("secrets {\n ike-x {\n  secret = 0xzz } }\n", 3, "neither valid hex"),
                new Bad("secrets {\n ike-x {\n  id = a } }\n", 2, "'secrets.ike-x.secret' is missing"))) {
            ConfigException e = fails(b.text);
            assertEquals("/etc/jipsec/iked.conf", e.file(), b.text);
            assertEquals(b.line, e.line(), b.text + " -> " + e.getMessage());
            assertTrue(e.getMessage().contains(b.says), e.getMessage());
            assertTrue(e.getMessage().startsWith("/etc/jipsec/iked.conf:" + b.line + ": "), e.getMessage());
        }
    }

    @Test
    void includeLoopIsBounded() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> SwanctlConfig.load("/a.conf", new MemorySource(Map.of("/a.conf", "include a.conf\n"))));
        assertTrue(e.getMessage().contains("nested more than 10"), e.getMessage());
    }

    @Test
    void identitiesAndSelectors() {
        assertEquals(IdPayload.ID_IPV6_ADDR, IkeIdentity.parse("2001:db8::1").idType());
        assertEquals(new IkeIdentity(IdPayload.ID_FQDN, "right.ik.test"), IkeIdentity.parse("right.ik.test"));
        assertEquals(new IkeIdentity(IdPayload.ID_FQDN, "gw"), IkeIdentity.parse("@gw"));
        assertEquals(new IkeIdentity(IdPayload.ID_RFC822_ADDR, "me@example.org"), IkeIdentity.parse("me@example.org"));
        assertEquals(
                IdPayload.ID_DER_ASN1_DN,
                IkeIdentity.parse("C=CH, O=strongSwan, CN=gw").idType());
        assertEquals(new IkeIdentity(IdPayload.ID_FQDN, "10.0.0.1"), IkeIdentity.parse("fqdn:10.0.0.1"));
        assertTrue(IkeIdentity.parse("10.98.0.1")
                .matches(IdPayload.ofAddress(
                        true, org.jipsec.core.spd.AddressText.parse("10.98.0.1").address())));
        TrafficSelectorSpec ts = TrafficSelectorSpec.parse("10.1.2.3/16[tcp/1024-2048]");
        assertEquals("/10.1.0.0", ts.start().toString());
        assertEquals("/10.1.255.255", ts.end().toString());
        assertEquals(6, ts.protocol());
        assertEquals(1024, ts.startPort());
        assertEquals(2048, ts.endPort());
        assertEquals(
                "/0:0:0:0:0:0:0:0", TrafficSelectorSpec.parse("::/0").start().toString());
        assertNull(TrafficSelectorSpec.parse("10.0.0.9-10.0.0.1"));
        assertNull(TrafficSelectorSpec.parse("host.example"));
    }

    /** Mutated config text: the parser and builder throw only ConfigException (seeded, no jqwik). */
    @Test
    void mutatedConfigsThrowOnlyConfigException() {
        Random rnd = new Random(14);
        String alphabet = "{}=#\"\\\n ,-:/[]%@x0";
        for (int i = 0; i < 5_000; i++) {
            StringBuilder sb = new StringBuilder(NOTES_PEER);
            for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
                int at = rnd.nextInt(sb.length());
                switch (rnd.nextInt(3)) {
                    case 0 -> sb.setCharAt(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                    case 1 -> sb.deleteCharAt(at);
                    default -> sb.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                }
            }
            try {
                load(sb.toString());
            } catch (ConfigException e) {
                assertTrue(e.line() >= 0);
            } catch (RuntimeException e) {
                throw new AssertionError("mutant " + i + " threw " + e + ":\n" + sb, e);
            }
        }
    }
}
