package org.jipsec.io.gateway;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jipsec.core.engine.EngineSettings;
import org.jipsec.core.engine.IpsecEngine;
import org.jipsec.core.engine.IpsecStatistics;
import org.jipsec.core.guard.GuardSnapshot;
import org.jipsec.core.guard.NftRuleset;
import org.jipsec.core.ipsec.SaType;
import java.util.List;
import java.util.function.Consumer;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.Outcome;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.spd.PolicyOrigin;
import org.jipsec.core.spd.SecurityPolicy;
import org.jipsec.core.spd.SpdException;
import org.jipsec.core.spd.SystemDefaults;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.jipsec.io.pfkey.PfkeyServer;
import org.jipsec.io.tun.TunDevice;
import org.jipsec.io.tun.TunOptions;

/**
 * jipsecd with its data plane (issue #7): the {@link IpsecEngine}, its key engine served on PF_KEY, a TUN device and
 * the raw/UDP sockets, and the packet loop ({@link DataPlane}) on its own thread.
 *
 * <p>Start it on a thread inside the network namespace it should serve (the TUN and the sockets belong to the
 * namespace of the thread that opens them); after that it may be used from any thread.
 *
 * <p>What the user configures (see the package documentation): addresses/routes that send the traffic to protect
 * into the TUN, and — for transport mode, where the protected packet goes to the same peer address — the fwmark
 * rule that keeps the daemon's own packets (marked {@link GatewayOptions#mark()}) off the TUN.
 *
 * <p>Configuration: {@link ConfigLoader} applies a setkey file to the key engine at start; {@link #reload()} (SIGHUP)
 * removes what the previous load added — SAs and policies that still exist — and loads again, so SAs and policies
 * added over PF_KEY are kept.
 */
public final class GatewayDaemon implements AutoCloseable {

    /** Where the daemon's log lines go (stderr in jipsecd). Never given key material. */
    @FunctionalInterface
    public interface Log {
        void line(String s);
    }

    /**
     * Applies a configuration to the key engine; false (after saying why) if it could not be applied. Every outcome of
     * the engine calls it makes goes to {@code announce}, so the daemon can deliver the messages the kernel would
     * send to the other PF_KEY sockets (SADB_ADD, SADB_X_SPDADD… to ALL, promiscuous copies).
     */
    @FunctionalInterface
    public interface ConfigLoader {
        boolean load(KeyEngine keys, Consumer<Outcome> announce);
    }

    private final IpsecEngine engine;
    private final PfkeyServer server;
    private final TunDevice tun;
    private final WireSockets sockets;
    private final DataPlane plane;
    private final Thread thread;
    private final Log log;
    private final ConfigLoader config;
    private final GatewayCounters counters = new GatewayCounters();
    private final Set<SecurityAssociation> configSas = new HashSet<>();
    private final Set<Integer> configPolicies = new HashSet<>();
    /** The nftables policy guard, or null (--no-policy-guard). */
    private volatile PolicyGuard guard;
    private volatile boolean closed;

    private GatewayDaemon(IpsecEngine engine, PfkeyServer server, TunDevice tun, WireSockets sockets,
                          Log log, ConfigLoader config, GatewayOptions o, BatchClock clock) {
        this.engine = engine;
        this.server = server;
        this.tun = tun;
        this.sockets = sockets;
        this.log = log;
        this.config = config;
        this.plane = new DataPlane(engine, server.lock(), tun.queue(0), sockets, log, server::deliver, counters,
                o.keepaliveSeconds(), clock);
        this.thread = Thread.ofPlatform().name("jipsec-dataplane").daemon().unstarted(plane);
    }

