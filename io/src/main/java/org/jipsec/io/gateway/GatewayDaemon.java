package org.jipsec.io.gateway;

import java.io.IOException;
import java.time.InstantSource;
import org.jipsec.core.engine.IpsecEngine;
import org.jipsec.core.engine.IpsecStatistics;
import org.jipsec.core.guard.GuardSnapshot;
import org.jipsec.core.guard.NftRuleset;
import org.jipsec.core.pfkey.Outcome;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.spd.SystemDefaults;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.jipsec.io.pfkey.PfkeyServer;
import org.jipsec.io.tun.TunDevice;
import org.jipsec.io.tun.TunOptions;

/**
 * jipsecd with its data plane (issue #7): the {@link IpsecEngine}, its key engine served on PF_KEY, a TUN device with
 * one queue per worker, a set of raw/UDP sockets per worker, and the packet loops ({@link DataPlane}: one
 * {@link Worker} thread per queue, {@link GatewayOptions#workers()}).
 *
 * <p>Start it on a thread inside the network namespace it should serve (the TUN and the sockets belong to the
 * namespace of the thread that opens them); after that it may be used from any thread.
 *
 * <p>What the user configures (see the package documentation): addresses/routes that send the traffic to protect
 * into the TUN, and — for transport mode, where the protected packet goes to the same peer address — the fwmark
 * rule that keeps the daemon's own packets (marked {@link GatewayOptions#mark()}) off the TUN.
 *
 * <p>Configuration: {@link ConfigReloader} loads a setkey file into the key engine at start; {@link #reload()} (SIGHUP)
 * applies only what changed since, so SAs that stay keep their state and SAs and policies added over PF_KEY are kept.
 */
public final class GatewayDaemon implements AutoCloseable {

    /** Where the daemon's log lines go (stderr in jipsecd). Never given key material. */
    @FunctionalInterface
    public interface Log {
        void line(String s);
    }

    private final IpsecEngine engine;
    private final PfkeyServer server;
    private final TunDevice tun;
    /** One set per worker, in worker order; worker 0's UDP sockets also carry the IKE handoff's sends. */
    private final java.util.List<WireSockets> sockets;

    private final DataPlane plane;
    private final Log log;
    /** {@code --config}, or null. */
    private final ConfigReloader config;

    /** The state directory (issue #12), or null. */
    private volatile org.jipsec.io.state.SequenceStore store;
    /** The nftables policy guard, or null (--no-policy-guard). */
    private volatile PolicyGuard guard;

    private volatile boolean closed;
    /** The UDP 4500 IKE handoff to iked (null without UDP encapsulation or when its socket could not be made). */
    private volatile org.jipsec.io.ike.IkeHandoffServer ikeHandoff;
    /** The socket-policy registrations of {@code jipsec ping -P} (null when its socket could not be made). */
    private volatile org.jipsec.io.sockpolicy.SocketPolicyServer socketPolicies;

    private GatewayDaemon(
            IpsecEngine engine,
            PfkeyServer server,
            TunDevice tun,
            java.util.List<WireSockets> sockets,
            Log log,
            ConfigReloader config,
            GatewayOptions o,
            BatchClock clock) {
        this.engine = engine;
        this.server = server;
        this.tun = tun;
        this.sockets = sockets;
        this.log = log;
        this.config = config;
        this.plane = new DataPlane(
                new EnginePort(engine, server.lock(), server::deliver), tun, sockets, log, o.keepaliveSeconds(), clock);
    }

    /**
     * Builds the engine with {@code engines} (the composition root's, over the daemon's per-batch clock; issue #16
     * item 4), loads {@code config} (may be null; see {@link ConfigReloader}), opens the TUN (up, MTU set) and the
     * sockets in the calling thread's namespace, serves PF_KEY and starts the packet loop; with saved sequence state
     * (issue #12):
     * {@code store} (null: none) gives every ESP/AH SA its write-ahead sequence marks — its first blocks are written
     * before the data plane starts — and is closed (exact marks written) by {@link #close()}, or here if the start
     * fails. {@code strictKeys} refuses manually keyed counter-mode SAs without saved state ({@link SequenceAdmission}).
     */
    public static GatewayDaemon start(
            GatewayOptions o,
            Sysctl sysctl,
            ConfigReloader.Source config,
            Log log,
            org.jipsec.io.state.SequenceStore store,
            boolean strictKeys,
            java.util.function.Function<InstantSource, IpsecEngine> engines)
            throws IOException {
        try {
            GatewayDaemon d = launch(o, sysctl, config, log, store, strictKeys, engines);
            d.store = store;
            return d;
        } catch (IOException | RuntimeException e) {
            if (store != null) store.close();
            throw e;
        }
    }

