package org.jipsec.io.ike;

import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jipsec.core.ike.admission.DaemonLimits;
import org.jipsec.core.ike.admission.InitAdmission;
import org.jipsec.core.ike.codec.IkeHeader;
import org.jipsec.core.ike.codec.TrafficSelector;
import org.jipsec.core.ike.config.ConnectionMatch;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.config.IkeIdentity;
import org.jipsec.core.ike.config.PskLookup;
import org.jipsec.core.ike.engine.IkeAction;
import org.jipsec.core.ike.engine.IkeEndpoint;
import org.jipsec.core.ike.engine.IkeEvent;
import org.jipsec.core.ike.engine.IkeSaConfig;
import org.jipsec.core.ike.engine.IkeSaEngine;
import org.jipsec.core.ikekernel.KernelEvent;
import org.jipsec.core.ipsec.Endpoint;

/**
 * The single-threaded heart of {@code jipsec iked}: it owns every {@link IkeSaEngine} (one per IKE SA; engines are
 * not thread-safe) and feeds them events — datagrams routed by IKE SPI, timers, PF_KEY messages, admin commands —
 * and carries out their actions through the kernel ({@link ChildInstaller}, {@link PolicyTable}) and the network.
 * Time comes in with every call ({@code now}, milliseconds), so a test drives it with a virtual clock;
 * {@link IkeDaemon} runs it on one thread with the real clock. Admin, status and reload are in
 * {@link IkeRuntimeAdmin}.
 */
public final class IkeRuntime {

    /** How the daemon sends: from our endpoint to the peer's (port 500, or the NAT-T port with the marker). */
    @FunctionalInterface
    public interface Network {
        void send(IkeEndpoint from, IkeEndpoint to, byte[] message) throws IOException;

        /** A NAT-keepalive (RFC 3948 §2.3: the single octet 0xFF, no marker) from our NAT-T port to {@code to}. */
        default void keepalive(IkeEndpoint from, IkeEndpoint to) throws IOException {}
    }

    /** strongSwan's {@code keep_alive} (strongswan.conf(5)): 20 s. */
    static final long KEEPALIVE_MILLIS = 20_000;

    /** {@code jipsec iked --settings}: cookies and half-open bounds (RFC 7296 §2.6), strongSwan's defaults. */
    private DaemonLimits limits = DaemonLimits.DEFAULTS;

    private InitAdmission admission;
    private final InitGate gate = new InitGate(this);
    private final SlotActions slotActions = new SlotActions(this);

    final IkeKernelPort kernel;
    final Network network;
    final IkeLog log;
    final SecureRandom random;
    final RandomGenerator jitter;
    final InetAddress localAddress;
    final int ikePort;
    final int natTPort;
    final PolicyTable policies;
    final ChildInstaller installer;
    /** {@code jipsec iked --keylog DIR}, or null (the default). */
    final WiresharkKeyLogWriter keyLog;

    IkeConfig config;
    /** Each connection's authentication and certificates ({@link IkeCredentials}); PSK only until set. */
    IkeCredentials credentials = IkeCredentials.NONE;

    private final IkeKernelEvents kernelEvents = new IkeKernelEvents(this);
    final Map<String, Integer> reqids = new HashMap<>();
    final Map<Long, IkeSaSlot> bySpi = new HashMap<>();
    /** Our SPI of a redundant IKE SA (RFC 7296 §2.8.1) → its pair, routed to its engine while it owns the pair. */
    final Map<Long, Long[]> redundant = new HashMap<>();

    final Map<Long, IkeSaSlot> sas = new LinkedHashMap<>();
    private long nextUniqueId = 1;
    long nextChildId = 1;
    private long droppedUnknownSpi;
    private long droppedNoConnection;
    private long droppedHalfOpen;

    public IkeRuntime(
            IkeConfig config,
            IkeKernelPort kernel,
            Network network,
            IkeLog log,
            SecureRandom random,
            RandomGenerator jitter,
            InetAddress localAddress,
            int ikePort,
            int natTPort) {
        this(config, kernel, network, log, random, jitter, localAddress, ikePort, natTPort, null);
    }

