package org.jipsec.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.jipsec.cli.metrics.GatewayMetrics;
import org.jipsec.cli.metrics.MetricsEndpoint;
import org.jipsec.io.gateway.GatewayDaemon;
import org.jipsec.io.pfkey.PfkeyServer;

/** {@code jipsec gateway --metrics}: starts the endpoint once the engine runs, or says why it cannot. */
final class GatewayMetricsStart {
    private GatewayMetricsStart() {}

    /**
     * @param address where to serve (already checked by {@link MetricsEndpoint#parse}), or null: no endpoint
     * @param daemon  the data plane, or null ({@code --no-tun})
     * @return the endpoint, or null when {@code address} is null
     * @throws IOException when the address cannot be bound (logged; the gateway then stops: it was asked for metrics)
     */
    static MetricsEndpoint start(
            InetSocketAddress address,
            GatewayCommand c,
            PfkeyServer server,
            GatewayDaemon daemon,
            GatewayDaemon.Log log)
            throws IOException {
        if (address == null) return null;
        try {
            MetricsEndpoint m = MetricsEndpoint.start(
                    address,
                    new GatewayMetrics(server, daemon, c.metricsMaxSaSeries, () -> System.currentTimeMillis() / 1000));
            log.line("jipsec gateway: metrics on " + m.url() + " (at most " + c.metricsMaxSaSeries + " SAs with "
                    + "per-SA series)");
            return m;
        } catch (IOException | RuntimeException e) {
            log.line("jipsec gateway: cannot serve metrics on " + address + ": " + e.getMessage() + "; not starting");
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }
}