    private static GatewayDaemon launch(
            GatewayOptions o,
            Sysctl sysctl,
            ConfigReloader.Source config,
            Log log,
            org.jipsec.io.state.SequenceStore store,
            boolean strictKeys,
            java.util.function.Function<InstantSource, IpsecEngine> engines)
            throws IOException {
        BatchClock clock = new BatchClock(InstantSource.system());
        // the engine's ACQUIRE/EXPIRE go to its outbox, which the data plane drains to the PF_KEY server
        IpsecEngine engine = engines.apply(clock);
        if (engine.sysctl() != sysctl)
            throw new IllegalArgumentException("the engine must be built on the daemon's sysctl");
        engine.keyEngine().setAdmission(new SequenceAdmission(store, strictKeys, log));
        if (store != null) engine.setSequenceGuards(store.table()::guardFor);
        ConfigReloader reloader = config == null ? null : new ConfigReloader(config, engine.keyEngine(), log);
        if (reloader != null) reloader.loadAtStart(); // no PF_KEY listener yet; refused: no start
        if (store != null) {
            store.flush(); // the configured SAs' first blocks, on disk
            store.start();
        }
        TunDevice tun = null;
        java.util.List<WireSockets> sockets = new java.util.ArrayList<>();
        PfkeyServer server = null;
        try {
            tun = TunDevice.open(new TunOptions(o.tunName(), o.workers(), o.offload()));
            tun.setMtu(o.mtu());
            org.jipsec.io.tun.InterfaceControl.setTxQueueLength(tun.name(), 4096);
            tun.setUp(true);
            for (int i = 0; i < o.workers(); i++) sockets.add(new WireSockets(o, i, o.workers()));
            GatewayDaemon[] self = new GatewayDaemon[1];
            server = PfkeyServer.start(engine.keyEngine(), (id, msg) -> self[0].request(id, msg), o.pfkey());
            GatewayDaemon d = new GatewayDaemon(engine, server, tun, sockets, log, reloader, o, clock);
            self[0] = d;
            if (o.policyGuard()) d.startGuard(o);
            else removeLeftoverGuard(tun.name(), log);
            if (o.natTPort() != 0) d.startIkeHandoff(o);
            d.startSocketPolicies(tun.name());
            d.plane.start();
            log.line("jipsec gateway: data plane on " + tun.name() + " (" + o.workers()
                    + (o.workers() == 1 ? " worker" : " workers, TUN queue by " + tun.steering()) + ", MTU "
                    + o.mtu() + ", mark 0x"
                    + Integer.toHexString(o.mark()) + (o.offload() ? ", offloads" : "")
                    + (o.natTPort() != 0 ? ", UDP " + o.natTPort() : "") + "), PF_KEY on "
                    + server.path() + "; " + engine.keyEngine().sad().size() + " SAs, "
                    + engine.spd().size() + " policies");
            return d;
        } catch (IOException | RuntimeException e) {
            if (server != null) server.close();
            for (WireSockets ws : sockets) ws.close();
            if (tun != null) {
                try {
                    tun.close();
                } catch (IOException ignored) {
                    // the start-up error is the one reported
                }
            }
            throw e;
        }
    }

    /**
     * The IKE handoff socket beside the PF_KEY socket (docs/ike-udp-split.md): IKE datagrams received on UDP 4500 go
     * to the attached iked, and iked's go out from UDP 4500. Without the socket the gateway runs on, counting IKE
     * datagrams as before.
     */
    private void startIkeHandoff(GatewayOptions o) {
        java.nio.file.Path p = org.jipsec.io.ike.IkeHandoffServer.besidePfkey(server.path());
        try {
            org.jipsec.io.ike.IkeHandoffServer h = org.jipsec.io.ike.IkeHandoffServer.start(
                    p,
                    (payload, remote) -> (remote.getAddress() instanceof java.net.Inet4Address
                                    ? sockets.get(0).udp4
                                    : sockets.get(0).udp6)
                            .send(payload, 0, payload.length, remote),
                    o.natTPort());
            ikeHandoff = h;
            plane.ikeSink = ike -> h.offer(new org.jipsec.io.ike.IkeHandoffServer.Received(
                    ike.destination().address(),
                    ike.destination().port(),
                    ike.source().address(),
                    ike.source().port(),
                    ike.payload()));
        } catch (IOException e) {
            log.line("IKE handoff socket " + p + " not available (" + e.getMessage() + "); IKE on UDP " + o.natTPort()
                    + " is counted and dropped");
        }
    }

