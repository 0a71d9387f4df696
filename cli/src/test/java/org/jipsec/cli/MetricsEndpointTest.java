package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import org.jipsec.cli.metrics.GatewayMetrics;
import org.jipsec.cli.metrics.MetricsEndpoint;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.SpdPolicyStore;
import org.jipsec.core.spd.Spd;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.io.gateway.ConfigReloader;
import org.jipsec.io.pfkey.PfkeyClient;
import org.jipsec.io.pfkey.PfkeyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jipsec gateway --metrics} without a data plane: the address rules, and a scrape of the key engine's metrics
 * through the Prometheus client's HTTP server, parsed strictly ({@link PromText}), with the per-SA series capped.
 */
class MetricsEndpointTest {

    @TempDir
    Path dir;

    @Test
    void onlyLoopbackUnlessAllowedAndNoNameIsResolved() throws Exception {
        assertEquals(9199, MetricsEndpoint.parse("127.0.0.1:9199", false).getPort());
        assertTrue(MetricsEndpoint.parse("[::1]:0", false).getAddress().isLoopbackAddress());
        assertTrue(MetricsEndpoint.parse("localhost:9199", false).getAddress().isLoopbackAddress());
        var e = assertThrows(
                MetricsEndpoint.AddressException.class, () -> MetricsEndpoint.parse("0.0.0.0:9199", false));
        assertTrue(e.getMessage().contains("--metrics-allow-remote"), e.getMessage());
        assertThrows(MetricsEndpoint.AddressException.class, () -> MetricsEndpoint.parse("192.0.2.1:9199", false));
        assertEquals(9199, MetricsEndpoint.parse("192.0.2.1:9199", true).getPort());
        for (String bad : new String[] {
            "9199", "127.0.0.1:", "127.0.0.1:70000", "127.0.0.1:x", "example.invalid:9199", "::1:9199", ":9199"
        }) {
            assertThrows(MetricsEndpoint.AddressException.class, () -> MetricsEndpoint.parse(bad, true), bad);
        }
    }

    @Test
    void aNonLoopbackAddressIsRefusedBeforeAnythingStarts() {
        MainTest.Result r = MainTest.run(
                "gateway", "--no-tun", "--pfkey", dir.resolve("pfkey").toString(), "--metrics", "0.0.0.0:9199");
        assertEquals(2, r.status(), r.out() + r.err());
        assertTrue(r.err().contains("not a loopback address"), r.err());
        assertTrue(Files.notExists(dir.resolve("pfkey")), "nothing was started");
    }

    @Test
    void keyEngineMetricsWithCappedPerSaSeries() throws Exception {
        Sysctl sysctl = Sysctl.withNetbsdDefaults();
        KeyEngine engine = new KeyEngine(
                new KeySettings().bindTo(sysctl),
                () -> System.currentTimeMillis() / 1000,
                new SecureRandom(),
                new SpdPolicyStore(new Spd(InstantSource.system(), sysctl)),
                AlgorithmCatalog.TABLE);
        StringBuilder conf = new StringBuilder();
        for (int i = 1; i <= 5; i++) {
            conf.append("add 10.90.0.1 10.90.0.2 esp 0x")
                    .append(Integer.toHexString(0x100 + i))
                    .append(" -m tunnel -lh 3600 -ls 3000 -E aes-gcm-16 ")
                    .append(GatewayEndToEndTest.K_AB)
                    .append(" ;\n");
        }
        conf.append("spdadd 10.91.0.0/16 10.92.0.0/16 any -P out ipsec esp/tunnel/10.90.0.1-10.90.0.2/require ;\n");
        conf.append("spdadd 10.92.0.0/16 10.91.0.0/16 any -P in ipsec esp/tunnel/10.90.0.2-10.90.0.1/require ;\n");
        Path file = dir.resolve("ipsec.conf");
        Files.writeString(file, conf);
        new ConfigReloader(GatewayConfigFile.of(file), engine, line -> {}).loadAtStart();
        try (PfkeyServer server = PfkeyServer.start(engine, dir.resolve("pfkey"));
                MetricsEndpoint m = MetricsEndpoint.start(
                        MetricsEndpoint.parse("127.0.0.1:0", false),
                        new GatewayMetrics(server, null, 2, () -> System.currentTimeMillis() / 1000))) {
            String text = scrape(m.url());
            Files.writeString(Path.of("target/metrics-key-engine.prom"), text);
            Map<String, PromText.Family> f = PromText.parse(text);
            assertEquals(5, PromText.value(f, "jipsec_sas", "jipsec_sas", "proto", "esp", "state", "mature"));
            assertEquals(1, PromText.value(f, "jipsec_policies", "jipsec_policies", "direction", "in"));
            assertEquals(1, PromText.value(f, "jipsec_policies", "jipsec_policies", "direction", "out"));
            assertEquals(
                    2,
                    f.get("jipsec_sa_bytes_total").samples().size(),
                    "capped at 2: " + f.get("jipsec_sa_bytes_total"));
            assertEquals(3, PromText.value(f, "jipsec_sa_series_omitted", "jipsec_sa_series_omitted"));
            double left = PromText.value(
                    f,
                    "jipsec_sa_lifetime_remaining_seconds",
                    "jipsec_sa_lifetime_remaining_seconds",
                    "spi",
                    "0x00000101",
                    "src",
                    "10.90.0.1",
                    "dst",
                    "10.90.0.2",
                    "proto",
                    "esp",
                    "mode",
                    "tunnel");
            assertTrue(left > 3500 && left <= 3600, "hard lifetime 3600 s: " + left);
            assertEquals(0, PromText.value(f, "jipsec_pfkey_clients", "jipsec_pfkey_clients"));
            assertTrue(
                    f.keySet().stream().anyMatch(n -> n.startsWith("jvm_memory")),
                    f.keySet().toString());
            assertTrue(
                    f.keySet().stream().anyMatch(n -> n.startsWith("process_")),
                    f.keySet().toString());
            assertTrue(f.keySet()
                    .containsAll(java.util.List.of("jipsec_sa_packets_total", "jipsec_sa_replay_drops_total")));
            // a scraper that prefers Prometheus' protobuf format (Prometheus with native histograms) gets it
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<byte[]> pb = http.send(
                        HttpRequest.newBuilder(URI.create(m.url()))
                                .timeout(Duration.ofSeconds(20))
                                .header(
                                        "Accept",
                                        "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; "
                                                + "encoding=delimited")
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, pb.statusCode(), new String(pb.body(), java.nio.charset.StandardCharsets.UTF_8));
                assertTrue(pb.headers()
                        .firstValue("Content-Type")
                        .orElse("")
                        .startsWith("application/vnd.google.protobuf"));
            }
            try (PfkeyClient c = PfkeyClient.connect(dir.resolve("pfkey"))) {
                double clients = 0;
                for (int i = 0; i < 100 && clients < 1; i++) { // the server registers the socket on accept
                    clients = PromText.value(
                            PromText.parse(scrape(m.url())), "jipsec_pfkey_clients", "jipsec_pfkey_clients");
                    if (clients < 1) Thread.sleep(20);
                }
                assertEquals(1, clients);
            }
        }
    }

    static String scrape(String url) throws Exception {
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(20))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(
                    r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                    r.headers().toString());
            return r.body();
        }
    }
}
