package org.jipsec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.io.gateway.GatewayDaemon;
import org.jipsec.io.gateway.GatewayOptions;
import org.jipsec.io.sysctl.SysctlServer;

/**
 * {@code jipsec gateway} with its data plane (issue #7): starts a {@link GatewayDaemon} in this process's network
 * namespace, serves the sysctl socket beside the PF_KEY one, and handles the signals:
 * <ul>
 *   <li>SIGHUP: reload {@code --config} (only what changed is removed or added; a bad file changes nothing);</li>
 *   <li>SIGUSR1: print the counters to stderr;</li>
 *   <li>SIGTERM/SIGINT: stop (TUN, sockets and socket files removed; the policy guard's nftables table stays, fail
 *       closed, until {@code jipsec gateway --cleanup} or the next start).</li>
 * </ul>
 */
final class GatewayDataPlane {

    private GatewayDataPlane() {}

    static int run(
            GatewayCommand c,
            Sysctl sysctl,
            java.net.InetSocketAddress metricsAddress,
            PrintWriter out,
            PrintWriter err)
            throws InterruptedException {
        int mark;
        try {
            mark = Integer.decode(c.mark);
        } catch (NumberFormatException e) {
            err.println("jipsec gateway: --mark " + c.mark + ": not a number");
            err.flush();
            return 2;
        }
        GatewayOptions o;
        try {
            o = GatewayOptions.defaults(c.pfkey)
                    .withTun(c.tun)
                    .withMark(mark)
                    .withMtu(c.mtu)
                    .withNatTPort(c.natTPort)
                    .withOffload(!c.noOffload)
                    .withPolicyGuard(!c.noPolicyGuard)
                    .withKeepaliveSeconds(c.natKeepalive);
            if (c.workers != null) o = o.withWorkers(c.workers);
        } catch (IllegalArgumentException e) {
            err.println("jipsec gateway: " + e.getMessage());
            err.flush();
            return 2;
        }
        GatewayDaemon.Log log = org.jipsec.cli.log.GatewayLog.start(err, sysctl);
        GatewayCommand.logStart(log, "data plane on " + c.tun);
        var loader = c.config == null ? null : GatewayConfigFile.of(c.config);
        org.jipsec.io.state.SequenceStore store = null;
        if (!c.noState) {
            try {
                store = org.jipsec.io.state.SequenceStore.open(c.stateDir, log::line);
            } catch (IOException | RuntimeException e) {
                err.println("jipsec gateway: state directory: " + e.getMessage());
                err.flush();
                return 1;
            }
        }
        GatewayDaemon daemon;
        try {
            daemon = GatewayDaemon.start(
                    o, sysctl, loader, log, store, c.strictKeys, clock -> Jipsecd.dataPlaneEngine(sysctl, clock));
        } catch (IOException | RuntimeException e) {
            err.println("jipsec gateway: " + e.getMessage());
            err.flush();
            return 1;
        }
        var ks = daemon.engine().keyEngine();
        Jipsecd.bindKeySysctls(sysctl, daemon.pfkeyServer());
        Path ctl = c.sysctlSocket != null ? c.sysctlSocket : org.jipsec.io.sysctl.SysctlProtocol.besidePfkey(c.pfkey);
        SysctlServer sysctlServer;
        try {
            sysctlServer = SysctlServer.start(sysctl, ctl);
        } catch (IOException e) {
            daemon.close();
            err.println("jipsec gateway: cannot serve sysctl on " + ctl + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        org.jipsec.cli.metrics.MetricsEndpoint metrics;
        try {
            metrics = GatewayMetricsStart.start(metricsAddress, c, daemon.pfkeyServer(), daemon, log);
        } catch (IOException e) {
            sysctlServer.close();
            daemon.close();
            return 1;
        }
        ServiceManager service = ServiceManager.fromEnvironment(log::line);
        GatewaySignals.install(
                service.reloading(daemon::reload), () -> org.jipsec.cli.log.GatewayLog.status(daemon.status()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            service.stopping();
            if (metrics != null) metrics.close();
            sysctlServer.close();
            daemon.close();
            stopped.countDown();
        }));
        out.println("jipsec gateway: running on " + daemon.tunName() + ", PF_KEY on " + c.pfkey + ", sysctl on "
                + sysctlServer.path() + " (" + ks.sad().size() + " SAs)");
        out.flush();
        service.ready("running on " + daemon.tunName() + ", PF_KEY on " + c.pfkey, daemon::running);
        stopped.await();
        return 0;
    }
}