    /** With a Wireshark key log ({@code keyLog} not null: every IKE SA's and CHILD_SA's keys are written there). */
    public IkeRuntime(
            IkeConfig config,
            IkeKernelPort kernel,
            Network network,
            IkeLog log,
            SecureRandom random,
            RandomGenerator jitter,
            InetAddress localAddress,
            int ikePort,
            int natTPort,
            WiresharkKeyLogWriter keyLog) {
        this.keyLog = keyLog;
        this.config = config;
        this.kernel = kernel;
        this.network = network;
        this.log = log;
        this.random = random;
        this.jitter = jitter;
        this.localAddress = localAddress;
        this.ikePort = ikePort;
        this.natTPort = natTPort;
        this.policies = new PolicyTable(kernel, log);
        this.installer = new ChildInstaller(kernel, policies, log, random, ikePort, natTPort);
        this.admission = new InitAdmission(limits, random);
    }

    /** Sets the connections' credentials (certificates, keys, CAs); before {@link #start}, then by reload. */
    public void credentials(IkeCredentials c) {
        this.credentials = c;
    }

    /** Sets the DoS limits ({@code --settings}); before {@link #start}. */
    public void limits(DaemonLimits l) {
        this.limits = l;
        this.admission = new InitAdmission(l, random);
    }

    public DaemonLimits limits() {
        return limits;
    }

    /** The responder's admission of new IKE_SA_INIT requests: its refusal counters. */
    public InitAdmission admission() {
        return admission;
    }

    /** The config's {@code local_addrs} address iked binds (no IP_PKTINFO: one address, named in the config). */
    public static Optional<InetAddress> bindAddress(IkeConfig config) {
        for (IkeConfig.Connection c : config.connections()) {
            Optional<InetAddress> a = ConnectionMatch.firstAddress(c.localAddrs());
            if (a.isPresent()) return a;
        }
        return Optional.empty();
    }

    /** At start (and for added connections on reload): trap policies and {@code start_action = start}. */
    public void start(long now) {
        for (IkeConfig.Connection c : config.connections()) startConnection(c, now);
    }

    void startConnection(IkeConfig.Connection c, long now) {
        IkeSaSlot started = null;
        for (IkeConfig.Child ch : c.children()) {
            switch (ch.startAction()) {
                case TRAP -> trap(c, ch);
                case START -> {
                    // one IKE SA per connection: further children with CREATE_CHILD_SA on it (RFC 7296 §1.3.1)
                    if (started == null) started = initiate(c, ch, 0, now);
                    else started.childrenToCreate.add(ch.name());
                }
                case NONE -> {}
            }
        }
    }

    int reqid(IkeConfig.Connection c, IkeConfig.Child ch) {
        return reqids.computeIfAbsent(c.name() + "/" + ch.name(), k -> reqids.size() + 1);
    }

    /** X_SPDADD of the child's configured selectors as trap policies (charon's trap for start_action=trap). */
    void trap(IkeConfig.Connection c, IkeConfig.Child ch) {
        Optional<InetAddress> remote = ConnectionMatch.firstAddress(c.remoteAddrs());
        if (remote.isEmpty()) {
            log.line(c.name() + "/" + ch.name() + ": start_action=trap needs an address in remote_addrs; not trapped");
            return;
        }
        List<TrafficSelector> l =
                ch.localTs().stream().map(t -> t.toSelector(localAddress)).toList();
        List<TrafficSelector> r =
                ch.remoteTs().stream().map(t -> t.toSelector(remote.get())).toList();
        if (policies.trap(
                reqid(c, ch), ChildInstaller.mode(ch), l, r, new Endpoint(localAddress), new Endpoint(remote.get()))) {
            log.line(c.name() + "/" + ch.name() + ": trap policies installed for " + l + " === " + r);
        }
    }

    void untrap(IkeConfig.Connection c, IkeConfig.Child ch) {
        Optional<InetAddress> remote = ConnectionMatch.firstAddress(c.remoteAddrs());
        if (remote.isEmpty()) return;
        policies.untrap(
                reqid(c, ch),
                ch.localTs().stream().map(t -> t.toSelector(localAddress)).toList(),
                ch.remoteTs().stream().map(t -> t.toSelector(remote.get())).toList());
    }