    /**
     * Builds the engine on {@code sysctl}, applies {@code config} (may be null), opens the TUN (up, MTU set) and the
     * sockets in the calling thread's namespace, serves PF_KEY and starts the packet loop.
     *
     * @throws IOException when a device or socket cannot be opened, or the configuration is refused
     */
    public static GatewayDaemon start(GatewayOptions o, Sysctl sysctl, ConfigLoader config, Log log) throws IOException {
        AtomicReference<PfkeyServer> sink = new AtomicReference<>();
        BatchClock clock = new BatchClock(InstantSource.system());
        IpsecEngine engine = IpsecEngine.create(sysctl, clock, new SecureRandom(),
                EngineSettings.DEFAULTS, out -> {
                    PfkeyServer s = sink.get();
                    if (s != null) s.deliver(out);
                });
        Set<SecurityAssociation> sasBefore = allSas(engine);
        Set<Integer> policiesBefore = policyIds(engine);
        if (config != null && !config.load(engine.keyEngine(), none -> { })) {  // no PF_KEY listener yet
            throw new IOException("configuration not applied");
        }
        engine.sweep();
        TunDevice tun = null;
        WireSockets sockets = null;
        PfkeyServer server = null;
        try {
            tun = TunDevice.open(new TunOptions(o.tunName(), 1, o.offload()));
            tun.setMtu(o.mtu());
            org.jipsec.io.tun.InterfaceControl.setTxQueueLength(tun.name(), 4096);
            tun.setUp(true);
            sockets = new WireSockets(o);
            GatewayDaemon[] self = new GatewayDaemon[1];
            server = PfkeyServer.start(engine.keyEngine(), (id, msg) -> self[0].request(id, msg), o.pfkey());
            sink.set(server);
            GatewayDaemon d = new GatewayDaemon(engine, server, tun, sockets, log, config, o, clock);
            self[0] = d;
            d.remember(sasBefore, policiesBefore);
            if (o.policyGuard()) d.startGuard(o);
            d.thread.start();
            log.line("jipsec gateway: data plane on " + tun.name() + " (MTU " + o.mtu() + ", mark 0x"
                    + Integer.toHexString(o.mark()) + (o.offload() ? ", offloads" : "") + (o.natTPort() != 0 ? ", UDP " + o.natTPort() : "") + "), PF_KEY on "
                    + server.path() + "; " + engine.keyEngine().sad().size() + " SAs, " + engine.spd().size() + " policies");
            return d;
        } catch (IOException | RuntimeException e) {
            if (server != null) server.close();
            if (sockets != null) sockets.close();
            if (tun != null) {
                try { tun.close(); } catch (IOException ignored) { }
            }
            throw e;
        }
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
        guard = PolicyGuard.start(cfg, () -> {
            lock().lock();
            try {
                return GuardSnapshot.of(engine.spd().generation(), engine.spd().dump(), defaults);
            } finally {
                lock().unlock();
            }
        }, () -> guardVersion(sysctl), log);
        sysctl.bindStruct(SysctlNames.IPSEC_STATS, () -> Sysctl.counters(statistics()));
        sysctl.bindStruct(SysctlNames.IPSEC6_STATS, () -> Sysctl.counters(statistics()));
    }

    /** What the guard's rules depend on: the SPD generation and the sysctl defaults (spec §4.3, §4.8). */
    private Object guardVersion(Sysctl sysctl) {
        java.util.List<Integer> v = new java.util.ArrayList<>(11);
        v.add(engine.spd().generation());
        for (String n : GUARD_SYSCTLS) v.add(sysctl.intValue(n));
        return v;
    }

    private static final String[] GUARD_SYSCTLS = {SysctlNames.IPSEC_DEF_POLICY, SysctlNames.IPSEC6_DEF_POLICY,
        SysctlNames.IPSEC_ESP_TRANS_DEFLEV, SysctlNames.IPSEC_ESP_NET_DEFLEV, SysctlNames.IPSEC_AH_TRANS_DEFLEV,
        SysctlNames.IPSEC_AH_NET_DEFLEV, SysctlNames.IPSEC6_ESP_TRANS_DEFLEV, SysctlNames.IPSEC6_ESP_NET_DEFLEV,
        SysctlNames.IPSEC6_AH_TRANS_DEFLEV, SysctlNames.IPSEC6_AH_NET_DEFLEV};