    /**
     * The socket-policy socket beside the PF_KEY socket (docs/socket-policy.md): {@code jipsec ping -P} registers its
     * socket's policies there and the data plane applies them. Without it the gateway runs on; such pings are refused.
     */
    private void startSocketPolicies(String tunName) {
        java.nio.file.Path p = org.jipsec.io.sockpolicy.SocketPolicyProtocol.besidePfkey(server.path());
        try {
            socketPolicies =
                    org.jipsec.io.sockpolicy.SocketPolicyServer.start(p, engine, server.lock(), plane.flows, tunName);
            PolicyGuard g = guard;
            if (g != null) socketPolicies.guardSync(g::sync);
        } catch (IOException e) {
            log.line("socket-policy socket " + p + " not available (" + e.getMessage()
                    + "); jipsec ping -P cannot register");
        }
    }

    /** The socket-policy server, or null. */
    public org.jipsec.io.sockpolicy.SocketPolicyServer socketPolicies() {
        return socketPolicies;
    }

    /** The IKE handoff server, or null. */
    public org.jipsec.io.ike.IkeHandoffServer ikeHandoff() {
        return ikeHandoff;
    }

    /**
     * Starts the policy guard (on the calling thread, in the gateway's namespace): the SPD as an nftables table that
     * drops cleartext packets outside the TUN which the SPD says must be protected or discarded. The snapshot is
     * taken under the engine lock; levels are resolved by {@link SystemDefaults} on the engine's sysctl tree, as the
     * engine resolves them. The ipsecstats sysctl nodes then serve in_polvio/out_polvio with the guard's drops added.
     */
    private void startGuard(GatewayOptions o) {
        Sysctl sysctl = engine.sysctl();
        SystemDefaults defaults = new SystemDefaults(sysctl, log::line);
        NftRuleset.Config cfg = new NftRuleset.Config(tun.name(), o.natTPort());
        guard = PolicyGuard.start(
                cfg,
                () -> {
                    lock().lock();
                    try {
                        // registered bypass sockets (jipsec ping -P 'out bypass') first, as ipsec_getpolicybysock
                        return GuardSnapshot.of(
                                        engine.spd().generation(), engine.spd().dump(), defaults)
                                .withBypass(plane.flows.bypassFlows());
                    } finally {
                        lock().unlock();
                    }
                },
                () -> guardVersion(sysctl),
                log);
        sysctl.bindStruct(SysctlNames.IPSEC_STATS, () -> Sysctl.counters(statistics()));
        sysctl.bindStruct(SysctlNames.IPSEC6_STATS, () -> Sysctl.counters(statistics()));
    }

    /**
     * {@code --no-policy-guard}: a table an earlier guarded run left behind (fail closed, or kill -9) would go on
     * enforcing that run's SPD; the start replaces it with nothing, and says so. Without nft there is nothing to do.
     */
    private static void removeLeftoverGuard(String tun, Log log) {
        NftRuleset.Config cfg = new NftRuleset.Config(tun, 0);
        try {
            if (PolicyGuard.remove(cfg) == PolicyGuard.Removal.REMOVED) {
                log.line("policy guard: off (--no-policy-guard); table " + NftRuleset.table(cfg)
                        + " left by an earlier run removed");
            }
        } catch (IOException e) {
            if (!e.getMessage().startsWith("cannot run nft")) {
                log.line("policy guard: off, but the table " + NftRuleset.table(cfg) + " of an earlier run may remain: "
                        + e.getMessage());
            }
        }
    }

    /** What the guard's rules depend on: the SPD generation and the sysctl defaults (spec §4.3, §4.8). */
    private Object guardVersion(Sysctl sysctl) {
        java.util.List<Integer> v = new java.util.ArrayList<>(12);
        v.add(engine.spd().generation());
        v.add(plane.flows.bypassGeneration());
        for (String n : GUARD_SYSCTLS) v.add(sysctl.intValue(n));
        return v;
    }

