package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.xform.DropReason;
import org.jipsec.io.gateway.GatewayDaemon;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.VethPair;
import org.jipsec.testkit.RequiresRoot;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * IPv6 extension headers before the IPsec header reach the gateway through its raw sockets (RFC 3542 §4 cmsgs,
 * rebuilt by the data plane): scapy in a peer namespace sends an AH- or ESP-protected ICMPv6 echo request with a
 * Hop-by-Hop header, a Destination Options header, or Destination Options + a Routing header (type 0, segments left 0)
 * in front of AH/ESP (transport mode, RFC 8200 §4.1 order; Linux reports the Destination Options before the Routing
 * header as IPV6_DSTOPTS in wire order — the AH case proves it, its ICV would not match otherwise); the gateway
 * accepts it — for AH the ICV covers those headers, RFC 4302 §3.3.3.1.2 — delivers the request, and its answer comes
 * back protected (scapy checks/decrypts it). No bad-authentication drop is counted. Root only: skipped elsewhere.
 */
@RequiresRoot
@RequiresTool("scapy")
class GatewayIpv6ExtensionHeadersTest {

    static final String AUTH_AB = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    static final String AUTH_BA = "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";

    @TempDir
    Path dir;

    @BeforeAll
    static void needRoot() {
        Assumptions.assumeTrue(NetnsLab.available(), "needs root and iproute2 (network namespaces)");
    }

    @ParameterizedTest(name = "{0} behind {1}")
    @CsvSource({"ah,dst", "ah,hbh", "ah,dst-rh", "esp,dst", "esp,hbh", "esp,dst-rh"})
    void protectedPacketWithExtensionHeadersBeforeTheIpsecHeaderIsAcceptedAndAnswered(String proto, String ext)
            throws Exception {
        if (!GatewayEndToEndTest.scapyPresent()) {
            if ("true".equals(System.getenv("CI")))
                throw new AssertionError("scapy missing in CI (scripts/install-peers)");
            Assumptions.abort("scapy not installed");
        }
        Path script = dir.resolve("gateway_scapy_v6ext.py");
        try (var in = GatewayIpv6ExtensionHeadersTest.class.getResourceAsStream("gateway_scapy_v6ext.py")) {
            Files.copy(in, script);
        }
        boolean ah = proto.equals("ah");
        String ha = "fd78::1", hb = "fd78::2";
        String kOut = ah ? AUTH_AB : GatewayEndToEndTest.K_AB.substring(2);
        String kIn = ah ? AUTH_BA : GatewayEndToEndTest.K_BA.substring(2);
        String alg = ah ? "ah %s -A hmac-sha256 0x%s" : "esp %s -E aes-gcm-16 0x%s";
        String conf = "add " + ha + " " + hb + " " + alg.formatted("0x1001", kOut) + " ;\n"
                + "add " + hb + " " + ha + " " + alg.formatted("0x1002", kIn) + " ;\n"
                + "spdadd " + hb + " " + ha + " any -P out ipsec " + proto + "/transport//require ;\n"
                + "spdadd " + ha + " " + hb + " any -P in ipsec " + proto + "/transport//require ;\n";
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), ha + "/64");
            g.lab.address(b, v.b(), hb + "/64");
            GatewayDaemon gb = g.gateway(b, conf);
            g.transportRouting(b, hb, ha);
            CommandResult r =
                    g.exec(a, 60, "/usr/bin/python3", script.toString(), v.a(), ha, hb, proto, ext, kOut, kIn);
            assertTrue(r.ok(), r.stdout() + r.stderr());
            String payload = HexFormat.of().formatHex("jipsec-v6-ext-headers".getBytes(StandardCharsets.US_ASCII));
            assertEquals(
                    "{\"replies\": [[129, 16963, 1, \"" + payload + "\"]], \"undecryptable\": 0}",
                    r.stdout().strip(),
                    "one protected echo reply\n" + r.stderr() + gb.status() + g.logs);
            var x = gb.engine().xformStatistics();
            gb.lock().lock();
            try {
                IpsecProtocol p = ah ? IpsecProtocol.AH : IpsecProtocol.ESP;
                assertEquals(0, x.drops(p, DropReason.BAD_AUTH), gb.status());
            } finally {
                gb.lock().unlock();
            }
        }
    }
}