    /** The policy guard, or null when it is off. */
    public PolicyGuard policyGuard() { return guard; }

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
    public IpsecEngine engine() { return engine; }

    public java.util.concurrent.locks.ReentrantLock lock() { return server.lock(); }

    public String tunName() { return tun.name(); }

    public PfkeyServer pfkeyServer() { return server; }

    /** A PF_KEY request: through the engine (dead SAs' keys zeroed), logged by type and result (never keys). */
    private Outcome request(long socket, byte[] msg) {
        Outcome o = engine.pfkey(socket, msg);
        if (msg.length >= 4) {
            int type = msg[1] & 0xff;
            if (type != Sadb.SADB_DUMP && type != Sadb.SADB_X_SPDDUMP && type != Sadb.SADB_REGISTER
                    && type != Sadb.SADB_GET && type != Sadb.SADB_X_SPDGET) {
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
                        + "; now " + engine.keyEngine().sad().size() + " SAs, " + engine.spd().size() + " policies");
            }
        }
        return o;
    }

    /** Sends {@code request} to the engine on {@code socket}, delivers the answers to the PF_KEY clients; ok? */
    private boolean announced(long socket, PfkeyMessage request) {
        Outcome o = engine.keyEngine().handle(socket, request);
        server.deliver(o);
        for (var d : o.deliveries()) {
            if (d.socketId() == socket && !d.promiscCopy()) return d.message().errno() == 0;
        }
        return false;
    }

    private static Set<SecurityAssociation> allSas(IpsecEngine engine) {
        Set<SecurityAssociation> s = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (SaType t : SaType.values()) {
            if (t == SaType.UNSPEC) continue;
            s.addAll(engine.keyEngine().sad().snapshot(t));
        }
        return s;
    }

    private static Set<Integer> policyIds(IpsecEngine engine) {
        Set<Integer> s = new HashSet<>();
        for (SecurityPolicy p : engine.spd().dump()) s.add(p.id());
        return s;
    }

    /** Records what the last configuration load added: everything now present that was not before. */
    private void remember(Set<SecurityAssociation> sasBefore, Set<Integer> policiesBefore) {
        configSas.clear();
        for (SecurityAssociation sa : allSas(engine)) if (!sasBefore.contains(sa)) configSas.add(sa);
        configPolicies.clear();
        for (Integer id : policyIds(engine)) if (!policiesBefore.contains(id)) configPolicies.add(id);
    }

    /**
     * SIGHUP: the configuration's SAs and policies (those of the previous load that still exist) are removed, and the
     * configuration is loaded again; SAs and policies added over PF_KEY stay. If the new configuration is refused the
     * daemon keeps running with what it had minus the removed entries, and says so.
     *
     * <p>PF_KEY listeners see the reload as they would see it done with setkey on NetBSD: each removal is a PF_KEY
     * request to the engine — SADB_DELETE {@code <base, SA, SRC, DST>} per SA, SADB_X_SPDDELETE2 {@code <base,
     * X_POLICY>} per policy — and each load statement too (SADB_ADD with keys stripped, SADB_X_SPDADD), all
     * answered to every socket with promiscuous copies (spec §1.10, §1.11), through the PF_KEY server.
     */
    public boolean reload() {
        if (config == null) {
            log.line("reload: no --config, nothing to do");
            return true;
        }
        lock().lock();
        try {
            int sas = 0, sps = 0;
            KeyEngine keys = engine.keyEngine();
            long socket = keys.openSocket();
            int pid = (int) ProcessHandle.current().pid();
            try {
                for (SecurityAssociation sa : configSas) {
                    if (!sa.state().alive()) continue;
                    PfkeyMessage del = PfkeyMessage.of(Sadb.SADB_DELETE, sa.saType().number(), 0, pid, List.of(
                            new Extension.Sa(sa.spi(), 0, 0, 0, 0, 0),
                            Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, sa.source()),
                            Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, sa.destination())));
                    if (announced(socket, del)) sas++;
                    else if (sa.state().alive()) {                     // not addressable by DELETE: remove it directly
                        keys.sad().remove(sa);
                        sas++;
                    }
                }
                for (int id : configPolicies) {
                    var sp = engine.spd().get(id);
                    if (sp.isEmpty()) continue;                           // deleted over PF_KEY meanwhile
                    PfkeyMessage del = PfkeyMessage.of(Sadb.SADB_X_SPDDELETE2, 0, 0, pid,
                            List.of(new Extension.Policy(sp.get().policy())));
                    if (announced(socket, del)) sps++;
                    else {
                        try {
                            engine.spd().deleteById(id, PolicyOrigin.KERNEL);
                            sps++;
                        } catch (SpdException e) {
                            // gone meanwhile
                        }
                    }
                }
            } finally {
                keys.closeSocket(socket);
            }
            engine.sweep();
            Set<SecurityAssociation> sasBefore = allSas(engine);
            Set<Integer> policiesBefore = policyIds(engine);
            boolean ok = config.load(engine.keyEngine(), server::deliver);
            engine.sweep();
            remember(sasBefore, policiesBefore);
            log.line("reload: removed " + sas + " configured SAs and " + sps + " policies; loaded " + configSas.size()
                    + " SAs and " + configPolicies.size() + " policies" + (ok ? "" : " (configuration refused: partial)")
                    + "; now " + engine.keyEngine().sad().size() + " SAs, " + engine.spd().size() + " policies");
            return ok;
        } finally {
            lock().unlock();
        }
    }

    /** The counters (SIGUSR1): the data plane's, then every non-zero IPsec statistic. */
    public String status() {
        StringBuilder b = new StringBuilder("jipsec gateway " + tun.name() + ": " + counters.format()
                + " send_errors=" + sockets.sendErrors + " rxq_overflows=" + sockets.receiveQueueDrops());
        PolicyGuard g = guard;
        long[] guardDrops = g != null ? g.counters() : null;   // outside the engine lock: runs nft
        if (g != null) {
            b.append("\n  policy guard ").append(g.table()).append(g.installed() ? "" : " (not installed)")
                    .append(": in_polvio=").append(guardDrops[0]).append(" out_polvio=").append(guardDrops[1])
                    .append(" (cleartext outside the TUN; included below)");
        }
        lock().lock();
        try {
            b.append("\n  SAs=").append(engine.keyEngine().sad().size()).append(" policies=").append(engine.spd().size())
                    .append(" pending=").append(engine.pendingPackets());
            long[] s = engine.statistics().snapshot();
            if (g != null) {
                s[IpsecStatistics.IN_POLVIO] += guardDrops[0];
                s[IpsecStatistics.OUT_POLVIO] += guardDrops[1];
            }
            for (int i = 0; i < s.length; i++) {
                if (s[i] != 0) b.append("\n  ").append(IpsecStatistics.name(i)).append(' ').append(s[i]);
            }
            for (org.jipsec.core.ipsec.IpsecProtocol p : org.jipsec.core.ipsec.IpsecProtocol.values()) {
                var x = engine.xformStatistics();
                if (x.inputPackets(p) == 0 && x.outputPackets(p) == 0 && x.lines(p).size() <= 3) continue;
                for (String line : x.lines(p)) b.append("\n  ").append(line.replace("\t", "  "));
            }
        } finally {
            lock().unlock();
        }
        if (sockets.lastSendError != null) b.append("\n  last send error: ").append(sockets.lastSendError);
        return b.toString();
    }

    /** Stops the loop, closes the PF_KEY socket (file removed), the sockets and the TUN (device removed). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        plane.stop();
        try { thread.join(3000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        PolicyGuard g = guard;
        if (g != null) g.close();
        server.close();
        sockets.close();
        try { tun.close(); } catch (IOException e) { log.line("closing " + tun.name() + ": " + e.getMessage()); }
        log.line("jipsec gateway: stopped");
    }

}
