package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jipsec.cli.metrics.GatewayMetrics;
import org.jipsec.cli.metrics.MetricsEndpoint;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.SpdPolicyStore;
import org.jipsec.core.spd.Spd;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.io.pfkey.PfkeyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packaging/grafana/jipsec-gateway.json: valid JSON (a strict parser below), and every metric name in every query
 * is one the gateway exports ({@link GatewayMetrics#NAMES}) or one a real scrape shows (the client library's
 * {@code jvm_*} / {@code process_*}).
 */
class GrafanaDashboardTest {

    static final Path DASHBOARD = Path.of("..", "packaging", "grafana", "jipsec-gateway.json");

    @TempDir
    Path dir;

    /** PromQL words that are not metric names. */
    private static final Set<String> PROMQL = Set.of(
            "sum",
            "by",
            "without",
            "rate",
            "increase",
            "irate",
            "avg",
            "max",
            "min",
            "count",
            "topk",
            "bottomk",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "and",
            "or",
            "unless",
            "offset",
            "label_values",
            "histogram_quantile",
            "delta",
            "deriv",
            "abs",
            "clamp_min",
            "bool");

    @Test
    void everyQueryUsesAnExportedMetric() throws Exception {
        String json = Files.readString(DASHBOARD);
        List<String> exprs = new ArrayList<>();
        new Json(json, exprs).document();
        assertTrue(exprs.size() >= 15, "queries: " + exprs);
        Set<String> known = new HashSet<>(GatewayMetrics.NAMES);
        known.addAll(scrapedNames());
        Set<String> used = new HashSet<>();
        for (String e : exprs) {
            for (String name : metricNames(e)) {
                assertTrue(known.contains(name), "'" + name + "' in " + e + " is not exported; known: " + known);
                used.add(name);
            }
        }
        for (String n : List.of(
                "jipsec_sa_bytes_total",
                "jipsec_sa_replay_drops_total",
                "jipsec_xform_drops_total",
                "jipsec_socket_receive_queue_drops_total",
                "jipsec_pfkey_clients",
                "jipsec_policies",
                "jipsec_sas")) {
            assertTrue(used.contains(n), "the dashboard shows " + n);
        }
        assertEquals(
                List.of("jipsec_sas", "jipsec_sa_bytes_total"),
                metricNames("sum by (proto) (jipsec_sas{a=\"b\"}) "
                        + "+ rate(jipsec_sa_bytes_total{x=~\"y|z\"}[$__rate_interval])"),
                "the name scanner itself");
    }

    /** Identifiers of a PromQL expression outside strings, label matchers and ranges, that are not functions. */
    static List<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*\\}", " ")
                .replaceAll("\\[[^]]*\\]", " ")
                .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " ");
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?").matcher(s);
        while (m.find()) {
            if (m.group(1) != null) continue; // a function call
            String w = m.group().strip();
            if (PROMQL.contains(w) || w.startsWith("$")) continue;
            if (m.start() > 0 && (Character.isDigit(s.charAt(m.start() - 1)) || s.charAt(m.start() - 1) == '$'))
                continue;
            out.add(w);
        }
        return out;
    }

    private Set<String> scrapedNames() throws Exception {
        Sysctl sysctl = Sysctl.withNetbsdDefaults();
        KeyEngine engine = new KeyEngine(
                new KeySettings().bindTo(sysctl),
                () -> System.currentTimeMillis() / 1000,
                new SecureRandom(),
                new SpdPolicyStore(new Spd(InstantSource.system(), sysctl)),
                AlgorithmCatalog.TABLE);
        try (PfkeyServer server = PfkeyServer.start(engine, dir.resolve("pfkey"));
                MetricsEndpoint m = MetricsEndpoint.start(
                        MetricsEndpoint.parse("127.0.0.1:0", false), new GatewayMetrics(server, null, 10, () -> 0))) {
            Set<String> names = new HashSet<>();
            PromText.parse(MetricsEndpointTest.scrape(m.url()))
                    .values()
                    .forEach(f -> f.samples().forEach(s -> names.add(s.name())));
            assertFalse(names.isEmpty());
            return names;
        }
    }

    /** A strict JSON (RFC 8259) reader that collects the values of "expr" members. */
    static final class Json {
        private final String s;
        private final List<String> exprs;
        private int i;

        Json(String s, List<String> exprs) {
            this.s = s;
            this.exprs = exprs;
        }

        void document() {
            value();
            ws();
            if (i != s.length()) throw err("trailing text");
        }

        private void value() {
            ws();
            if (i >= s.length()) throw err("value expected");
            char c = s.charAt(i);
            switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                default -> {
                    Matcher m = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?|true|false|null")
                            .matcher(s)
                            .region(i, s.length());
                    if (!m.lookingAt()) throw err("bad value");
                    i = m.end();
                }
            }
        }

        private void object() {
            i++;
            ws();
            if (peek() == '}') {
                i++;
                return;
            }
            while (true) {
                ws();
                if (peek() != '"') throw err("member name expected");
                String key = string();
                ws();
                if (peek() != ':') throw err("':' expected");
                i++;
                ws();
                if (key.equals("expr")) {
                    if (peek() != '"') throw err("expr must be a string");
                    exprs.add(string());
                } else {
                    value();
                }
                ws();
                char c = peek();
                i++;
                if (c == '}') return;
                if (c != ',') throw err("',' or '}' expected");
            }
        }

        private void array() {
            i++;
            ws();
            if (peek() == ']') {
                i++;
                return;
            }
            while (true) {
                value();
                ws();
                char c = peek();
                i++;
                if (c == ']') return;
                if (c != ',') throw err("',' or ']' expected");
            }
        }

        private String string() {
            StringBuilder b = new StringBuilder();
            i++;
            while (true) {
                if (i >= s.length()) throw err("unterminated string");
                char c = s.charAt(i++);
                if (c == '"') return b.toString();
                if (c < 0x20) throw err("control character in string");
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> throw err("bad escape");
                }
            }
        }

        private char peek() {
            if (i >= s.length()) throw err("unexpected end");
            return s.charAt(i);
        }

        private void ws() {
            while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) i++;
        }

        private IllegalArgumentException err(String what) {
            return new IllegalArgumentException(DASHBOARD + ": " + what + " at offset " + i);
        }
    }
}
