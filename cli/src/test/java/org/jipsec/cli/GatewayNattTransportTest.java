package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.Checksums;
import org.jipsec.core.net.TransportChecksum;
import org.jipsec.io.gateway.GatewayDaemon;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.NetnsThread;
import org.jipsec.io.netns.VethPair;
import org.jipsec.testkit.RequiresRoot;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * NetBSD's {@code ipsec_natt_transport_ipv4_<alg>} (tests/net/ipsec/t_ipsec_natt.sh) step by step, with namespaces
 * for its three rump servers and jipsec gateways for their kernels (issue #13): local 10.0.1.2 behind a NAPT
 * (10.0.1.1 / 20.0.0.1; nftables masquerade onto a port range that excludes 4500, as npf's dynamic map picks a new
 * port), remote 20.0.0.2.
 * <ol>
 *   <li>ping and TCP work through the NAPT and leave it translated (the script's checks on the outside bus);</li>
 *   <li>the remote's NAT-T terminator listens on 4500 (here: its gateway, which owns UDP 4500); one UDP datagram
 *       from local 4500 to remote 4500 opens the mapping; then the local terminator takes over local 4500 (its
 *       gateway starts);</li>
 *   <li>the translated port is read from the NAPT's state ({@code npfctl list} there; here from the first datagram
 *       as it left the NAPT, checked against the namespace's conntrack table when the kernel shows it);</li>
 *   <li>the script's policies and {@code esp-udp} SAs go in with {@code setkey -c}, silent and exit 0: the local
 *       node's with ports 4500/4500, the remote's with the translated port ({@code add 10.0.1.2 [PORT] 20.0.0.2
 *       [4500]} in, {@code add 20.0.0.2 [4500] 20.0.0.1 [PORT]} out, the out policy towards the NAPT's address);</li>
 *   <li>ping and a TCP transfer (nc's 512 lines of "0123456789") go through; on the outside the packets are
 *       {@code 20.0.0.1.PORT > 20.0.0.2.4500: UDP-encap} and back, on the inside 10.0.1.2.4500 ↔ 20.0.0.2.4500,
 *       nothing in clear on either side.</li>
 * </ol>
 * Beyond the script: a UDP exchange, and every decapsulated TCP/UDP packet the gateways hand to their kernels (read
 * from the TUN devices) carries a checksum right for the addresses it now has (RFC 3948 §3.1.2; NetBSD's
 * {@code ipsec4_common_input_cb} recomputes it, {@code ipsec4_fixup_checksum}) — the local kernel would otherwise
 * drop the remote's answers, whose checksums were computed towards 20.0.0.1. Root, nft and tshark only.
 */
@RequiresRoot
@RequiresTool({"nft", "tshark"})
class GatewayNattTransportTest {

    static final String LOCAL = "10.0.1.2", NAT_LOCAL = "10.0.1.1", NAT_REMOTE = "20.0.0.1", REMOTE = "20.0.0.2";

    @TempDir
    Path dir;

    @BeforeAll
    static void needRootAndNft() throws Exception {
        GatewayNetbsdParityTest.needRootAndNft();
    }

    @ParameterizedTest(name = "ipsec_natt_transport_ipv4_{0}")
    @CsvSource(
            delimiter = '|',
            value = {"null       | -E null", "rijndaelcbc| -E rijndael-cbc \"aaaaaaaaaaaaaaaa\""})
    void natTransportIpv4ThroughANapt(String name, String algoArgs) throws Exception {
        GatewayEndToEndTest.needTshark();
        try (GatewayLab g = new GatewayLab(dir)) {
            String local = g.lab.namespace(), nat = g.lab.namespace(), remote = g.lab.namespace();
            VethPair inside = g.lab.veth(local, nat), outside = g.lab.veth(nat, remote);
            g.lab.address(local, inside.a(), LOCAL + "/24");
            g.lab.address(nat, inside.b(), NAT_LOCAL + "/24");
            g.lab.address(nat, outside.a(), NAT_REMOTE + "/24");
            g.lab.address(remote, outside.b(), REMOTE + "/24");
            g.lab.route(local, "default", "via", NAT_LOCAL);
            g.exec(nat, 10, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            g.lab.route(remote, "10.0.1.0/24", "via", NAT_REMOTE);

            // There is no NAT/NAPT yet: ping just works, untranslated on the outside.
            Path out = g.capture(nat, outside.a());
            assertTrue(g.exec(local, 10, "ping", "-c", "3", "-i", "0.5", "-n", "-w", "5", REMOTE)
                    .ok());
            awaitOnWire(out, "icmp.type == 0");
            g.stopCaptures();
            String icmp = GatewayLab.tshark(
                    out, "-Y", "icmp", "-T", "fields", "-e", "ip.src", "-e", "ip.dst", "-e", "icmp.type");
            assertTrue(
                    icmp.contains(LOCAL + "\t" + REMOTE + "\t8") && icmp.contains(REMOTE + "\t" + LOCAL + "\t0"), icmp);

            // An NAPT (npf's "map $ext_if dynamic $localnet -> $ext_if"): source address and port translated.
            String rule = "add rule ip nat post oifname \"" + outside.a() + "\" ip saddr 10.0.1.0/24";
            CommandResult nft = g.exec(
                    nat,
                    10,
                    "nft",
                    "add table ip nat; add chain ip nat post { type nat hook postrouting" + " priority 100 ; }; " + rule
                            + " meta l4proto { tcp, udp } masquerade to :40000-49999; " + rule + " masquerade");
            assertTrue(nft.ok(), nft.stderr());
            out = g.capture(nat, outside.a());
            assertTrue(g.exec(local, 10, "ping", "-c", "3", "-i", "0.5", "-n", "-w", "5", REMOTE)
                    .ok());
            g.tcpTransfer(remote, REMOTE, 4501, local, 5632);
            awaitOnWire(out, "tcp.srcport == 4501 && tcp.flags.fin == 1");
            g.stopCaptures();
            icmp = GatewayLab.tshark(
                    out, "-Y", "icmp", "-T", "fields", "-e", "ip.src", "-e", "ip.dst", "-e", "icmp.type");
            assertTrue(
                    icmp.contains(NAT_REMOTE + "\t" + REMOTE + "\t8")
                            && icmp.contains(REMOTE + "\t" + NAT_REMOTE + "\t0"),
                    icmp);
            assertFalse(icmp.contains(LOCAL), icmp);
            String tcp = GatewayLab.tshark(
                    out, "-Y", "tcp", "-T", "fields", "-e", "ip.src", "-e", "ip.dst", "-e", "tcp.dstport");
            assertTrue(tcp.contains(NAT_REMOTE + "\t" + REMOTE + "\t4501") && !tcp.contains(LOCAL), tcp);

            // The remote's NAT-T terminator (its gateway owns UDP 4500), then one datagram local:4500 -> remote:4500
            // opens the mapping, then the local gateway takes over local:4500.
            GatewayDaemon gr = g.gateway(remote, "");
            Path first = g.capture(nat, outside.a());
            try (DatagramSocket s = NetnsThread.call(
                    local, () -> new DatagramSocket(new InetSocketAddress(InetAddress.getByName(LOCAL), 4500)))) {
                byte[] zzz = "zzz\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(zzz, zzz.length, new InetSocketAddress(InetAddress.getByName(REMOTE), 4500)));
            }
            awaitOnWire(first, "udp.dstport == 4500");
            g.stopCaptures();
            GatewayDaemon gl = g.gateway(local, "");

            // The translated port: from the first datagram on the outside, and from the NAPT's state where the
            // kernel shows it (npfctl list there, /proc/net/nf_conntrack here).
            String seen = GatewayLab.tshark(
                            first,
                            "-Y",
                            "ip.src == " + NAT_REMOTE + " && udp.dstport == 4500",
                            "-T",
                            "fields",
                            "-e",
                            "udp.srcport")
                    .strip();
            assertTrue(seen.matches("\\d+"), "the first datagram, translated, on the outside: " + seen);
            int port = Integer.parseInt(seen);
            assertTrue(port >= 40000 && port <= 49999, "translated port " + port);
            if (Files.exists(Path.of("/proc/net/nf_conntrack"))) assertEquals(port, translatedPort(g, nat));

            // The script's setup_sp and add_sa, through setkey over PF_KEY: silent, exit 0.
            setkey(
                    local,
                    "spdadd " + LOCAL + " " + REMOTE + " any -P out ipsec esp/transport//require;\n" + "spdadd "
                            + REMOTE + " " + LOCAL + " any -P in ipsec esp/transport//require;\n");
            setkey(
                    remote,
                    "spdadd " + REMOTE + " " + NAT_REMOTE + " any -P out ipsec esp/transport//require;\n" + "spdadd "
                            + LOCAL + " " + REMOTE + " any -P in ipsec esp/transport//require;\n");
            setkey(
                    local,
                    "add " + LOCAL + " [4500] " + REMOTE + " [4500] esp-udp 10000 " + algoArgs + ";\n" + "add " + REMOTE
                            + " [4500] " + LOCAL + " [4500] esp-udp 10001 " + algoArgs + ";\n");
            setkey(
                    remote,
                    "add " + LOCAL + " [" + port + "] " + REMOTE + " [4500] esp-udp 10000 " + algoArgs + ";\n" + "add "
                            + REMOTE + " [4500] " + NAT_REMOTE + " [" + port + "] esp-udp 10001 " + algoArgs + ";\n");
            // The kernels' routes to the peers go through the gateways' TUN devices.
            g.transportRouting(local, LOCAL, REMOTE);
            g.transportRouting(remote, REMOTE, NAT_REMOTE);

            Path outsideCap = g.capture(nat, outside.a()), insideCap = g.capture(nat, inside.b());
            Path localTun = g.capture(local, "jipsec0"), remoteTun = g.capture(remote, "jipsec0");
            CommandResult ping = g.exec(local, 10, "ping", "-c", "3", "-i", "0.5", "-n", "-w", "5", REMOTE);
            assertTrue(ping.ok(), ping.stdout() + ping.stderr() + g.logs + gl.status() + gr.status());
            g.tcpTransfer(remote, REMOTE, 4511, local, 5632); // nc's 4501 again; the lab keeps the first listener open
            g.udpEcho(remote, REMOTE, 4502);
            assertEquals(5, g.udpRoundTrips(local, REMOTE, 4502, 5, 600), "UDP echoes\n" + gl.status() + gr.status());
            awaitOnWire(outsideCap, "ip.src == " + REMOTE + " && udp.length > 600");
            awaitOnWire(insideCap, "ip.src == " + REMOTE + " && udp.length > 600");
            awaitOnWire(localTun, "udp.srcport == 4502");
            awaitOnWire(remoteTun, "udp.srcport == 4502");
            g.stopCaptures();

            String outsideUdp = GatewayLab.tshark(
                    outsideCap,
                    "-Y",
                    "udp",
                    "-T",
                    "fields",
                    "-e",
                    "ip.src",
                    "-e",
                    "udp.srcport",
                    "-e",
                    "ip.dst",
                    "-e",
                    "udp.dstport",
                    "-e",
                    "esp.spi");
            assertTrue(
                    outsideUdp.contains(NAT_REMOTE + "\t" + port + "\t" + REMOTE + "\t4500\t0x00002710"), outsideUdp);
            assertTrue(
                    outsideUdp.contains(REMOTE + "\t4500\t" + NAT_REMOTE + "\t" + port + "\t0x00002711"), outsideUdp);
            String insideUdp = GatewayLab.tshark(
                    insideCap,
                    "-Y",
                    "udp",
                    "-T",
                    "fields",
                    "-e",
                    "ip.src",
                    "-e",
                    "udp.srcport",
                    "-e",
                    "ip.dst",
                    "-e",
                    "udp.dstport",
                    "-e",
                    "esp.spi");
            assertTrue(insideUdp.contains(LOCAL + "\t4500\t" + REMOTE + "\t4500\t0x00002710"), insideUdp);
            assertTrue(insideUdp.contains(REMOTE + "\t4500\t" + LOCAL + "\t4500\t0x00002711"), insideUdp);
            for (Path p : List.of(outsideCap, insideCap)) {
                String clear = GatewayLab.tshark(
                        p,
                        "-Y",
                        "ip && !(udp.port == 4500 && esp)",
                        "-T",
                        "fields",
                        "-e",
                        "frame.number",
                        "-e",
                        "ip.src",
                        "-e",
                        "ip.dst",
                        "-e",
                        "ip.proto");
                assertEquals("", clear.strip(), "only ESP in UDP on " + p.getFileName());
            }

            // What the gateways handed to their kernels after decapsulation: checksums right for the new addresses.
            assertInboundChecksums(localTun, LOCAL);
            assertInboundChecksums(remoteTun, REMOTE);
        }
    }

    /** Every TCP/UDP packet to {@code self} in a TUN capture (the decapsulated ones) has a correct checksum. */
    private static void assertInboundChecksums(Path tunCapture, String self) throws Exception {
        byte[] me = InetAddress.getByName(self).getAddress();
        int seen = 0;
        List<String> bad = new ArrayList<>();
        for (byte[] ip : GatewayNetbsdParityTest.packets(tunCapture)) {
            int proto = GatewayNetbsdParityTest.protocol(ip);
            if ((ip[0] & 0xf0) != 0x40 || (proto != 6 && proto != 17)) continue;
            if (!java.util.Arrays.equals(ip, 16, 20, me, 0, 4)) continue;
            seen++;
            if (TransportChecksum.verify(ip, 0, ip.length)) continue;
            // A TSO super-packet of coalesced segments (TunWriteBatch, offloads on) carries the partial checksum
            // (F_NEEDS_CSUM: the folded pseudo-header sum, here over the addresses it has now); each segment's own
            // checksum was verified before it was folded in.
            int ihl = (ip[0] & 0x0f) * 4;
            boolean superPacket = proto == 6
                    && ip.length > 1400
                    && Bytes.u16(ip, ihl + 16)
                            == Checksums.fold(TransportChecksum.pseudoHeaderIpv4(ip, 0, 16, 6, ip.length - ihl));
            if (!superPacket) bad.add(GatewayNetbsdParityTest.describe(List.of(ip)));
        }
        assertTrue(seen > 5, "decapsulated TCP/UDP packets to " + self + ": " + seen);
        assertEquals(List.of(), bad, "wrong inner checksums after the NAT (" + self + ")");
    }

    /**
     * Waits (bounded, 10 s) until dumpcap has written a packet matching {@code filter} to {@code capture}: dumpcap
     * stopped right after the traffic may not have drained its buffer yet. Not a pass/fail condition by itself.
     */
    private static void awaitOnWire(Path capture, String filter) throws Exception {
        for (int i = 0; i < 50; i++) {
            if (!GatewayLab.tshark(capture, "-Y", filter, "-T", "fields", "-e", "frame.number")
                    .isBlank()) return;
            Thread.sleep(200);
        }
    }

    /** The NAPT's translated source port for local:4500 -> remote:4500, from its conntrack table. */
    private static int translatedPort(GatewayLab g, String nat) throws Exception {
        Pattern p = Pattern.compile("src=" + Pattern.quote(LOCAL) + " dst=" + Pattern.quote(REMOTE)
                + " sport=4500 dport=4500 .*?src=" + Pattern.quote(REMOTE) + " dst=" + Pattern.quote(NAT_REMOTE)
                + " sport=4500 dport=(\\d+)");
        String table = "";
        for (int i = 0; i < 50; i++) {
            table = g.exec(nat, 10, "cat", "/proc/net/nf_conntrack").stdout();
            Matcher m = p.matcher(table);
            if (m.find()) return Integer.parseInt(m.group(1));
            Thread.sleep(100);
        }
        throw new AssertionError("Failed to get a translated port on NAPT:\n" + table);
    }

    private void setkey(String ns, String text) throws Exception {
        Path f = Files.createTempFile(dir, ns, ".setkey");
        Files.writeString(f, text);
        assertEquals(
                new MainTest.Result(0, "", ""),
                MainTest.run("setkey", "--pfkey", dir.resolve(ns + ".pfkey").toString(), "-f", f.toString()),
                text);
    }
}