    private static final String[] GUARD_SYSCTLS = {
        SysctlNames.IPSEC_DEF_POLICY,
        SysctlNames.IPSEC6_DEF_POLICY,
        SysctlNames.IPSEC_ESP_TRANS_DEFLEV,
        SysctlNames.IPSEC_ESP_NET_DEFLEV,
        SysctlNames.IPSEC_AH_TRANS_DEFLEV,
        SysctlNames.IPSEC_AH_NET_DEFLEV,
        SysctlNames.IPSEC6_ESP_TRANS_DEFLEV,
        SysctlNames.IPSEC6_ESP_NET_DEFLEV,
        SysctlNames.IPSEC6_AH_TRANS_DEFLEV,
        SysctlNames.IPSEC6_AH_NET_DEFLEV
    };

    /** The policy guard, or null when it is off. */
    public PolicyGuard policyGuard() {
        return guard;
    }

    /**
     * ipsecstats as NetBSD would count them: the engine's counters with the guard's drops (cleartext packets that
     * violated the SPD outside the TUN) added to in_polvio and out_polvio.
     */
    public long[] statistics() {
        long[] s = engine.statistics().snapshot();
        PolicyGuard g = guard;
        if (g != null) {
            long[] d = g.counters();
            s[IpsecStatistics.IN_POLVIO] += d[0];
            s[IpsecStatistics.OUT_POLVIO] += d[1];
        }
        return s;
    }

    /** The engine (tests, status). Callers must hold {@link #lock()} around engine calls. */
    public IpsecEngine engine() {
        return engine;
    }

    public java.util.concurrent.locks.ReentrantLock lock() {
        return server.lock();
    }

    public String tunName() {
        return tun.name();
    }

    /** True while the packet loop runs (the service manager's watchdog pings only then). */
    public boolean running() {
        return !closed && plane.alive();
    }

    public PfkeyServer pfkeyServer() {
        return server;
    }

    /** A PF_KEY request: through the engine (dead SAs' keys zeroed), logged by type and result (never keys). */
    private Outcome request(long socket, byte[] msg) {
        Outcome o = engine.pfkey(socket, msg);
        if (msg.length >= 4) {
            int type = msg[1] & 0xff;
            if (type != Sadb.SADB_DUMP
                    && type != Sadb.SADB_X_SPDDUMP
                    && type != Sadb.SADB_REGISTER
                    && type != Sadb.SADB_GET
                    && type != Sadb.SADB_X_SPDGET) {
                int errno = -1;
                for (var d : o.deliveries()) {
                    if (d.socketId() == socket) {
                        byte[] reply = d.encode();
                        if (reply.length >= 3) errno = reply[2] & 0xff;
                        break;
                    }
                }
                log.line("PF_KEY " + Sadb.messageName(type) + " satype " + (msg[3] & 0xff)
                        + (errno == 0 ? " ok" : errno > 0 ? " failed, errno " + errno : "")
                        + "; now " + engine.keyEngine().sad().size() + " SAs, "
                        + engine.spd().size() + " policies");
            }
        }
        return o;
    }

    /**
     * SIGHUP: {@code --config} read and validated outside the engine lock, then the change from what the previous load
     * installed applied under it ({@link ConfigReloader}): unchanged SAs and policies stay as they are — sequence
     * numbers, replay windows, lifetimes, policy ids — and only what changed is removed or added. A file that cannot be
     * read, does not parse or would be refused changes nothing. SAs and policies added over PF_KEY stay unless the
     * file flushes them.
     *
     * <p>PF_KEY listeners see the change as they would see it done with setkey on NetBSD: SADB_DELETE
     * {@code <base, SA, SRC, DST>} per removed SA, SADB_X_SPDDELETE2 {@code <base, X_POLICY>} per removed policy,
     * SADB_ADD (keys stripped) and SADB_X_SPDADD per added one, to every socket with promiscuous copies (spec §1.10,
     * §1.11), through the PF_KEY server.
     *
     * @return whether the file was applied
     */
    public boolean reload() {
        if (config == null) {
            log.line("reload: no --config, nothing to do");
            return true;
        }
        return config.reload(lock(), server::deliver, () -> {}); // SAs destroy their own state
    }

    /**
     * The data plane's own counters by name, as {@link #status()} prints them ({@code tun_in}, ..., {@code send_errors},
     * {@code rxq_overflows}: packets the kernel dropped because a receive socket's queue was full). Plain reads of
     * counters the data-plane thread writes (racy but harmless, as for SIGUSR1): no lock, no cost on the packet path.
     */
    public java.util.Map<String, Long> dataPlaneCounters() {
        java.util.Map<String, Long> m = GatewayCounters.sum(plane.counters());
        long sendErrors = 0;
        long overflows = 0;
        for (WireSockets ws : sockets) {
            sendErrors += ws.sendErrors;
            overflows += ws.receiveQueueDrops();
        }
        m.put("send_errors", sendErrors);
        m.put("rxq_overflows", overflows);
        return m;
    }

