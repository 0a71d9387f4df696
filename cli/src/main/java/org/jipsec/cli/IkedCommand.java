package org.jipsec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jipsec.core.ike.config.ConfigException;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.engine.IkeEndpoint;
import org.jipsec.io.ike.FileConfigSource;
import org.jipsec.io.ike.IkeCredentials;
import org.jipsec.io.ike.IkeDaemon;
import org.jipsec.io.ike.IkeHandoffServer;
import org.jipsec.io.ike.IkeLog;
import org.jipsec.io.ike.IkeRuntime;
import org.jipsec.io.ike.IkeTransport;
import org.jipsec.io.ike.PfkeyKernel;
import org.jipsec.io.ike.WiresharkKeyLogWriter;
import org.jipsec.io.pfkey.PfkeyServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jipsec iked}: the IKEv2 daemon (issue #14). It keys jipsecd (or any PF_KEY v2 kernel) only through PF_KEY
 * and speaks IKE on UDP 500 and, through jipsecd's handoff socket when one is beside {@code --pfkey}, on the NAT-T
 * port (docs/ike-udp-split.md). Runs until SIGTERM/SIGINT (which delete every IKE SA, telling the peers);
 * SIGHUP reloads {@code --config}, changing only what changed.
 */
@Command(
        name = "iked",
        mixinStandardHelpOptions = true,
        description = {
            "Run the IKEv2 daemon (RFC 7296, pre-shared keys) that keys jipsecd through PF_KEY.",
            "",
            "Negotiates ESP SAs with the peers of a swanctl.conf-syntax file and installs them through PF_KEY "
                    + "(GETSPI, UPDATE, ADD, DELETE, X_SPDADD), as racoon keys NetBSD's kernel. start_action=trap installs "
                    + "policies so that the first packet starts the exchange; start initiates at load. SIGHUP reloads "
                    + "--config (unchanged connections keep their SAs; a file with an error changes nothing); SIGTERM "
                    + "deletes all SAs, telling the peers."
        },
        footerHeading = "%nExample:%n",
        footer = {
            "  jipsec iked --config /etc/jipsec/iked.conf --pfkey /run/jipsec/pfkey",
            "  pkill -HUP -f 'jipsec.jar iked'   # reload iked.conf",
            "  jipsec iked --keylog /run/jipsec/keys   # debugging: keys for Wireshark (0600 files)"
        })
public final class IkedCommand implements Callable<Integer> {

    public static final Path DEFAULT_CONFIG = Path.of("/etc/jipsec/iked.conf");
    public static final Path DEFAULT_SETTINGS = Path.of("/etc/jipsec/iked-settings.conf");
    public static final Path DEFAULT_CONTROL = Path.of("/run/jipsec/iked.ctl");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "swanctl.conf-syntax configuration (default: ${DEFAULT-VALUE})")
    Path config = DEFAULT_CONFIG;

    @Option(
            names = "--pfkey",
            paramLabel = "PATH",
            description = "PF_KEY socket of jipsecd (default: ${DEFAULT-VALUE})")
    Path pfkey = PfkeyServer.DEFAULT_PATH;

    @Option(
            names = "--control",
            paramLabel = "PATH",
            description = "control socket for 'jipsec ike status|initiate|terminate|rekey' (default: ${DEFAULT-VALUE})")
    Path control = DEFAULT_CONTROL;

    @Option(
            names = "--settings",
            paramLabel = "FILE",
            description = "strongswan.conf-syntax daemon settings: charon.{dos_protection, cookie_threshold, "
                    + "cookie_threshold_ip, block_threshold, init_limit_half_open, half_open_timeout, fragment_size, retransmit_timeout, retransmit_base, retransmit_tries} (default: "
                    + "${DEFAULT-VALUE}, read when it exists)")
    Path settings = DEFAULT_SETTINGS;

    @Option(
            names = "--keylog",
            paramLabel = "DIR",
            description = "debugging only: append every IKE SA's and CHILD_SA's keys to DIR/ikev2_decryption_table and "
                    + "DIR/esp_sa for Wireshark (files 0600; off by default)")
    Path keylog;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        IkeLog log = line -> {
            synchronized (err) {
                err.println("jipsec iked: " + line);
                err.flush();
            }
        };
        IkeConfig cfg;
        IkeCredentials creds;
        try {
            cfg = FileConfigSource.load(config);
            creds = IkeCredentials.load(config, cfg, System.currentTimeMillis(), log);
        } catch (ConfigException e) {
            log.line(e.getMessage() + "; not starting");
            return 1;
        }
        org.jipsec.core.ike.admission.DaemonLimits limits = org.jipsec.core.ike.admission.DaemonLimits.DEFAULTS;
        if (!settings.equals(DEFAULT_SETTINGS) || java.nio.file.Files.exists(settings)) {
            try {
                limits = FileConfigSource.loadSettings(settings);
            } catch (ConfigException e) {
                log.line(e.getMessage() + "; not starting");
                return 1;
            }
        }
        Optional<InetAddress> local = IkeRuntime.bindAddress(cfg);
        if (local.isEmpty()) {
            log.line(config + ": no connection names an address in local_addrs; iked binds UDP 500 on that address"
                    + " (one address per daemon); not starting");
            return 1;
        }
        WiresharkKeyLogWriter keyLog = null;
        if (keylog != null) {
            try {
                keyLog = WiresharkKeyLogWriter.open(keylog);
                log.line("writing IKE and ESP keys to " + keylog + " for Wireshark (debugging only)");
            } catch (IOException e) {
                log.line("--keylog " + keylog + ": " + e.getMessage() + "; not starting");
                return 1;
            }
        }
        PfkeyKernel kernel;
        try {
            kernel = PfkeyKernel.open(pfkey, Duration.ofSeconds(5));
        } catch (IOException e) {
            if (keyLog != null) keyLog.close();
            log.line("cannot use PF_KEY socket " + pfkey + ": " + e.getMessage() + "; not starting");
            return 1;
        }
        IkeTransport transport;
        int natTPort = 4500;
        try {
            transport = IkeTransport.open(local.get(), 500, natTPort, Optional.of(IkeHandoffServer.besidePfkey(pfkey)));
        } catch (IOException e) {
            kernel.close();
            if (keyLog != null) keyLog.close();
            log.line(e.getMessage() + "; not starting");
            return 1;
        }
        IkeRuntime.Network network = new IkeRuntime.Network() {
            @Override
            public void send(IkeEndpoint from, IkeEndpoint to, byte[] msg) throws IOException {
                // the non-ESP marker on the NAT-T port (RFC 3948 §2.2): whenever one side is not on 500
                transport.send(
                        new InetSocketAddress(to.address(), to.port()), from.port() != 500 || to.port() != 500, msg);
            }

            @Override
            public void keepalive(IkeEndpoint from, IkeEndpoint to) throws IOException {
                transport.sendKeepalive(new InetSocketAddress(to.address(), to.port()));
            }
        };
        IkeRuntime runtime = new IkeRuntime(
                cfg, kernel, network, log, new SecureRandom(), new SecureRandom(), local.get(), 500, natTPort, keyLog);
        runtime.limits(limits);
        runtime.credentials(creds);
        WiresharkKeyLogWriter keyLogToClose = keyLog;
        IkeDaemon daemon = new IkeDaemon(runtime, System::currentTimeMillis);
        daemon.pump(transport);
        daemon.pump(kernel);
        daemon.start();
        IkedControlHook.start(daemon, control, log);
        ServiceManager service = ServiceManager.fromEnvironment(log::line);
        GatewaySignals.install(
                service.reloading(() -> {
                    try {
                        IkeConfig next = FileConfigSource.load(config);
                        daemon.reload(next, IkeCredentials.load(config, next, System.currentTimeMillis(), log));
                    } catch (ConfigException e) {
                        log.line("reload refused, nothing changed: " + e.getMessage());
                    }
                }),
                () -> log.line(statusLine(daemon, transport, kernel)));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            service.stopping();
            log.line("stopping: deleting IKE SAs");
            daemon.shutdown(Duration.ofSeconds(3));
            IkedControlHook.stop();
            try {
                transport.close();
                kernel.close();
                if (keyLogToClose != null) keyLogToClose.close();
            } catch (IOException e) {
                // exiting anyway
            }
            log.line("stopped");
            stopped.countDown();
        }));
        out.println("jipsec iked: running on " + local.get().getHostAddress() + " UDP 500"
                + (transport.viaJipsecd() ? ", NAT-T through jipsecd" : ", NAT-T port " + natTPort)
                + ", PF_KEY " + pfkey + ", " + cfg.connections().size() + " connection(s)");
        out.flush();
        service.ready("IKE on " + local.get().getHostAddress(), () -> stopped.getCount() > 0);
        stopped.await();
        return 0;
    }

    private static String statusLine(IkeDaemon d, IkeTransport t, PfkeyKernel k) {
        var s = d.status();
        return "IKE SAs=" + s.sas().size() + " CHILD_SAs="
                + s.sas().stream().mapToInt(x -> x.children().size()).sum()
                + " udp_dropped=" + t.droppedDatagrams() + " tasks_dropped=" + d.droppedTasks()
                + " internal_errors=" + d.taskErrors() + " pfkey_events_dropped=" + k.droppedEvents();
    }
}