    /** Starts an IKE SA as initiator for {@code ch}; null (logged) when the config cannot. */
    IkeSaSlot initiate(IkeConfig.Connection c, IkeConfig.Child ch, int acquireSeq, long now) {
        Optional<InetAddress> remote = ConnectionMatch.firstAddress(c.remoteAddrs());
        if (remote.isEmpty()) {
            log.line(c.name() + ": cannot initiate, remote_addrs names no address");
            return null;
        }
        IkeSaSlot s = newSlot(
                c,
                ch,
                IkeSaEngine.Role.INITIATOR,
                new IkeEndpoint(localAddress, ikePort),
                new IkeEndpoint(remote.get(), ikePort));
        if (s == null) return null;
        s.acquireSeq = acquireSeq;
        log.line(s.name() + ": initiating IKE_SA to " + s.remote
                + (acquireSeq != 0 ? " (ACQUIRE " + acquireSeq + ")" : ""));
        feed(s, new IkeEvent.Initiate(now), now);
        return s;
    }

    private IkeSaSlot newSlot(
            IkeConfig.Connection c, IkeConfig.Child ch, IkeSaEngine.Role role, IkeEndpoint local, IkeEndpoint remote) {
        IkeSaConfig.Auth auth = credentials.auth(c.name());
        IkeIdentity localId = c.local().isEmpty() || c.local().getFirst().id() == null
                ? defaultLocalId(auth, local)
                : c.local().getFirst().id();
        IkeIdentity remoteId =
                c.remote().isEmpty() ? IkeIdentity.ANY : c.remote().getFirst().id();
        byte[] secret = null;
        if (auth.local() == IkeConfig.AuthMethod.PSK || auth.remote() == IkeConfig.AuthMethod.PSK) {
            Optional<IkeConfig.SharedSecret> psk = PskLookup.find(config.secrets(), localId, remoteId);
            if (psk.isEmpty()) {
                log.line(c.name() + ": no shared key found for '" + localId + "' - '" + remoteId + "'");
                return null;
            }
            secret = psk.get().secret();
        }
        IkeSaConfig base = IkeSaConfig.of(c, localId, secret);
        // the IKE_AUTH child first, then the connection's other children (for CREATE_CHILD_SA, either direction)
        List<IkeSaConfig.ChildConfig> children = new ArrayList<>();
        for (IkeSaConfig.ChildConfig x : base.children()) if (x.name().equals(ch.name())) children.add(x);
        for (IkeSaConfig.ChildConfig x : base.children()) if (!x.name().equals(ch.name())) children.add(x);
        IkeSaConfig sc = new IkeSaConfig(
                base.ikeProposals(),
                localId,
                remoteId,
                secret,
                ch.name(),
                ch.espProposals(),
                ch.localTs(),
                ch.remoteTs(),
                java.time.Duration.ofMillis(limits.retransmitTimeoutMillis()),
                limits.retransmitBase(),
                limits.retransmitTries(),
                c.dpdDelay(),
                ch.dpdAction(),
                children,
                c.encap(),
                keyLog != null,
                auth);
        IkeSaSlot s = new IkeSaSlot(nextUniqueId++, c, ch, local, remote);
        int reqid = reqid(c, ch);
        s.engine = new IkeSaEngine(role, sc, random, local, remote, encap -> installer.allocate(s, reqid, encap));
        s.engine.fragmentation(c.fragmentation(), limits.fragmentSize());
        sas.put(s.uniqueId, s);
        return s;
    }

    /** swanctl.conf(5) local.id: the certificate's subject with a certificate, else the IKE address. */
    private static IkeIdentity defaultLocalId(IkeSaConfig.Auth auth, IkeEndpoint local) {
        if (auth.cert() != null) {
            return IkeIdentity.parse(
                    org.jipsec.core.ike.auth.CertText.subject(auth.cert().cert()));
        }
        return IkeIdentity.parse(local.address().getHostAddress());
    }

    // ---- inputs ----

