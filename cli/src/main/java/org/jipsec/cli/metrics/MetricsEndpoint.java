package org.jipsec.cli.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code jipsec gateway --metrics HOST:PORT}: the Prometheus endpoint ({@code GET /metrics}) served by the Prometheus
 * Java client's HTTP server (the JDK's {@code com.sun.net.httpserver}) with the client library's exposition formats,
 * on one daemon thread ({@code jipsec-metrics}: scrapes are served one at a time, so they cannot pile up on the
 * engine lock). Exports {@link GatewayMetrics} and the library's JVM and process metrics ({@code jvm_*},
 * {@code process_*}).
 *
 * <p>Only a loopback address is accepted unless {@code allowRemote}: the endpoint has neither authentication nor TLS,
 * and what it tells (peer addresses, SPIs, traffic volume per SA, drop counts) helps traffic analysis and attacks on
 * the tunnels; exposing it beyond the host is a decision to make explicitly, for a management network or behind a
 * proxy that authenticates.
 */
public final class MetricsEndpoint implements AutoCloseable {

    /** A refused or unparsable {@code --metrics} value (the gateway then does not start). */
    public static final class AddressException extends Exception {
        private static final long serialVersionUID = 1L;

        AddressException(String message) {
            super(message);
        }
    }

    private final HTTPServer http;
    private final ExecutorService executor;
    private final InetSocketAddress address;

    private MetricsEndpoint(HTTPServer http, ExecutorService executor, InetSocketAddress address) {
        this.http = http;
        this.executor = executor;
        this.address = address;
    }

    /**
     * Parses {@code HOST:PORT} ({@code 127.0.0.1:9199}, {@code [::1]:9199}, {@code localhost:9199}; port 0 = any
     * free port). HOST must be an IP literal or {@code localhost}: no name is resolved.
     */
    public static InetSocketAddress parse(String spec, boolean allowRemote) throws AddressException {
        int colon = spec.lastIndexOf(':');
        if (colon <= 0 || colon == spec.length() - 1) {
            throw new AddressException("--metrics " + spec + ": expected HOST:PORT, e.g. 127.0.0.1:9199 or [::1]:9199");
        }
        String host = spec.substring(0, colon);
        String portText = spec.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        else if (host.contains(":"))
            throw new AddressException("--metrics " + spec + ": write an IPv6 address in brackets, [::1]:9199");
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535)
            throw new AddressException("--metrics " + spec + ": port " + portText + " is not 0..65535");
        InetAddress a;
        if (host.equals("localhost")) {
            a = InetAddress.getLoopbackAddress();
        } else if (host.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            try {
                a = InetAddress.getByName(host); // a literal: no lookup
            } catch (UnknownHostException e) {
                throw new AddressException("--metrics " + spec + ": " + host + " is not an IP address");
            }
        } else {
            throw new AddressException(
                    "--metrics " + spec + ": " + host + " is not an IP address (names are not resolved)");
        }
        if (!a.isLoopbackAddress() && !allowRemote) {
            throw new AddressException(
                    "--metrics " + spec + ": " + host + " is not a loopback address; the endpoint has no "
                            + "authentication and shows peers, SPIs and traffic per SA, so serving it beyond this host needs "
                            + "--metrics-allow-remote");
        }
        return new InetSocketAddress(a, port);
    }

    /** Serves {@code metrics} and the JVM/process metrics on {@code address}. */
    public static MetricsEndpoint start(InetSocketAddress address, GatewayMetrics metrics) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(metrics);
        JvmMetrics.builder().register(registry);
        ExecutorService executor = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("jipsec-metrics").daemon().factory());
        try {
            HTTPServer http = HTTPServer.builder()
                    .inetAddress(address.getAddress())
                    .port(address.getPort())
                    .registry(registry)
                    .executorService(executor)
                    .buildAndStart();
            return new MetricsEndpoint(http, executor, new InetSocketAddress(address.getAddress(), http.getPort()));
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
    }

    /** The bound address (the actual port when 0 was asked for). */
    public InetSocketAddress address() {
        return address;
    }

    /** The scrape URL, for the log. */
    public String url() {
        InetAddress a = address.getAddress();
        String host = a instanceof java.net.Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        return "http://" + host + ":" + address.getPort() + "/metrics";
    }

    @Override
    public void close() {
        http.close();
        executor.shutdownNow();
    }
}
