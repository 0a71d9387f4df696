package org.jipsec.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.SpdPolicyStore;
import org.jipsec.core.spd.Spd;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.jipsec.io.pfkey.PfkeyServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jipsec gateway}: jipsecd. With {@code --no-tun}, the key engine alone: the SAD and the PF_KEY socket
 * (issue #4); the data plane comes with issue #7. SIGTERM stops it and removes the socket file.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run jipsecd: the key engine served on a PF_KEY socket (with --no-tun: no data plane).")
public final class GatewayCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--pfkey", paramLabel = "PATH", description = "PF_KEY socket path (default: ${DEFAULT-VALUE})")
    Path pfkey = PfkeyServer.DEFAULT_PATH;

    @Option(names = "--config", paramLabel = "FILE", description = "setkey-syntax configuration to load at start")
    Path config;

    @Option(names = "--no-tun", description = "Run the key engine and PF_KEY socket only, without a data plane")
    boolean noTun;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        if (!noTun) {
            err.println("jipsec gateway: data plane not built yet (issue #7); use --no-tun to run the key engine alone");
            err.flush();
            return 2;
        }
        if (config != null) {
            err.println("jipsec gateway: --config needs the setkey-syntax parser, not built yet (issue #6)");
            err.flush();
            return 2;
        }
        Sysctl sysctl = Sysctl.withNetbsdDefaults();
        KeySettings settings = new KeySettings().bindTo(sysctl);
        Spd spd = new Spd(InstantSource.system(), sysctl);
        KeyEngine engine = new KeyEngine(settings, () -> System.currentTimeMillis() / 1000, new SecureRandom(),
                new SpdPolicyStore(spd), AlgorithmCatalog.TABLE);
        PfkeyServer server;
        try {
            server = PfkeyServer.start(engine, pfkey);
        } catch (java.io.IOException e) {
            err.println("jipsec gateway: cannot serve PF_KEY on " + pfkey + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        sysctl.setPoliciesExist(() -> spd.size() > 0);
        sysctl.bindDumpSa(satype -> server.withEngine(e -> e.dumpSaBytes(satype)));
        sysctl.bindStruct(SysctlNames.KEY_DUMPSP, () -> server.withEngine(KeyEngine::dumpSpBytes));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            server.close();
            stopped.countDown();
        }));
        out.println("jipsec gateway: PF_KEY on " + server.path() + " (no data plane)");
        out.flush();
        stopped.await();
        return 0;
    }
}