    /** A received IKE message (marker removed), routed by the SPI we chose (RFC 7296 §2.6). */
    public void datagram(IkeEndpoint from, IkeEndpoint to, byte[] bytes, long now) {
        if (bytes.length < IkeHeader.LENGTH) {
            droppedUnknownSpi++;
            return;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
        long spiI = b.getLong(0);
        long spiR = b.getLong(8);
        int exchange = bytes[18] & 0xff;
        int flags = bytes[19] & 0xff;
        boolean fromOriginalInitiator = (flags & IkeHeader.FLAG_INITIATOR) != 0;
        long ours = fromOriginalInitiator ? spiR : spiI;
        IkeSaSlot s = ours != 0 ? bySpi.get(ours) : null;
        if (s == null
                && ours == 0
                && fromOriginalInitiator
                && exchange == 34
                && (flags & IkeHeader.FLAG_RESPONSE) == 0) {
            s = halfOpen(from, spiI);
            if (s == null) {
                if (!gate.admit(from, to, bytes, spiI, now)) return;
                s = responder(from, to);
                if (s != null) s.halfOpenUntil = now + limits.halfOpenTimeoutMillis();
            }
        }
        if (s == null) {
            droppedUnknownSpi++;
            return;
        }
        feed(s, new IkeEvent.Datagram(from, to, bytes, now), now);
    }

    private IkeSaSlot halfOpen(IkeEndpoint from, long spiI) {
        for (IkeSaSlot s : sas.values()) {
            if (s.engine.role() == IkeSaEngine.Role.RESPONDER && s.engine.spiI() == spiI && s.remote.equals(from)) {
                return s;
            }
        }
        return null;
    }

    private IkeSaSlot responder(IkeEndpoint from, IkeEndpoint to) {
        Optional<IkeConfig.Connection> c = ConnectionMatch.forPeer(config.connections(), to.address(), from.address());
        if (c.isEmpty() || c.get().children().isEmpty()) {
            droppedNoConnection++;
            log.line("no IKE config found for " + to + "..." + from + ", IKE_SA_INIT dropped");
            return null;
        }
        return newSlot(c.get(), c.get().children().getFirst(), IkeSaEngine.Role.RESPONDER, to, from);
    }

    /** A PF_KEY message from the kernel (racoon's pfkey_handler): {@link IkeKernelEvents}. */
    public void kernelEvent(KernelEvent e, long now) {
        kernelEvents.handle(e, now);
    }

    /** The earliest deadline (engine timers, rekeys), or Long.MAX_VALUE. */
    public long nextDeadline() {
        long t = Long.MAX_VALUE;
        for (IkeSaSlot s : sas.values()) {
            t = Math.min(t, Math.min(s.halfOpenUntil, Math.min(s.timerAt, Math.min(s.rekeyIkeAt, s.keepaliveAt))));
            for (IkeSaSlot.Installed c : s.children.values()) t = Math.min(t, c.rekeyAt());
        }
        return t;
    }

    /** Fires what is due at {@code now}. */
    public void timers(long now) {
        for (IkeSaSlot s : List.copyOf(sas.values())) {
            if (!sas.containsKey(s.uniqueId)) continue;
            if (s.halfOpenUntil <= now) {
                log.line(s.name() + ": half-open IKE SA from " + s.remote + " not established within "
                        + limits.halfOpenTimeoutMillis() / 1000 + " s, dropped");
                droppedHalfOpen++;
                forget(s);
                continue;
            }
            if (s.timerAt <= now) {
                s.timerAt = Long.MAX_VALUE;
                if (s.establishedAt >= 0 && s.connection.dpdDelay().isPositive() && inboundTrafficSince(s)) {
                    feed(s, new IkeEvent.InboundTraffic(now), now);
                }
                feed(s, new IkeEvent.Timer(now), now);
            }
            if (s.keepaliveAt <= now && sas.containsKey(s.uniqueId)) keepalive(s, now);
            if (s.rekeyIkeAt <= now && sas.containsKey(s.uniqueId)) {
                s.rekeyIkeAt = Long.MAX_VALUE;
                log.line(s.name() + ": rekey_time reached, rekeying IKE SA");
                feed(s, new IkeEvent.RekeyIke(now), now);
            }
            for (IkeSaSlot.Installed c : List.copyOf(s.children.values())) {
                if (c.rekeyAt() <= now && sas.containsKey(s.uniqueId) && s.children.containsKey(c.spiIn())) {
                    s.children.put(c.spiIn(), c.withRekeyAt(Long.MAX_VALUE));
                    log.line(s.name() + ": rekey_time of CHILD_SA " + c.child() + "{" + c.uniqueId() + "} reached");
                    feed(s, new IkeEvent.RekeyChild(c.spiIn(), now), now);
                }
            }
        }
    }

    /** RFC 3948 §4: behind a NAT, a keepalive every {@link #KEEPALIVE_MILLIS} keeps the mapping for ESP-in-UDP. */
    private void keepalive(IkeSaSlot s, long now) {
        s.keepaliveAt = now + KEEPALIVE_MILLIS;
        try {
            network.keepalive(s.local, s.remote);
        } catch (IOException e) {
            log.line(s.name() + ": NAT keepalive to " + s.remote + " failed: " + e.getMessage());
        }
    }

    /**
     * Whether ESP arrived on one of the SA's children since the last look: the use time of the inbound SAs' current
     * lifetimes (SADB_GET), as strongSwan asks the kernel before a liveness check (§2.4: only after dpd_delay
     * without inbound traffic).
     */
    private boolean inboundTrafficSince(IkeSaSlot s) {
        long newest = s.lastUseTime;
        for (IkeSaSlot.Installed c : s.children.values()) {
            try {
                var u = kernel.usage(new org.jipsec.core.ikekernel.SaId(
                        org.jipsec.core.ipsec.SaType.ESP,
                        c.spiIn(),
                        new Endpoint(s.remote.address()),
                        new Endpoint(s.local.address())));
                if (u.isPresent()) newest = Math.max(newest, u.get().useTime());
            } catch (IOException e) {
                log.line(s.name() + ": " + e.getMessage());
            }
        }
        boolean seen = newest > s.lastUseTime;
        s.lastUseTime = newest;
        return seen;
    }

    /** Datagrams dropped because no IKE SA had their SPI (or they were too short for a header). */
    public long droppedUnknownSpi() {
        return droppedUnknownSpi;
    }

    /** IKE_SA_INIT requests no connection matched. */
    public long droppedNoConnection() {
        return droppedNoConnection;
    }

    /** IKE_SA_INIT requests that could not be decoded before admission. */
    public long droppedMalformedInit() {
        return gate.droppedMalformedInit;
    }

    void countHalfOpenDrop() {
        droppedHalfOpen++;
    }

    /** Half-open responder SAs dropped: timed out, or refused by the half-open bounds. */
    public long droppedHalfOpen() {
        return droppedHalfOpen;
    }

    public int saCount() {
        return sas.size();
    }

    // ---- the engine and its actions ----

    void feed(IkeSaSlot s, IkeEvent e, long now) {
        List<IkeAction> actions;
        try {
            actions = s.engine.handle(e);
        } catch (RuntimeException ex) {
            // a bug or a configuration the engine cannot use (e.g. an identity without an ID payload encoding):
            // this IKE SA is given up, the daemon goes on
            log.line(s.name() + ": IKE_SA failed: internal error on "
                    + e.getClass().getSimpleName() + ": " + ex);
            forget(s);
            return;
        }
        List<Runnable> after = new ArrayList<>();
        for (IkeAction a : actions) slotActions.apply(s, a, now, after);
        if (sas.containsKey(s.uniqueId)) {
            if (s.engine.spiI() != 0) bySpi.put(s.engine.spiI(), s);
            if (s.engine.spiR() != 0) bySpi.put(s.engine.spiR(), s);
            // SPIs of a redundant or rekeyed SA whose Delete is done are no longer routed here
            bySpi.entrySet().removeIf(x -> x.getValue() == s && !ownsSpi(s, x.getKey()));
        }
        after.forEach(Runnable::run);
    }

    /** Whether {@code spi} (ours) still names one of the engine's SAs: the current one or one it keeps (§2.8.1). */
    private boolean ownsSpi(IkeSaSlot s, long spi) {
        Long[] other = redundant.get(spi);
        if (spi == s.engine.spiI() || spi == s.engine.spiR()) return true;
        if (other == null) return true; // an old SPI of an IKE rekey: kept until the slot is forgotten
        if (s.engine.owns(other[0], other[1])) return true;
        redundant.remove(spi);
        return false;
    }

    /** The IKE SA is gone: its routes, larval SAs and any CHILD_SA still installed (the engine removed them first). */
    void forget(IkeSaSlot s) {
        sas.remove(s.uniqueId);
        bySpi.values().removeIf(x -> x == s);
        redundant.keySet().removeIf(spi -> !bySpi.containsKey(spi));
        installer.releaseLarval(s);
        for (IkeSaSlot.Installed i : List.copyOf(s.children.values())) installer.remove(s, i);
        s.children.clear();
        s.timerAt = Long.MAX_VALUE;
        s.rekeyIkeAt = Long.MAX_VALUE;
        s.keepaliveAt = Long.MAX_VALUE;
    }
}
