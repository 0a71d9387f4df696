package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.NetnsThread;
import org.jipsec.io.netns.VethPair;
import org.jipsec.testkit.RequiresRoot;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #18: {@code jipsec gateway --metrics} scraped during an end-to-end run of two gateways (child processes in
 * network namespaces, a tunnel-mode ESP SA pair). A ping through the tunnel moves the per-SA packet and byte
 * counters; a replayed ESP packet (sequence number 1 again, sent raw from the peer's namespace) moves the SA's replay
 * drops and the ESP replay drop counter. The scrape is parsed strictly ({@link PromText}). A gateway started without
 * {@code --metrics} listens on no TCP port.
 */
@RequiresRoot
@RequiresTool("python3")
class GatewayMetricsEndToEndTest {

    @TempDir
    Path dir;

    private static final String SA_A_TO_B = "0x00003101", SA_B_TO_A = "0x00003102";

    @Test
    void trafficMovesThePerSaAndDropCounters() throws Exception {
        DaemonProcess.need("python3");
        try (NetnsLab lab = new NetnsLab()) {
            String a = lab.namespace(), b = lab.namespace();
            VethPair v = lab.veth(a, b);
            lab.address(a, v.a(), "10.79.0.1/24");
            lab.address(b, v.b(), "10.79.0.2/24");
            lab.address(a, "lo", "10.79.1.1/32");
            lab.address(b, "lo", "10.79.2.1/32");
            String sas = "add 10.79.0.1 10.79.0.2 esp " + SA_A_TO_B + " -m tunnel -r 32 -E aes-gcm-16 "
                    + GatewayEndToEndTest.K_AB + " ;\n" + "add 10.79.0.2 10.79.0.1 esp " + SA_B_TO_A
                    + " -m tunnel -r 32 -E aes-gcm-16 " + GatewayEndToEndTest.K_BA + " ;\n";
            Path ca = dir.resolve("a.conf"), cb = dir.resolve("b.conf");
            Files.writeString(
                    ca,
                    sas + "spdadd 10.79.1.1 10.79.2.1 any -P out ipsec esp/tunnel/10.79.0.1-10.79.0.2/require ;\n"
                            + "spdadd 10.79.2.1 10.79.1.1 any -P in ipsec esp/tunnel/10.79.0.2-10.79.0.1/require ;\n");
            Files.writeString(
                    cb,
                    sas + "spdadd 10.79.2.1 10.79.1.1 any -P out ipsec esp/tunnel/10.79.0.2-10.79.0.1/require ;\n"
                            + "spdadd 10.79.1.1 10.79.2.1 any -P in ipsec esp/tunnel/10.79.0.1-10.79.0.2/require ;\n");
            try (DaemonProcess ga = DaemonProcess.start(
                            dir,
                            "a",
                            a,
                            "jipmet0",
                            "--config",
                            ca.toString(),
                            "--pfkey",
                            dir.resolve("a.pfkey").toString(),
                            "--no-policy-guard",
                            "--metrics",
                            "127.0.0.1:9199");
                    DaemonProcess gb = DaemonProcess.start(
                            dir,
                            "b",
                            b,
                            "jipmet0",
                            "--config",
                            cb.toString(),
                            "--pfkey",
                            dir.resolve("b.pfkey").toString(),
                            "--no-policy-guard")) {
                assertTrue(ga.stderr().contains("metrics on http://127.0.0.1:9199/metrics"), ga.stderr());
                Map<String, PromText.Family> before = PromText.parse(scrape(a));
                assertEquals(
                        0,
                        PromText.value(before, "jipsec_sa_packets_total", "jipsec_sa_packets_total", "spi", SA_A_TO_B));
                assertEquals(2, PromText.value(before, "jipsec_sas", "jipsec_sas", "proto", "esp", "state", "mature"));

                lab.route(a, "10.79.2.1/32", "dev", "jipmet0", "src", "10.79.1.1");
                lab.route(b, "10.79.1.1/32", "dev", "jipmet0", "src", "10.79.2.1");
                CommandResult ping = lab.exec(
                        a,
                        Duration.ofSeconds(20),
                        "ping",
                        "-c",
                        "3",
                        "-i",
                        "0.2",
                        "-W",
                        "2",
                        "-I",
                        "10.79.1.1",
                        "10.79.2.1");
                assertTrue(ping.ok(), ping.stdout() + ping.stderr() + ga.stderr() + gb.stderr());
                // a replay of B's first packet to A: SPI of the B->A SA, sequence number 1 (seen), junk after it
                CommandResult replay = lab.exec(
                        b,
                        Duration.ofSeconds(20),
                        "python3",
                        "-c",
                        "import socket,struct; s=socket.socket(socket.AF_INET,socket.SOCK_RAW,50); "
                                + "s.sendto(struct.pack('!II'," + SA_B_TO_A + ",1)+bytes(48),('10.79.0.1',0))");
                assertTrue(replay.ok(), replay.stdout() + replay.stderr());

                Map<String, PromText.Family> f = null;
                double replayed = 0;
                for (int i = 0; i < 100 && replayed < 1; i++) { // the raw packet reaches A's loop asynchronously
                    String text = scrape(a);
                    f = PromText.parse(text);
                    replayed = PromText.value(
                            f, "jipsec_sa_replay_drops_total", "jipsec_sa_replay_drops_total", "spi", SA_B_TO_A);
                    if (replayed < 1) Thread.sleep(50);
                    else Files.writeString(Path.of("target/metrics-end-to-end.prom"), text);
                }
                assertEquals(
                        1,
                        replayed,
                        "the replayed packet counted on its SA: " + f.get("jipsec_xform_drops_total")
                                + f.get("jipsec_sa_replay_drops_total") + f.get("jipsec_dataplane_packets_total")
                                + ga.stderr());
                String[] out = {
                    "spi", SA_A_TO_B, "src", "10.79.0.1", "dst", "10.79.0.2", "proto", "esp", "mode", "tunnel"
                };
                assertTrue(
                        PromText.value(f, "jipsec_sa_packets_total", "jipsec_sa_packets_total", out) >= 3,
                        f.toString());
                assertTrue(
                        PromText.value(f, "jipsec_sa_bytes_total", "jipsec_sa_bytes_total", out) >= 3 * 84,
                        f.toString());
                assertTrue(
                        PromText.value(f, "jipsec_sa_packets_total", "jipsec_sa_packets_total", "spi", SA_B_TO_A) >= 3);
                assertEquals(
                        1,
                        PromText.value(
                                f,
                                "jipsec_xform_drops_total",
                                "jipsec_xform_drops_total",
                                "proto",
                                "esp",
                                "reason",
                                "replay"));
                assertTrue(PromText.value(
                                f,
                                "jipsec_xform_packets_total",
                                "jipsec_xform_packets_total",
                                "proto",
                                "esp",
                                "direction",
                                "out")
                        >= 3);
                assertTrue(PromText.value(
                                f,
                                "jipsec_dataplane_packets_total",
                                "jipsec_dataplane_packets_total",
                                "counter",
                                "tun_in")
                        >= 3);
                assertEquals(
                        0,
                        PromText.value(
                                f,
                                "jipsec_socket_receive_queue_drops_total",
                                "jipsec_socket_receive_queue_drops_total"));
                assertEquals(1, PromText.value(f, "jipsec_policies", "jipsec_policies", "direction", "out"));
                assertTrue(PromText.value(
                                f, "jipsec_ipsec_stats_total", "jipsec_ipsec_stats_total", "counter", "spdcachelookup")
                        >= 0);
                // every family the dashboard may use is in a data plane's scrape (the lifetime gauges only with
                // lifetimes)
                for (String name : org.jipsec.cli.metrics.GatewayMetrics.NAMES) {
                    if (name.startsWith("jipsec_sa_lifetime_remaining_")) continue;
                    assertTrue(f.containsKey(name), name + " not in the scrape: " + f.keySet());
                }
                // B was started without --metrics: nothing listens in its namespace
                CommandResult ss = lab.exec(b, Duration.ofSeconds(10), "ss", "-Htln");
                assertTrue(ss.ok(), ss.stderr());
                assertEquals("", ss.stdout().strip(), "no TCP listener without --metrics");
                assertTrue(!gb.stderr().contains("metrics on"), gb.stderr());
            }
        }
    }

    /** GET /metrics on 127.0.0.1:9199 from inside {@code ns} (HTTP/1.0 over a socket made in the namespace). */
    static String scrape(String ns) throws Exception {
        return NetnsThread.call(ns, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", 9199), 5000);
                s.setSoTimeout(20_000);
                OutputStream o = s.getOutputStream();
                o.write("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                o.flush();
                InputStream in = s.getInputStream();
                String r = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                int body = r.indexOf("\r\n\r\n");
                assertTrue(
                        r.startsWith("HTTP/1.1 200") || r.startsWith("HTTP/1.0 200"),
                        r.lines().findFirst().orElse(r));
                assertTrue(
                        r.substring(0, body).toLowerCase().contains("content-type: text/plain; version=0.0.4"),
                        r.substring(0, body));
                return r.substring(body + 4);
            }
        });
    }
}