    /** The data plane's worker count. */
    public int workers() {
        return plane.workers();
    }

    /** One worker's own counters by name (tests, status): how the traffic spread over the workers. */
    public java.util.Map<String, Long> workerCounters(int worker) {
        return plane.counters().get(worker).snapshot();
    }

    /** The counters (SIGUSR1): the data plane's, then every non-zero IPsec statistic. */
    public String status() {
        StringBuilder b =
                new StringBuilder("jipsec gateway " + tun.name() + ": " + GatewayCounters.format(dataPlaneCounters()));
        if (plane.workers() > 1) {
            java.util.List<GatewayCounters> per = plane.counters();
            for (int i = 0; i < per.size(); i++) {
                GatewayCounters c = per.get(i);
                b.append("\n  worker ")
                        .append(i)
                        .append(": tun_in=")
                        .append(c.tunIn)
                        .append(" tun_out=")
                        .append(c.tunOut)
                        .append(" wire_in=")
                        .append(c.wireIn)
                        .append(" wire_out=")
                        .append(c.wireOut);
            }
        }
        org.jipsec.io.ike.IkeHandoffServer h = ikeHandoff;
        if (h != null)
            b.append("\n  ike handoff ")
                    .append(h.path())
                    .append(h.daemonAttached() ? " (iked attached): " : ": ")
                    .append(h.format());
        PolicyGuard g = guard;
        long[] guardDrops = g != null ? g.counters() : null; // outside the engine lock: runs nft
        if (g != null) {
            b.append("\n  policy guard ")
                    .append(g.table())
                    .append(g.installed() ? "" : " (not installed)")
                    .append(": in_polvio=")
                    .append(guardDrops[0])
                    .append(" out_polvio=")
                    .append(guardDrops[1])
                    .append(" (cleartext outside the TUN; included below)");
        }
        lock().lock();
        try {
            b.append("\n  SAs=")
                    .append(engine.keyEngine().sad().size())
                    .append(" policies=")
                    .append(engine.spd().size())
                    .append(" pending=")
                    .append(engine.pendingPackets());
            long[] s = engine.statistics().snapshot();
            if (g != null) {
                s[IpsecStatistics.IN_POLVIO] += guardDrops[0];
                s[IpsecStatistics.OUT_POLVIO] += guardDrops[1];
            }
            for (int i = 0; i < s.length; i++) {
                if (s[i] != 0)
                    b.append("\n  ").append(IpsecStatistics.name(i)).append(' ').append(s[i]);
            }
            for (org.jipsec.core.ipsec.IpsecProtocol p : org.jipsec.core.ipsec.IpsecProtocol.values()) {
                var x = engine.xformStatistics();
                if (x.inputPackets(p) == 0
                        && x.outputPackets(p) == 0
                        && x.lines(p).size() <= 3) continue;
                for (String line : x.lines(p)) b.append("\n  ").append(line.replace("\t", "  "));
            }
        } finally {
            lock().unlock();
        }
        for (WireSockets ws : sockets) {
            String e = ws.lastSendError;
            if (e != null) b.append("\n  last send error: ").append(e);
        }
        org.jipsec.io.state.SequenceStore st = store;
        if (st != null) b.append("\n  ").append(st.status());
        return b.toString();
    }

    /**
     * Stops the loop, closes the PF_KEY socket (file removed), the sockets and the TUN (device removed). The policy
     * guard's table stays (fail closed: {@link PolicyGuard#close()}), after a last update to the SPD as it is now.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        plane.stop(3000);
        PolicyGuard g = guard;
        if (g != null) g.close();
        org.jipsec.io.ike.IkeHandoffServer h = ikeHandoff;
        if (h != null) h.close();
        org.jipsec.io.sockpolicy.SocketPolicyServer sps = socketPolicies;
        if (sps != null) sps.close();
        server.close();
        for (WireSockets ws : sockets) ws.close();
        try {
            tun.close();
        } catch (IOException e) {
            log.line("closing " + tun.name() + ": " + e.getMessage());
        }
        org.jipsec.io.state.SequenceStore st = store;
        if (st != null) st.close(); // after the data plane: exact marks
        log.line("jipsec gateway: stopped");
    }
}
