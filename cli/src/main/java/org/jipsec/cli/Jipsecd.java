package org.jipsec.cli;

import java.security.SecureRandom;
import java.time.InstantSource;
import org.jipsec.core.engine.EngineSettings;
import org.jipsec.core.engine.IpsecEngine;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.SpdPolicyStore;
import org.jipsec.core.spd.Spd;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.jipsec.io.pfkey.PfkeyServer;

/**
 * jipsecd's composition root (issue #16 item 4, first step): the one place a key engine is built on a sysctl tree
 * and the one place the key engine's sysctl nodes ({@code net.key.dumpsa}, {@code dumpsp}, {@code stats}) are bound
 * to the PF_KEY server that owns the engine's lock. {@code jipsec gateway --no-tun}, {@code jipsec gateway} with its
 * data plane and {@code jipsec setkey --embedded} all go through it.
 *
 * The data plane's {@code IpsecEngine} is built here too ({@link #dataPlaneEngine}), on the clock the gateway daemon
 * passes in (its per-batch clock). Not yet here: the engine lock is the PF_KEY server's, and the timer still lives in
 * {@code PfkeyServer} (--no-tun) or the data plane's worker 0. The reload diff is already a core function over the key engine
 * ({@code core.config.ConfigDiff.compute} and {@code apply}); {@code io.gateway.ConfigReloader} only reads the file,
 * takes the engine lock and applies it.
 */
final class Jipsecd {

    /** The key engine of one jipsecd and the SPD it stores policies in, both read from {@link #sysctl}. */
    record KeyRoot(Sysctl sysctl, Spd spd, KeyEngine engine) {}

    private Jipsecd() {}

    /**
     * A key engine with jipsecd's defaults on {@code sysctl}: its settings bound to {@code net.key.*}, the real SPD
     * store (bound to {@code net.inet.ipsec.*}), the wall clock in seconds, {@link SecureRandom}, the one algorithm
     * table.
     */
    static KeyRoot keyEngine(Sysctl sysctl) {
        return keyEngine(sysctl, InstantSource.system());
    }

    /** {@link #keyEngine(Sysctl)} on {@code clock} (the SPD's and the key engine's, in seconds). */
    static KeyRoot keyEngine(Sysctl sysctl, InstantSource clock) {
        Spd spd = new Spd(clock, sysctl);
        KeyEngine engine = new KeyEngine(
                new KeySettings().bindTo(sysctl),
                () -> clock.instant().getEpochSecond(),
                new SecureRandom(),
                new SpdPolicyStore(spd),
                AlgorithmCatalog.TABLE);
        return new KeyRoot(sysctl, spd, engine);
    }

    /**
     * The data plane's engine: {@link #keyEngine(Sysctl, InstantSource)} on {@code clock} (the gateway's per-batch
     * clock) with the transforms, reassembly and policy checks of {@link IpsecEngine} on top, jipsecd's defaults.
     * {@code jipsec gateway} hands this to {@link org.jipsec.io.gateway.GatewayDaemon#start}.
     */
    static IpsecEngine dataPlaneEngine(Sysctl sysctl, InstantSource clock) {
        KeyRoot r = keyEngine(sysctl, clock);
        return new IpsecEngine(r.engine(), r.spd(), sysctl, clock, new SecureRandom(), EngineSettings.DEFAULTS);
    }

    /**
     * Binds the key engine's read-only sysctl nodes to {@code server}: every read takes the server's lock (the
     * engine's one lock, also the data plane's), so a dump never sees an engine mid-change.
     */
    static void bindKeySysctls(Sysctl sysctl, PfkeyServer server) {
        sysctl.bindDumpSa(satype -> server.withEngine(e -> e.dumpSaBytes(satype)));
        sysctl.bindStruct(SysctlNames.KEY_DUMPSP, () -> server.withEngine(KeyEngine::dumpSpBytes));
        sysctl.bindStruct(SysctlNames.KEY_STATS, () -> Sysctl.counters(server.withEngine(KeyEngine::pfkeyStatistics)));
    }
}
