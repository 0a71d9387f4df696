package org.jipsec.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.PfkeyStatistics;
import org.jipsec.core.spd.Spd;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.io.gateway.ConfigReloader;
import org.jipsec.io.gateway.GatewayDaemon;
import org.jipsec.io.pfkey.PfkeyServer;
import org.jipsec.io.sysctl.SysctlConf;
import org.jipsec.io.sysctl.SysctlServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jipsec gateway}: jipsecd. With {@code --no-tun}, the key engine alone: the SAD and the PF_KEY socket
 * (issue #4) and the sysctl control socket (issue #6); without it, also the data plane ({@link GatewayDataPlane},
 * issue #7: TUN, raw ESP/AH/IPComp and UDP 4500 sockets, SIGHUP reload, SIGUSR1 counters). {@code --sysctl FILE}
 * applies name=value lines and {@code --config FILE} a setkey file before the sockets open ({@link ConfigReloader}:
 * refused as a whole, then the daemon does not start). SIGHUP reloads the file and SIGUSR1 prints the counters, with
 * or without a data plane ({@link GatewaySignals}). SIGTERM stops it and removes the socket files; the policy guard's
 * table stays until {@code --cleanup} ({@link GatewayCleanup}) or the next start.
 */
@Command(
        footerHeading = "%nExample:%n",
        footer = {
            "  jipsec gateway --config /etc/jipsec/ipsec.conf --sysctl /etc/jipsec/sysctl.conf --pfkey /run/jipsec/pfkey",
            "  kill -HUP $(pidof jipsec)   # reload /etc/jipsec/ipsec.conf",
            "  jipsec gateway --config /etc/jipsec/ipsec.conf --metrics 127.0.0.1:9199   # Prometheus on /metrics"
        },
        name = "gateway",
        mixinStandardHelpOptions = true,
        description = {
            "Run jipsecd: the IPsec data plane on a TUN device, the key engine on a PF_KEY socket "
                    + "(with --no-tun: no data plane). SIGHUP reloads --config, SIGUSR1 prints counters to stderr.",
            "",
            "Policy guard: packets that do not pass through the TUN (cleartext arriving on another interface, or "
                    + "routed out of one) would escape the SPD. The gateway therefore keeps an nftables table "
                    + "'inet jipsec_<tun>' generated from the SPD: a cleartext packet matching an 'in' or 'out' policy "
                    + "that requires IPsec (require/unique, or default resolving to require) or discards is dropped and "
                    + "counted as in_polvio/out_polvio, as NetBSD does; bypass/none/use policies let it through. ESP, AH, "
                    + "IPComp, UDP to (inbound) or from (outbound) port 500 and the NAT-T port, IPv6 neighbour discovery "
                    + "and 'lo' always pass. The table "
                    + "follows SPD changes and stays in place when the gateway stops (fail closed: what the SPD says must be "
                    + "protected never leaves in clear while the gateway is down); the next start replaces it, and "
                    + "'jipsec gateway --cleanup --tun NAME' removes it. It needs 'nft'; without it the gateway "
                    + "warns and runs unguarded. --no-policy-guard turns it off (and removes a table an earlier run left)."
        })
public final class GatewayCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--pfkey", paramLabel = "PATH", description = "PF_KEY socket path (default: ${DEFAULT-VALUE})")
    Path pfkey = PfkeyServer.DEFAULT_PATH;

    @Option(names = "--config", paramLabel = "FILE", description = "setkey-syntax configuration to load at start")
    Path config;

    @Option(names = "--no-tun", description = "Run the key engine and PF_KEY socket only, without a data plane")
    boolean noTun;

    @Option(
            names = "--sysctl",
            paramLabel = "FILE",
            description = "name=value lines (sysctl.conf style) applied at start")
    Path sysctlFile;

    @Option(
            names = "--sysctl-socket",
            paramLabel = "PATH",
            description = "sysctl control socket (default: next to the PF_KEY socket, named after it: pfkey -> sysctl, "
                    + "gw1.pfkey -> gw1.sysctl, gw1 -> gw1.sysctl)")
    Path sysctlSocket;

    @Option(
            names = "--tun",
            paramLabel = "NAME",
            description = "TUN device to create or attach (default: ${DEFAULT-VALUE})")
    String tun = org.jipsec.io.gateway.GatewayOptions.DEFAULT_TUN;

    @Option(
            names = "--mark",
            paramLabel = "MARK",
            description = "SO_MARK of the daemon's sockets, for policy routing (default: 0x99; 0 = none)")
    String mark = "0x99";

    @Option(names = "--mtu", paramLabel = "BYTES", description = "MTU of the TUN device (default: ${DEFAULT-VALUE})")
    int mtu = 1400;

    @Option(
            names = "--no-offload",
            description = "Open the TUN without offloads (no TSO super-packets, no coalesced writes)")
    boolean noOffload;

    @Option(
            names = "--workers",
            paramLabel = "N",
            description = "Data-plane worker threads, one TUN queue and one set of wire sockets each "
                    + "(default: the number of available processors)")
    Integer workers;

    @Option(
            names = "--nat-t-port",
            paramLabel = "PORT",
            description = "UDP port of ESP-in-UDP (default: ${DEFAULT-VALUE}; 0 = none)")
    int natTPort = 4500;

    @Option(
            names = "--nat-keepalive",
            paramLabel = "SECONDS",
            description =
                    "Interval of NAT-T keepalives (RFC 3948 §4) to the peers of UDP-encapsulated SAs (default: ${DEFAULT-VALUE})")
    int natKeepalive = 20;

    @Option(
            names = "--no-policy-guard",
            description =
                    "Do not install the nftables policy guard (cleartext outside the TUN is then not checked against the SPD)")
    boolean noPolicyGuard;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description =
                    "Directory of the saved sequence state: per SA the sequence numbers sent and accepted, written "
                            + "ahead of use so that a restart never reuses one (created 0700; default: ${DEFAULT-VALUE})")
    Path stateDir = Path.of(org.jipsec.io.state.SequenceStore.DEFAULT);

    @Option(
            names = "--no-state",
            description = "Run without saved sequence state: sequence numbers restart at 1 at "
                    + "every start (manually keyed counter-mode SAs are warned about, or refused with --strict-keys)")
    boolean noState;

    @Option(
            names = "--strict-keys",
            description =
                    "Refuse manually keyed counter-mode SAs (AES-GCM/GMAC/CTR/CCM, "
                            + "ChaCha20-Poly1305) that have no saved sequence state (RFC 4106 §8.1): the configuration is not applied, "
                            + "a setkey add is answered EPERM. SAs of a key-management daemon (an IKE daemon: a PF_KEY socket that sent "
                            + "SADB_REGISTER for the SA's type, or SADB_UPDATE after SADB_GETSPI) are negotiated and always accepted")
    boolean strictKeys;

    @Option(
            names = "--metrics",
            paramLabel = "HOST:PORT",
            description = "Serve Prometheus metrics on http://HOST:PORT/metrics (off by default; e.g. 127.0.0.1:9199, "
                    + "[::1]:9199). Only a loopback address unless --metrics-allow-remote")
    String metrics;

    @Option(
            names = "--metrics-allow-remote",
            description = "Allow --metrics on a non-loopback address: the endpoint has no authentication and shows "
                    + "peers, SPIs and traffic per SA")
    boolean metricsAllowRemote;

    @Option(
            names = "--metrics-max-sa-series",
            paramLabel = "N",
            description = "SAs that get per-SA metric series (default: ${DEFAULT-VALUE}); those above are counted in "
                    + "jipsec_sa_series_omitted")
    int metricsMaxSaSeries = 1000;

    @Option(
            names = "--cleanup",
            description = "Remove what a stopped gateway left: the policy guard's table for --tun (kept while it is "
                    + "stopped) and the --pfkey and sysctl socket files if provably stale; then exit. Refused while the "
                    + "gateway runs")
    boolean cleanup;

    @Override
    public Integer call() throws Exception {
        return run(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** The command with its options set (by picocli, or by a test without it). */
    int run(PrintWriter out, PrintWriter err) throws Exception {
        if (cleanup) return GatewayCleanup.run(this, out, err);
        if (natKeepalive <= 0) { // refused with or without --no-tun, before anything is set up
            err.println("jipsec gateway: --nat-keepalive must be a positive number of seconds, not " + natKeepalive);
            err.flush();
            return 2;
        }
        java.net.InetSocketAddress metricsAddress = null;
        if (metricsMaxSaSeries < 0) {
            err.println("jipsec gateway: --metrics-max-sa-series must not be negative, not " + metricsMaxSaSeries);
            err.flush();
            return 2;
        }
        if (metrics != null) {
            try {
                metricsAddress = org.jipsec.cli.metrics.MetricsEndpoint.parse(metrics, metricsAllowRemote);
            } catch (org.jipsec.cli.metrics.MetricsEndpoint.AddressException e) {
                err.println("jipsec gateway: " + e.getMessage());
                err.flush();
                return 2;
            }
        }
        Sysctl sysctl = Sysctl.withNetbsdDefaults();
        if (sysctlFile != null) {
            try {
                SysctlConf.apply(
                        new String(
                                SetkeyCommand.readFileBytes(sysctlFile.toString()),
                                java.nio.charset.StandardCharsets.UTF_8),
                        sysctl);
            } catch (java.io.IOException | SysctlConf.ConfException e) {
                err.println("jipsec gateway: " + sysctlFile + ": " + e.getMessage());
                err.flush();
                return 1;
            }
        }
        if (!noTun) return GatewayDataPlane.run(this, sysctl, metricsAddress, out, err);
        Jipsecd.KeyRoot root = Jipsecd.keyEngine(sysctl);
        Spd spd = root.spd();
        KeyEngine engine = root.engine();
        GatewayDaemon.Log log = org.jipsec.cli.log.GatewayLog.start(err, sysctl);
        logStart(log, "no data plane");
        ConfigReloader reloader = config == null ? null : new ConfigReloader(GatewayConfigFile.of(config), engine, log);
        if (reloader != null) {
            try {
                reloader.loadAtStart();
            } catch (java.io.IOException e) {
                log.line("jipsec gateway: " + e.getMessage() + "; not starting");
                return 1;
            }
        }
        PfkeyServer server;
        try {
            server = PfkeyServer.start(engine, pfkey);
        } catch (java.io.IOException e) {
            err.println("jipsec gateway: cannot serve PF_KEY on " + pfkey + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        sysctl.setPoliciesExist(() -> spd.size() > 0);
        Jipsecd.bindKeySysctls(sysctl, server);
        // no data plane: the packet statistics exist and stay zero
        new org.jipsec.core.engine.IpsecStatistics().bindTo(sysctl);
        org.jipsec.core.xform.NetbsdStatsLayout.bindTo(sysctl, new org.jipsec.core.xform.XformStats());
        Path ctl = sysctlSocket != null ? sysctlSocket : org.jipsec.io.sysctl.SysctlProtocol.besidePfkey(pfkey);
        SysctlServer sysctlServer;
        try {
            sysctlServer = SysctlServer.start(sysctl, ctl);
        } catch (java.io.IOException e) {
            server.close();
            err.println("jipsec gateway: cannot serve sysctl on " + ctl + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        org.jipsec.cli.metrics.MetricsEndpoint metricsEndpoint;
        try {
            metricsEndpoint = GatewayMetricsStart.start(metricsAddress, this, server, null, log);
        } catch (java.io.IOException e) {
            sysctlServer.close();
            server.close();
            return 1;
        }
        ServiceManager service = ServiceManager.fromEnvironment(log::line);
        GatewaySignals.install(
                service.reloading(() -> {
                    if (reloader == null) log.line("reload: no --config, nothing to do");
                    else reloader.reload(server.lock(), server::deliver, () -> {});
                }),
                () -> org.jipsec.cli.log.GatewayLog.status(keyEngineStatus(server)));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            service.stopping();
            if (metricsEndpoint != null) metricsEndpoint.close();
            sysctlServer.close();
            server.close();
            stopped.countDown();
        }));
        out.println("jipsec gateway: PF_KEY on " + server.path() + ", sysctl on " + sysctlServer.path()
                + " (no data plane)");
        out.flush();
        service.ready("PF_KEY on " + server.path() + " (no data plane)", () -> stopped.getCount() > 0);
        stopped.await();
        return 0;
    }

    /**
     * The daemon's first log line (also before a refused start): the build and JDK that run it, as {@code jipsec
     * --version} prints them, so that the journal shows which version runs after a package upgrade restarted it.
     */
    static void logStart(GatewayDaemon.Log log, String mode) {
        log.line("jipsec gateway: starting " + JipsecCommand.Version.oneLine() + " (" + mode + ")");
    }

    /** SIGUSR1 without a data plane: the databases' sizes and the non-zero PF_KEY statistics (netstat -s style). */
    private static String keyEngineStatus(PfkeyServer server) {
        StringBuilder b = new StringBuilder("jipsec gateway (no data plane): ");
        server.withEngine(k -> b.append("SAs=")
                .append(k.sad().size())
                .append(" policies=")
                .append(k.policies().size())
                .append(" PF_KEY sockets=")
                .append(k.socketCount()));
        for (String line : PfkeyStatistics.netstatLines(server.withEngine(KeyEngine::pfkeyStatistics))) {
            b.append("\n  ").append(line.strip());
        }
        return b.toString();
    }
}
