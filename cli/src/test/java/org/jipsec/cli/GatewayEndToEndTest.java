package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.jipsec.io.gateway.GatewayDaemon;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.VethPair;
import org.jipsec.testkit.RequiresRoot;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * jipsecd end to end (issue #7): two (or three) network namespaces, a gateway in each, real traffic through the
 * TUN devices, checked with ping, UDP and TCP, and on the wire with dumpcap + tshark (ESP only, no cleartext; tshark
 * decrypts with the configured keys and finds every ICV correct). Root only: skipped elsewhere.
 */
@RequiresRoot
@RequiresTool("tshark")
class GatewayEndToEndTest {

    static final String K_AB = "0x0123456789abcdef0123456789abcdef01020304";
    static final String K_BA = "0xfedcba9876543210fedcba9876543210a1a2a3a4";

    @TempDir
    Path dir;

    @BeforeAll
    static void needRoot() {
        Assumptions.assumeTrue(NetnsLab.available(), "needs root and iproute2 (network namespaces)");
    }

    static boolean tsharkPresent() {
        try {
            return org.jipsec.io.netns.Commands.run(java.util.List.of("tshark", "-v"), java.time.Duration.ofSeconds(20))
                    .ok();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static void needTshark() {
        if (tsharkPresent()) return;
        if ("true".equals(System.getenv("CI")))
            throw new AssertionError("tshark missing in CI (scripts/install-peers)");
        Assumptions.abort("tshark not installed");
    }

    /** Host-to-host transport ESP AES-GCM-16 over IPv4 (priority 1), with and without TUN offloads. */
    @ParameterizedTest(name = "offload {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void transportEspGcmIpv4CarriesPingUdpAndTcpAsEspOnly(boolean offload) throws Exception {
        needTshark();
        try (GatewayLab g = new GatewayLab(dir)) {
            g.offload = offload;
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), "10.77.0.1/24");
            g.lab.address(b, v.b(), "10.77.0.2/24");
            String sas = "add 10.77.0.1 10.77.0.2 esp 0x1001 -E aes-gcm-16 " + K_AB + " ;\n"
                    + "add 10.77.0.2 10.77.0.1 esp 0x1002 -E aes-gcm-16 " + K_BA + " ;\n";
            GatewayDaemon ga = g.gateway(
                    a,
                    sas
                            + "spdadd 10.77.0.1 10.77.0.2 any -P out ipsec esp/transport//require ;\n"
                            + "spdadd 10.77.0.2 10.77.0.1 any -P in ipsec esp/transport//require ;\n");
            GatewayDaemon gb = g.gateway(
                    b,
                    sas
                            + "spdadd 10.77.0.2 10.77.0.1 any -P out ipsec esp/transport//require ;\n"
                            + "spdadd 10.77.0.1 10.77.0.2 any -P in ipsec esp/transport//require ;\n");
            g.transportRouting(a, "10.77.0.1", "10.77.0.2");
            g.transportRouting(b, "10.77.0.2", "10.77.0.1");
            Path pcap = g.capture(b, v.b());

            CommandResult ping = g.exec(a, 20, "ping", "-c", "5", "-i", "0.2", "-W", "2", "10.77.0.2");
            assertTrue(ping.ok(), ping.stdout() + ping.stderr() + g.logs);
            g.udpEcho(b, "10.77.0.2", 7000);
            assertEquals(20, g.udpRoundTrips(a, "10.77.0.2", 7000, 20, 1000), "UDP echoes\n" + ga.status());
            g.tcpTransfer(b, "10.77.0.2", 7001, a, 2 << 20);
            g.stopCaptures();

            // on the wire: ESP with both SPIs, and no ICMP/UDP/TCP in clear
            String spis = GatewayLab.tshark(pcap, "-Y", "esp", "-T", "fields", "-e", "esp.spi");
            assertTrue(spis.contains("0x00001001") && spis.contains("0x00001002"), spis);
            String clear = GatewayLab.tshark(pcap, "-Y", "icmp || udp || tcp", "-T", "fields", "-e", "frame.number");
            assertEquals("", clear.strip(), "cleartext packets on the veth");
            // tshark decrypts with the configured keys: the inner traffic is there and every ICV is correct
            String v4 = "\"IPv4\",\"10.77.0.1\",\"10.77.0.2\",\"0x00001001\",\"AES-GCM with 16 octet ICV [RFC4106]\",\""
                    + K_AB + "\",\"NULL\",\"\"";
            String v4r =
                    "\"IPv4\",\"10.77.0.2\",\"10.77.0.1\",\"0x00001002\",\"AES-GCM with 16 octet ICV [RFC4106]\",\""
                            + K_BA + "\",\"NULL\",\"\"";
            String decoded = GatewayLab.tshark(
                    pcap,
                    "-o",
                    "esp.enable_encryption_decode:TRUE",
                    "-o",
                    "esp.enable_authentication_check:TRUE",
                    "-o",
                    "uat:esp_sa:" + v4,
                    "-o",
                    "uat:esp_sa:" + v4r,
                    "-V");
            assertTrue(decoded.contains("[correct]"), "no verified ICV");
            assertFalse(decoded.contains("[incorrect"), "an ICV tshark finds wrong");
            assertTrue(
                    decoded.contains("Internet Control Message Protocol")
                            && decoded.contains("Transmission Control Protocol")
                            && decoded.contains("User Datagram Protocol"),
                    "decrypted inner ICMP, TCP, UDP");
            assertTrue(gb.status().contains("SAs=2"), gb.status());
        }
    }

    /**
     * Site-to-site tunnel mode (priority 2, 3): gateway A — router R — gateway B, each gateway fronting a subnet whose
     * address sits on its {@code lo}; inner and outer families in every combination (4-in-4, 6-in-6, 6-in-4, 4-in-6).
     * The router sees only ESP between the gateways' outer addresses.
     */
    @ParameterizedTest(name = "inner IPv{0} over outer IPv{1}")
    @CsvSource({"4,4", "6,6", "6,4", "4,6"})
    void tunnelModeBetweenSubnetsThroughARouter(int inner, int outer) throws Exception {
        needTshark();
        boolean o6 = outer == 6, i6 = inner == 6;
        String oA = o6 ? "fd81:1::1" : "10.81.1.1", oRA = o6 ? "fd81:1::fe" : "10.81.1.254";
        String oB = o6 ? "fd81:2::1" : "10.81.2.1", oRB = o6 ? "fd81:2::fe" : "10.81.2.254";
        String oPlen = o6 ? "/64" : "/24";
        String iA = i6 ? "fd10:1::1" : "10.10.1.1", iB = i6 ? "fd10:2::1" : "10.10.2.1";
        String netA = i6 ? "fd10:1::/64" : "10.10.1.0/24", netB = i6 ? "fd10:2::/64" : "10.10.2.0/24";
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), r = g.lab.namespace(), b = g.lab.namespace();
            VethPair ar = g.lab.veth(a, r), rb = g.lab.veth(r, b);
            g.lab.address(a, ar.a(), oA + oPlen);
            g.lab.address(r, ar.b(), oRA + oPlen);
            g.lab.address(r, rb.a(), oRB + oPlen);
            g.lab.address(b, rb.b(), oB + oPlen);
            g.exec(r, 10, "sysctl", "-q", "-w", o6 ? "net.ipv6.conf.all.forwarding=1" : "net.ipv4.ip_forward=1");
            g.lab.route(a, (o6 ? "fd81:2::/64" : "10.81.2.0/24"), "via", oRA);
            g.lab.route(b, (o6 ? "fd81:1::/64" : "10.81.1.0/24"), "via", oRB);
            g.lab.address(a, "lo", iA + (i6 ? "/128" : "/32"));
            g.lab.address(b, "lo", iB + (i6 ? "/128" : "/32"));
            String sas = "add " + oA + " " + oB + " esp 0x2001 -m tunnel -E aes-gcm-16 " + K_AB + " ;\n" + "add " + oB
                    + " " + oA + " esp 0x2002 -m tunnel -E aes-gcm-16 " + K_BA + " ;\n";
            GatewayDaemon ga = g.gateway(
                    a,
                    sas
                            + "spdadd " + netA + " " + netB + " any -P out ipsec esp/tunnel/" + oA + "-" + oB
                            + "/require ;\n"
                            + "spdadd " + netB + " " + netA + " any -P in ipsec esp/tunnel/" + oB + "-" + oA
                            + "/require ;\n");
            g.gateway(
                    b,
                    sas
                            + "spdadd " + netB + " " + netA + " any -P out ipsec esp/tunnel/" + oB + "-" + oA
                            + "/require ;\n"
                            + "spdadd " + netA + " " + netB + " any -P in ipsec esp/tunnel/" + oA + "-" + oB
                            + "/require ;\n");
            g.lab.route(a, netB, "dev", "jipsec0", "src", iA);
            g.lab.route(b, netA, "dev", "jipsec0", "src", iB);
            Path pcap = g.capture(r, rb.a());

            CommandResult ping = g.exec(a, 20, "ping", "-c", "5", "-i", "0.2", "-W", "2", "-I", iA, iB);
            assertTrue(ping.ok(), ping.stdout() + ping.stderr() + g.logs + ga.status());
            g.udpEcho(b, iB, 7000);
            assertEquals(10, g.udpRoundTrips(a, iB, 7000, 10, 1200), "UDP echoes\n" + ga.status());
            g.tcpTransfer(b, iB, 7001, a, 1 << 20);
            g.stopCaptures();

            String spis = GatewayLab.tshark(pcap, "-Y", "esp", "-T", "fields", "-e", "esp.spi");
            assertTrue(spis.contains("0x00002001") && spis.contains("0x00002002"), spis);
            String clear = GatewayLab.tshark(
                    pcap,
                    "-Y",
                    "icmp || udp || tcp || icmpv6.type == 128 || icmpv6.type == 129",
                    "-T",
                    "fields",
                    "-e",
                    "frame.number");
            assertEquals("", clear.strip(), "cleartext packets through the router");
            String fam = o6 ? "IPv6" : "IPv4";
            String sa1 = "\"" + fam + "\",\"" + oA + "\",\"" + oB
                    + "\",\"0x00002001\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"" + K_AB + "\",\"NULL\",\"\"";
            String sa2 = "\"" + fam + "\",\"" + oB + "\",\"" + oA
                    + "\",\"0x00002002\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"" + K_BA + "\",\"NULL\",\"\"";
            String decoded = GatewayLab.tshark(
                    pcap,
                    "-o",
                    "esp.enable_encryption_decode:TRUE",
                    "-o",
                    "esp.enable_authentication_check:TRUE",
                    "-o",
                    "uat:esp_sa:" + sa1,
                    "-o",
                    "uat:esp_sa:" + sa2,
                    "-V");
            assertTrue(decoded.contains("[correct]"), "no verified ICV");
            assertFalse(decoded.contains("[incorrect"), "an ICV tshark finds wrong");
            assertTrue(
                    decoded.contains("Transmission Control Protocol") && decoded.contains("User Datagram Protocol"),
                    "decrypted inner TCP and UDP");
        }
    }

    static final String AUTH = "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    static final String AUTH2 = "0x1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";

    /**
     * Host-to-host transport mode with other protocols and bundles (priority 3, 4): IPv6 ESP, AH, ESP+AH, IPComp+ESP,
     * ESP AES-CBC + HMAC-SHA-256. Ping, UDP and TCP pass; on the wire no ICMP/UDP/TCP travels outside ESP or AH.
     *
     * @param sas     SA statements with {A}/{B} for the two addresses, {AB}/{BA} for the direction's SPI suffix
     * @param request the policy's request list with {S}/{D} for source/destination
     * @param wire    the outer protocol tshark must see
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "esp-gcm-v6  | 6 | esp {SPI} -E aes-gcm-16 {K}                                              | esp/transport//require | esp",
                "ah-sha256   | 4 | ah {SPI} -A hmac-sha256 {A}                                              | ah/transport//require  | ah",
                "ah-v6       | 6 | ah {SPI} -A hmac-sha256 {A}                                              | ah/transport//require  | ah",
                "esp-cbc-hmac| 4 | esp {SPI} -E aes-cbc 0x00112233445566778899aabbccddeeff -A hmac-sha256 {A} | esp/transport//require | esp",
                "esp+ah      | 4 | esp {SPI} -E aes-gcm-16 {K} ;add {FROM} {TO} ah {SPI2} -A hmac-sha256 {A} | esp/transport//require ah/transport//require | ah",
                "ipcomp+esp  | 4 | esp {SPI} -E aes-gcm-16 {K} ;add {FROM} {TO} ipcomp {SPI3} -C deflate    | ipcomp/transport//require esp/transport//require | esp",
            })
    void transportModeProtocolsAndBundles(String name, int family, String sa, String request, String wire)
            throws Exception {
        needTshark();
        boolean v6 = family == 6;
        String ha = v6 ? "fd77::1" : "10.78.0.1", hb = v6 ? "fd77::2" : "10.78.0.2", plen = v6 ? "/64" : "/24";
        String sas = saLines(sa.strip(), ha, hb, "1", K_AB, AUTH) + saLines(sa.strip(), hb, ha, "2", K_BA, AUTH2);
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), ha + plen);
            g.lab.address(b, v.b(), hb + plen);
            String req = request.strip();
            GatewayDaemon ga = g.gateway(
                    a,
                    sas
                            + "spdadd " + ha + " " + hb + " any -P out ipsec " + req + " ;\n"
                            + "spdadd " + hb + " " + ha + " any -P in ipsec " + req + " ;\n");
            g.gateway(
                    b,
                    sas
                            + "spdadd " + hb + " " + ha + " any -P out ipsec " + req + " ;\n"
                            + "spdadd " + ha + " " + hb + " any -P in ipsec " + req + " ;\n");
            g.transportRouting(a, ha, hb);
            g.transportRouting(b, hb, ha);
            Path pcap = g.capture(b, v.b());
            CommandResult ping = g.exec(a, 20, "ping", "-c", "4", "-i", "0.2", "-W", "2", hb);
            assertTrue(ping.ok(), ping.stdout() + ping.stderr() + g.logs + ga.status());
            g.udpEcho(b, hb, 7000);
            assertEquals(10, g.udpRoundTrips(a, hb, 7000, 10, 1200), "UDP echoes\n" + ga.status());
            g.tcpTransfer(b, hb, 7001, a, 1 << 20);
            g.stopCaptures();
            String outer = GatewayLab.tshark(pcap, "-Y", wire.strip(), "-T", "fields", "-e", "frame.number");
            assertFalse(outer.isBlank(), "no " + wire + " on the wire");
            String clear = GatewayLab.tshark(
                    pcap,
                    "-Y",
                    "(icmp || udp || tcp || icmpv6.type == 128) && !esp && !ah",
                    "-T",
                    "fields",
                    "-e",
                    "frame.number");
            assertEquals("", clear.strip(), "unprotected packets on the veth");
        }
    }

    /** Expands one direction's SA statements: {SPI} 0x1N01, {SPI2} 0x1N02, {SPI3} 0x1N03 (N = direction). */
    private static String saLines(String template, String from, String to, String dir, String key, String auth) {
        String body = template.replace("{SPI}", "0x1" + dir + "01")
                .replace("{SPI2}", "0x1" + dir + "02")
                .replace("{SPI3}", "0x1" + dir + "03")
                .replace("{K}", key)
                .replace("{A}", auth)
                .replace("{FROM}", from)
                .replace("{TO}", to);
        return "add " + from + " " + to + " " + body.replace(";add", ";\nadd") + " ;\n";
    }

    /**
     * NAT traversal (priority 4, RFC 3948): gateway A behind a namespace that masquerades (nftables), gateway B on the
     * other side; ESP in UDP 4500, tunnel mode between subnets. B's SAs name the NAT's public address, as an IKE
     * daemon would have learnt it; the NAT's conntrack entry (opened by A's first packet) brings B's answers back.
     */
    @Test
    void natTraversalThroughAMasqueradingNamespace() throws Exception {
        needTshark();
        Assumptions.assumeTrue(
                org.jipsec.io.netns.Commands.run(
                                        java.util.List.of("nft", "--version"), java.time.Duration.ofSeconds(10))
                                .ok()
                        || "true".equals(System.getenv("CI")),
                "nft not installed");
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), n = g.lab.namespace(), b = g.lab.namespace();
            VethPair an = g.lab.veth(a, n), nb = g.lab.veth(n, b);
            g.lab.address(a, an.a(), "10.83.1.1/24");
            g.lab.address(n, an.b(), "10.83.1.254/24");
            g.lab.address(n, nb.a(), "10.83.2.254/24");
            g.lab.address(b, nb.b(), "10.83.2.1/24");
            g.exec(n, 10, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            CommandResult nft = g.exec(
                    n,
                    10,
                    "nft",
                    "add table ip nat; add chain ip nat post { type nat hook postrouting priority 100 ; };"
                            + " add rule ip nat post oifname \"" + nb.a() + "\" masquerade");
            assertTrue(nft.ok(), nft.stderr());
            g.lab.route(a, "10.83.2.0/24", "via", "10.83.1.254");
            g.lab.address(a, "lo", "10.10.1.1/32");
            g.lab.address(b, "lo", "10.10.2.1/32");
            g.gateway(
                    a,
                    "add 10.83.1.1[4500] 10.83.2.1[4500] esp-udp 0x3001 -m tunnel -E aes-gcm-16 " + K_AB + " ;\n"
                            + "add 10.83.2.1[4500] 10.83.1.1[4500] esp-udp 0x3002 -m tunnel -E aes-gcm-16 " + K_BA
                            + " ;\n"
                            + "spdadd 10.10.1.0/24 10.10.2.0/24 any -P out ipsec esp/tunnel/10.83.1.1-10.83.2.1/require ;\n"
                            + "spdadd 10.10.2.0/24 10.10.1.0/24 any -P in ipsec esp/tunnel/10.83.2.1-10.83.1.1/require ;\n");
            GatewayDaemon gb = g.gateway(
                    b,
                    "add 10.83.2.254[4500] 10.83.2.1[4500] esp-udp 0x3001 -m tunnel -E aes-gcm-16 " + K_AB + " ;\n"
                            + "add 10.83.2.1[4500] 10.83.2.254[4500] esp-udp 0x3002 -m tunnel -E aes-gcm-16 " + K_BA
                            + " ;\n"
                            + "spdadd 10.10.2.0/24 10.10.1.0/24 any -P out ipsec esp/tunnel/10.83.2.1-10.83.2.254/require ;\n"
                            + "spdadd 10.10.1.0/24 10.10.2.0/24 any -P in ipsec esp/tunnel/10.83.2.254-10.83.2.1/require ;\n");
            g.lab.route(a, "10.10.2.0/24", "dev", "jipsec0", "src", "10.10.1.1");
            g.lab.route(b, "10.10.1.0/24", "dev", "jipsec0", "src", "10.10.2.1");
            Path pcap = g.capture(b, nb.b());
            CommandResult ping =
                    g.exec(a, 20, "ping", "-c", "4", "-i", "0.2", "-W", "2", "-I", "10.10.1.1", "10.10.2.1");
            assertTrue(ping.ok(), ping.stdout() + ping.stderr() + g.logs + gb.status());
            g.tcpTransfer(b, "10.10.2.1", 7001, a, 1 << 20);
            g.stopCaptures();
            String udp = GatewayLab.tshark(
                    pcap, "-Y", "udp.port == 4500 && esp", "-T", "fields", "-e", "ip.src", "-e", "esp.spi");
            assertTrue(udp.contains("10.83.2.254\t0x00003001") && udp.contains("10.83.2.1\t0x00003002"), udp);
            String rawEsp = GatewayLab.tshark(
                    pcap, "-Y", "ip.proto == 50 || icmp || tcp", "-T", "fields", "-e", "frame.number");
            assertEquals("", rawEsp.strip(), "only ESP in UDP on the wire");
        }
    }

    /**
     * The real command as a child process in a namespace: it starts with --config, an SA added over PF_KEY (setkey)
     * survives a SIGHUP reload that replaces the configured SAs, SIGUSR1 prints the counters, SIGTERM removes the TUN
     * and the socket files.
     */
    @Test
    void commandReloadsOnSighupKeepsPfkeySasAndStopsCleanlyOnSigterm() throws Exception {
        try (GatewayLab g = new GatewayLab(dir)) {
            String ns = g.lab.namespace();
            Path conf = dir.resolve("gw.conf");
            java.nio.file.Files.writeString(
                    conf,
                    "add 10.84.0.1 10.84.0.2 esp 0x1001 -E aes-gcm-16 " + K_AB + " ;\n"
                            + "spdadd 10.84.0.1 10.84.0.2 any -P out ipsec esp/transport//require ;\n");
            Path pfkey = dir.resolve("run/pfkey");
            String javaBin = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(
                            "ip",
                            "netns",
                            "exec",
                            ns,
                            javaBin,
                            "--enable-native-access=ALL-UNNAMED",
                            "-cp",
                            System.getProperty("java.class.path"),
                            "org.jipsec.cli.Main",
                            "gateway",
                            "--config",
                            conf.toString(),
                            "--pfkey",
                            pfkey.toString(),
                            "--tun",
                            "jiptest0",
                            "--state-dir",
                            dir.resolve("state").toString())
                    .redirectOutput(dir.resolve("gw.out").toFile())
                    .redirectError(dir.resolve("gw.err").toFile())
                    .start();
            try {
                waitFor(
                        () -> read(dir.resolve("gw.out")).contains("running on jiptest0"),
                        "start: " + read(dir.resolve("gw.err")));
                assertTrue(g.lab.ip(ns, "link", "show", "jiptest0").contains("UP"));
                Path extra = dir.resolve("extra.conf");
                java.nio.file.Files.writeString(
                        extra, "add 10.84.0.2 10.84.0.1 esp 0x2222 -E aes-gcm-16 " + K_BA + " ;\n");
                MainTest.Result add = MainTest.run("setkey", "--pfkey", pfkey.toString(), "-f", extra.toString());
                assertEquals(0, add.status(), add.err());
                java.nio.file.Files.writeString(
                        conf,
                        "add 10.84.0.1 10.84.0.2 esp 0x1011 -E aes-gcm-16 " + K_AB + " ;\n"
                                + "spdadd 10.84.0.1 10.84.0.2 any -P out ipsec esp/transport//require ;\n");
                Commands("kill", "-HUP", Long.toString(p.pid()));
                waitFor(
                        () -> read(dir.resolve("gw.err")).contains("reload:"),
                        "reload: " + read(dir.resolve("gw.err")));
                MainTest.Result dump = MainTest.run("setkey", "--pfkey", pfkey.toString(), "-D");
                assertEquals(0, dump.status(), dump.err());
                assertTrue(dump.out().contains("spi=4113(0x00001011)"), dump.out());
                assertTrue(dump.out().contains("spi=8738(0x00002222)"), "the PF_KEY SA survives\n" + dump.out());
                assertFalse(dump.out().contains("0x00001001"), "the old configured SA is gone\n" + dump.out());
                MainTest.Result sp = MainTest.run("setkey", "--pfkey", pfkey.toString(), "-DP");
                assertEquals(1, sp.out().split("10.84.0.1\\[any\\] 10.84.0.2", -1).length - 1, sp.out());
                Commands("kill", "-USR1", Long.toString(p.pid()));
                waitFor(() -> read(dir.resolve("gw.err")).contains("tun_in="), "status");
                assertFalse(
                        read(dir.resolve("gw.err")).toLowerCase().contains("0123456789abcdef"), "key material logged");
                p.destroy(); // SIGTERM
                assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "stops on SIGTERM");
                assertFalse(java.nio.file.Files.exists(pfkey), "PF_KEY socket file removed");
                assertFalse(g.lab.ip(ns, "link", "show").contains("jiptest0"), "TUN removed");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static void Commands(String... argv) throws java.io.IOException {
        org.jipsec.io.netns.Commands.check(java.util.List.of(argv), java.time.Duration.ofSeconds(10));
    }

    private static String read(Path f) {
        try {
            return java.nio.file.Files.exists(f) ? java.nio.file.Files.readString(f) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier cond, String what) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (cond.getAsBoolean()) return;
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    static String twoWayTransportConfig(String mine, String peer, String lifetimes) {
        String sas = "add 10.79.0.1 10.79.0.2 esp 0x1001 " + lifetimes + "-E aes-gcm-16 " + K_AB + " ;\n"
                + "add 10.79.0.2 10.79.0.1 esp 0x1002 " + lifetimes + "-E aes-gcm-16 " + K_BA + " ;\n";
        return sas + "spdadd " + mine + " " + peer + " any -P out ipsec esp/transport//require ;\n" + "spdadd " + peer
                + " " + mine + " any -P in ipsec esp/transport//require ;\n";
    }

    static boolean scapyPresent() {
        try {
            return org.jipsec.io.netns.Commands.run(
                            java.util.List.of("/usr/bin/python3", "-c", "import scapy.layers.ipsec"),
                            java.time.Duration.ofSeconds(30))
                    .ok();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * Priority 5: an ESP packet built by scapy with the configured keys is accepted and answered (scapy decrypts the
     * answer); the same packet replayed and a packet with a corrupted ICV are dropped — no answer — and counted.
     */
    @Test
    void scapyPeerIsAnsweredReplayAndBadIcvAreDroppedAndCounted() throws Exception {
        if (!scapyPresent()) {
            if ("true".equals(System.getenv("CI")))
                throw new AssertionError("scapy missing in CI (scripts/install-peers)");
            Assumptions.abort("scapy not installed");
        }
        Path script = dir.resolve("gateway_scapy_peer.py");
        try (var in = GatewayEndToEndTest.class.getResourceAsStream("gateway_scapy_peer.py")) {
            java.nio.file.Files.copy(in, script);
        }
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), "10.79.0.1/24");
            g.lab.address(b, v.b(), "10.79.0.2/24");
            // -r 4: a replay window of 32 packets (setkey's default 0 turns anti-replay off, as on NetBSD)
            GatewayDaemon gb = g.gateway(b, twoWayTransportConfig("10.79.0.2", "10.79.0.1", "-r 4 "));
            g.transportRouting(b, "10.79.0.2", "10.79.0.1");
            CommandResult r = g.exec(
                    a,
                    60,
                    "/usr/bin/python3",
                    script.toString(),
                    v.a(),
                    "10.79.0.1",
                    "10.79.0.2",
                    K_AB.substring(2),
                    K_BA.substring(2));
            assertTrue(r.ok(), r.stdout() + r.stderr());
            String json = r.stdout().strip();
            String payload = java.util.HexFormat.of()
                    .formatHex("jipsec-scapy-interop".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(
                    "{\"replies\": [[0, 16962, 1, \"" + payload + "\"]], \"undecryptable\": 0}",
                    json,
                    "one echo reply, to the first packet only\n" + gb.status());
            var x = gb.engine().xformStatistics();
            gb.lock().lock();
            try {
                assertTrue(
                        x.drops(org.jipsec.core.ipsec.IpsecProtocol.ESP, org.jipsec.core.xform.DropReason.REPLAY) >= 1,
                        gb.status());
                assertTrue(
                        x.drops(org.jipsec.core.ipsec.IpsecProtocol.ESP, org.jipsec.core.xform.DropReason.BAD_AUTH)
                                >= 1,
                        gb.status());
            } finally {
                gb.lock().unlock();
            }
            assertTrue(
                    gb.status().contains("possibly replayed packets")
                            && gb.status().contains("bad authentication"),
                    gb.status());
        }
    }

    /** Priority 5: an SA deleted with setkey over PF_KEY stops the traffic; added back, the traffic flows again. */
    @Test
    void deletingTheSaWithSetkeyStopsTheTrafficAndAddingItBackRestoresIt() throws Exception {
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), "10.79.0.1/24");
            g.lab.address(b, v.b(), "10.79.0.2/24");
            GatewayDaemon ga = g.gateway(a, twoWayTransportConfig("10.79.0.1", "10.79.0.2", ""));
            g.gateway(b, twoWayTransportConfig("10.79.0.2", "10.79.0.1", ""));
            g.transportRouting(a, "10.79.0.1", "10.79.0.2");
            g.transportRouting(b, "10.79.0.2", "10.79.0.1");
            assertTrue(
                    g.exec(a, 20, "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.79.0.2")
                            .ok(),
                    g.logs.toString());
            g.udpEcho(b, "10.79.0.2", 7000);
            Path del = dir.resolve("del.conf");
            java.nio.file.Files.writeString(del, "delete 10.79.0.1 10.79.0.2 esp 0x1001 ;\n");
            MainTest.Result d =
                    MainTest.run("setkey", "--pfkey", dir.resolve(a + ".pfkey").toString(), "-f", del.toString());
            assertEquals(0, d.status(), d.err());
            assertEquals(0, g.udpRoundTrips(a, "10.79.0.2", 7000, 3, 100), "traffic after the SA was deleted");
            assertFalse(g.exec(a, 20, "ping", "-c", "2", "-i", "0.2", "-W", "1", "10.79.0.2")
                    .ok());
            assertTrue(ga.status().contains("out_nosa"), ga.status());
            Path add = dir.resolve("add.conf");
            java.nio.file.Files.writeString(add, "add 10.79.0.1 10.79.0.2 esp 0x1001 -E aes-gcm-16 " + K_AB + " ;\n");
            MainTest.Result ad =
                    MainTest.run("setkey", "--pfkey", dir.resolve(a + ".pfkey").toString(), "-f", add.toString());
            assertEquals(0, ad.status(), ad.err());
            // the receiver's replay window still remembers the old SA's numbers only if it is the same SA: it is, so
            // B's window is ahead; a fresh SA on B is needed too for a clean restart
            java.nio.file.Files.writeString(
                    del,
                    "delete 10.79.0.1 10.79.0.2 esp 0x1001 ;\n" + "add 10.79.0.1 10.79.0.2 esp 0x1001 -E aes-gcm-16 "
                            + K_AB + " ;\n");
            MainTest.Result rb =
                    MainTest.run("setkey", "--pfkey", dir.resolve(b + ".pfkey").toString(), "-f", del.toString());
            assertEquals(0, rb.status(), rb.err());
            assertTrue(
                    g.udpRoundTrips(a, "10.79.0.2", 7000, 5, 100) >= 4,
                    "traffic after the SA came back\n" + ga.status());
        }
    }

    /**
     * Priority 5: SAs with soft/hard lifetimes of 2/3 s die under traffic; the registered PF_KEY client gets the
     * SADB_EXPIRE messages (soft, then hard), and the traffic stops.
     */
    @Test
    void hardLifetimeExpiresUnderTrafficAndStopsIt() throws Exception {
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), "10.79.0.1/24");
            g.lab.address(b, v.b(), "10.79.0.2/24");
            GatewayDaemon ga = g.gateway(a, twoWayTransportConfig("10.79.0.1", "10.79.0.2", "-lh 3 -ls 2 "));
            g.gateway(b, twoWayTransportConfig("10.79.0.2", "10.79.0.1", "-lh 3 -ls 2 "));
            g.transportRouting(a, "10.79.0.1", "10.79.0.2");
            g.transportRouting(b, "10.79.0.2", "10.79.0.1");
            g.udpEcho(b, "10.79.0.2", 7000);
            try (org.jipsec.io.pfkey.PfkeyClient ike =
                    org.jipsec.io.pfkey.PfkeyClient.connect(dir.resolve(a + ".pfkey"))) {
                ike.register(org.jipsec.core.pfkey.Sadb.SADB_SATYPE_ESP);
                assertEquals(2, g.udpRoundTrips(a, "10.79.0.2", 7000, 2, 100), g.logs.toString());
                int sas = 2;
                for (int i = 0; i < 100 && sas > 0; i++) {
                    g.udpRoundTrips(a, "10.79.0.2", 7000, 1, 100);
                    ga.lock().lock();
                    try {
                        sas = ga.engine().keyEngine().sad().size();
                    } finally {
                        ga.lock().unlock();
                    }
                    Thread.sleep(100);
                }
                assertEquals(0, sas, "SAs past their hard lifetime");
                assertEquals(0, g.udpRoundTrips(a, "10.79.0.2", 7000, 2, 100), "traffic after expiry");
                var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
                try {
                    int expires = pool.submit(() -> {
                                int[] n = {0};
                                ike.listen(m -> {
                                    if (m.type() == org.jipsec.core.pfkey.Sadb.SADB_EXPIRE) n[0]++;
                                    return n[0] < 4; // soft and hard, for each of the two SAs
                                });
                                return n[0];
                            })
                            .get(15, java.util.concurrent.TimeUnit.SECONDS);
                    assertEquals(4, expires, "SADB_EXPIRE soft + hard for both SAs");
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    /**
     * The data path's ACQUIRE reaches the registered PF_KEY socket (as an IKE daemon would see it), the packet that
     * caused it waits in the pending queue, and once the SA is added over PF_KEY it is sent (drainReady on the timer).
     */
    @Test
    void trafficWithoutAnSaSendsAcquireAndIsReleasedWhenTheSaArrives() throws Exception {
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), "10.79.0.1/24");
            g.lab.address(b, v.b(), "10.79.0.2/24");
            g.gateway(
                    a,
                    "add 10.79.0.2 10.79.0.1 esp 0x1002 -E aes-gcm-16 " + K_BA + " ;\n"
                            + "spdadd 10.79.0.1 10.79.0.2 any -P out ipsec esp/transport//require ;\n"
                            + "spdadd 10.79.0.2 10.79.0.1 any -P in ipsec esp/transport//require ;\n");
            g.gateway(b, twoWayTransportConfig("10.79.0.2", "10.79.0.1", ""));
            g.transportRouting(a, "10.79.0.1", "10.79.0.2");
            g.transportRouting(b, "10.79.0.2", "10.79.0.1");
            g.udpEcho(b, "10.79.0.2", 7000);
            Path pfkey = dir.resolve(a + ".pfkey");
            try (org.jipsec.io.pfkey.PfkeyClient ike = org.jipsec.io.pfkey.PfkeyClient.connect(pfkey);
                    java.net.DatagramSocket s =
                            org.jipsec.io.netns.NetnsThread.call(a, () -> new java.net.DatagramSocket())) {
                ike.register(org.jipsec.core.pfkey.Sadb.SADB_SATYPE_ESP);
                s.setSoTimeout(5000);
                byte[] msg = "held for its SA".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                s.send(new java.net.DatagramPacket(msg, msg.length, new java.net.InetSocketAddress("10.79.0.2", 7000)));
                var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
                try {
                    var acquire = pool.submit(() -> {
                        org.jipsec.core.pfkey.PfkeyMessage[] got = new org.jipsec.core.pfkey.PfkeyMessage[1];
                        ike.listen(m -> {
                            got[0] = m;
                            return m.type() != org.jipsec.core.pfkey.Sadb.SADB_ACQUIRE;
                        });
                        return got[0];
                    });
                    var acq = acquire.get(15, java.util.concurrent.TimeUnit.SECONDS);
                    assertEquals(org.jipsec.core.pfkey.Sadb.SADB_ACQUIRE, acq.type());
                    assertEquals(
                            "10.79.0.2",
                            acq.address(org.jipsec.core.pfkey.Sadb.SADB_EXT_ADDRESS_DST)
                                    .orElseThrow()
                                    .endpoint()
                                    .address()
                                    .getHostAddress());
                } finally {
                    pool.shutdownNow();
                }
                Path add = dir.resolve("add.conf");
                java.nio.file.Files.writeString(
                        add, "add 10.79.0.1 10.79.0.2 esp 0x1001 -E aes-gcm-16 " + K_AB + " ;\n");
                MainTest.Result r = MainTest.run("setkey", "--pfkey", pfkey.toString(), "-f", add.toString());
                assertEquals(0, r.status(), r.err());
                java.net.DatagramPacket back = new java.net.DatagramPacket(new byte[100], 100);
                s.receive(back);
                assertEquals(
                        "held for its SA",
                        new String(back.getData(), 0, back.getLength(), java.nio.charset.StandardCharsets.US_ASCII),
                        "the held datagram went out once the SA came");
            }
        }
    }

    /**
     * Site-to-site with real hosts behind the gateways (five namespaces: H1 — A — R — B — H2): the gateways forward
     * between their LAN veth and the TUN, and the hosts, which know nothing of IPsec, talk through the tunnel.
     */
    @Test
    void hostsBehindTwoGatewaysTalkThroughTheTunnel() throws Exception {
        try (GatewayLab g = new GatewayLab(dir)) {
            String h1 = g.lab.namespace(),
                    a = g.lab.namespace(),
                    r = g.lab.namespace(),
                    b = g.lab.namespace(),
                    h2 = g.lab.namespace();
            VethPair l1 = g.lab.veth(h1, a), ar = g.lab.veth(a, r), rb = g.lab.veth(r, b), l2 = g.lab.veth(b, h2);
            g.lab.address(h1, l1.a(), "10.10.1.10/24");
            g.lab.address(a, l1.b(), "10.10.1.1/24");
            g.lab.address(a, ar.a(), "10.81.1.1/24");
            g.lab.address(r, ar.b(), "10.81.1.254/24");
            g.lab.address(r, rb.a(), "10.81.2.254/24");
            g.lab.address(b, rb.b(), "10.81.2.1/24");
            g.lab.address(b, l2.a(), "10.10.2.1/24");
            g.lab.address(h2, l2.b(), "10.10.2.20/24");
            for (String ns : new String[] {a, r, b}) g.exec(ns, 10, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            g.lab.route(h1, "default", "via", "10.10.1.1");
            g.lab.route(h2, "default", "via", "10.10.2.1");
            g.lab.route(a, "10.81.2.0/24", "via", "10.81.1.254");
            g.lab.route(b, "10.81.1.0/24", "via", "10.81.2.254");
            String sas = "add 10.81.1.1 10.81.2.1 esp 0x2001 -m tunnel -E aes-gcm-16 " + K_AB + " ;\n"
                    + "add 10.81.2.1 10.81.1.1 esp 0x2002 -m tunnel -E aes-gcm-16 " + K_BA + " ;\n";
            GatewayDaemon ga = g.gateway(
                    a,
                    sas
                            + "spdadd 10.10.1.0/24 10.10.2.0/24 any -P out ipsec esp/tunnel/10.81.1.1-10.81.2.1/require ;\n"
                            + "spdadd 10.10.2.0/24 10.10.1.0/24 any -P in ipsec esp/tunnel/10.81.2.1-10.81.1.1/require ;\n");
            g.gateway(
                    b,
                    sas
                            + "spdadd 10.10.2.0/24 10.10.1.0/24 any -P out ipsec esp/tunnel/10.81.2.1-10.81.1.1/require ;\n"
                            + "spdadd 10.10.1.0/24 10.10.2.0/24 any -P in ipsec esp/tunnel/10.81.1.1-10.81.2.1/require ;\n");
            g.lab.route(a, "10.10.2.0/24", "dev", "jipsec0");
            g.lab.route(b, "10.10.1.0/24", "dev", "jipsec0");
            CommandResult ping = g.exec(h1, 20, "ping", "-c", "4", "-i", "0.2", "-W", "2", "10.10.2.20");
            assertTrue(ping.ok(), ping.stdout() + ping.stderr() + g.logs + ga.status());
            g.udpEcho(h2, "10.10.2.20", 7000);
            assertEquals(10, g.udpRoundTrips(h1, "10.10.2.20", 7000, 10, 1000), "UDP echoes\n" + ga.status());
            g.tcpTransfer(h2, "10.10.2.20", 7001, h1, 1 << 20);
            assertTrue(ga.status().contains("esp:"), ga.status());
        }
    }

    /** ESP in UDP 4500 over IPv6 (no NAT: RFC 3948 encapsulation chosen by the SA), tunnel mode between subnets. */
    @Test
    void espInUdpOverIpv6() throws Exception {
        needTshark();
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), "fd83::1/64");
            g.lab.address(b, v.b(), "fd83::2/64");
            g.lab.address(a, "lo", "fd10:1::1/128");
            g.lab.address(b, "lo", "fd10:2::1/128");
            String sas = "add fd83::1[4500] fd83::2[4500] esp-udp 0x3001 -m tunnel -E aes-gcm-16 " + K_AB + " ;\n"
                    + "add fd83::2[4500] fd83::1[4500] esp-udp 0x3002 -m tunnel -E aes-gcm-16 " + K_BA + " ;\n";
            GatewayDaemon ga = g.gateway(
                    a,
                    sas
                            + "spdadd fd10:1::/64 fd10:2::/64 any -P out ipsec esp/tunnel/fd83::1-fd83::2/require ;\n"
                            + "spdadd fd10:2::/64 fd10:1::/64 any -P in ipsec esp/tunnel/fd83::2-fd83::1/require ;\n");
            g.gateway(
                    b,
                    sas
                            + "spdadd fd10:2::/64 fd10:1::/64 any -P out ipsec esp/tunnel/fd83::2-fd83::1/require ;\n"
                            + "spdadd fd10:1::/64 fd10:2::/64 any -P in ipsec esp/tunnel/fd83::1-fd83::2/require ;\n");
            g.lab.route(a, "fd10:2::/64", "dev", "jipsec0", "src", "fd10:1::1");
            g.lab.route(b, "fd10:1::/64", "dev", "jipsec0", "src", "fd10:2::1");
            Path pcap = g.capture(b, v.b());
            CommandResult ping =
                    g.exec(a, 20, "ping", "-c", "4", "-i", "0.2", "-W", "2", "-I", "fd10:1::1", "fd10:2::1");
            assertTrue(ping.ok(), ping.stdout() + ping.stderr() + g.logs + ga.status());
            g.tcpTransfer(b, "fd10:2::1", 7001, a, 1 << 20);
            g.stopCaptures();
            String udp = GatewayLab.tshark(pcap, "-Y", "udp.port == 4500 && esp", "-T", "fields", "-e", "esp.spi");
            assertTrue(udp.contains("0x00003001") && udp.contains("0x00003002"), udp);
        }
    }
}
