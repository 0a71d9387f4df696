package org.jipsec.core.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.jipsec.core.crypto.InvalidKeyLengthException;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.IpProtocols;
import org.jipsec.core.net.IpView;
import org.jipsec.core.net.Ipv4Header;
import org.jipsec.core.net.Ipv6Header;
import org.jipsec.core.net.MalformedPacketException;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.net.PacketSelector;
import org.jipsec.core.net.Reassembler;
import org.jipsec.core.net.ReassemblyResult;
import org.jipsec.core.net.UdpEncapClassifier;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.Outcome;
import org.jipsec.core.pfkey.SpdPolicyStore;
import org.jipsec.core.pfkey.StoredPolicy;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.sad.TransformState;
import org.jipsec.core.spd.AppliedTransform;
import org.jipsec.core.spd.FlowKey;
import org.jipsec.core.spd.InboundPolicyCheck;
import org.jipsec.core.spd.InboundVerdict;
import org.jipsec.core.spd.OutboundDecision;
import org.jipsec.core.spd.OutboundRequestResolver;
import org.jipsec.core.spd.PendingPacketQueue;
import org.jipsec.core.spd.SecurityPolicy;
import org.jipsec.core.spd.SocketPolicyResolver;
import org.jipsec.core.spd.Spd;
import org.jipsec.core.spd.SystemDefaults;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.jipsec.core.xform.DropReason;
import org.jipsec.core.xform.InboundTrace;
import org.jipsec.core.xform.SaContext;
import org.jipsec.core.xform.SaTransformState;
import org.jipsec.core.xform.SequenceGuard;
import org.jipsec.core.xform.Xform;
import org.jipsec.core.xform.XformSettings;
import org.jipsec.core.xform.XformStats;

/**
 * The IPsec engine: NetBSD's {@code ipsec4_output}/{@code ipsec6_output} + {@code ipsec_common_input} +
 * {@code ipsec_in_reject} as pure functions from a packet to a decision (spec §4.4, §4.5).
 *
 * <p>Outbound ({@link #output}, {@link #forward}): packet selector (spec §4.1; needport = 1 for locally sent
 * packets, 0 when forwarding) → socket policy ({@link SocketPolicyResolver}, spec §4.2) or SPD lookup, else the
 * system default ({@code def_policy}, §4.3) → DISCARD/NONE/BYPASS, or IPSEC: each request resolved against the SAD
 * ({@link OutboundRequestResolver}: effective level from the deflevs §4.8, SA choice honouring {@code prefered_oldsa}
 * §4.6); a missing SA triggers a rate-limited ACQUIRE (§4.7) and, at REQUIRE/UNIQUE, holds the packet in the
 * bounded pending queue (or drops it, {@code out_nosa}, when the queue is off or full), at USE skips the request.
 * The bundle is applied innermost first (KAME order: IPComp, ESP, AH) by the transforms; each SA's usage is
 * recorded for its lifetimes (§4.9). A per-flow cache remembers the resolved bundle (and its transform contexts) while
 * the SPD entry, the SAD generation and {@code prefered_oldsa} stay the same, so a change takes effect on the next
 * packet exactly as without it. {@link #outputInPlace} is the data planes' variant: the packet is protected in the
 * caller's buffer (with head- and tailroom) instead of a copy.
 *
 * <p>Inbound ({@link #input}): NAT-T keepalives and IKE messages on the NAT-T port are told apart (RFC 3948 §2.1,
 * §2.2); fragments are reassembled first (RFC 4303 §3.4.1); every IPsec layer is removed, each with the SA found by
 * (destination, protocol, SPI) (§4.6), tunnel headers included, recording the decapsulation history; then the
 * inbound policy check runs over the whole history ({@link InboundPolicyCheck}, which fixes ipsec(4)'s BUGS case);
 * a clear packet under an inbound {@code require} policy is dropped ({@code in_polvio}).
 *
 * <p>SA state: every usable SA owns its {@link SaTransformState} (one sequence counter, one replay window, its keyed
 * transforms), made by the factory this engine gives the key engine when the SA becomes MATURE and destroyed, keys
 * zeroed, when it leaves the SAD ({@link KeyEngine#setTransformFactory}); the engine keeps no per-SA map. An SA of
 * mode "any" runs in the mode its request asks for, through that one state ({@link SaTransformState#context}).
 *
 * <p>Threads: not thread-safe; one caller at a time, under the key engine's lock (the io layer serialises, as for
 * {@link KeyEngine}). The per-SA state it hands the transforms is itself safe for several threads. PF_KEY messages
 * the data path causes (ACQUIRE) go to the {@code pfkeyOut} consumer given at construction.
 */
public final class IpsecEngine {

    private final KeyEngine keys;
    private final Spd spd;
    private final Sysctl sysctl;
    private final InstantSource clock;
    private final Consumer<Outcome> pfkeyOut;
    private final SystemDefaults defaults;
    private final OutboundRequestResolver resolver;
    private final InboundPolicyCheck inboundCheck;
    private final RandomGenerator random;
    private Function<SecurityAssociation, SequenceGuard> guards = sa -> SequenceGuard.NONE;
    /** The offline tool's {@code --seq}/{@code --iv} initializer; null for none. */
    private Consumer<SaContext> onCreate;

    private final XformStats xformStats = new XformStats();
    /** {@code net.inet.ipsec.ipip_spoofcheck} (default 1) and the host's addresses it compares with. */
    private volatile boolean spoofCheck;

    private volatile LocalAddresses localAddresses = LocalAddresses.NONE;
    private final IpsecStatistics stats = new IpsecStatistics();
    private final Reassembler reassembler;
    private final PendingPacketQueue<SaIndex, Pending> pending;
    private final Set<SaIndex> waiting = new LinkedHashSet<>();
    private final int[] natTPorts;
    private volatile Xform xform;
    /** The engine's own arrays for ESP-in-UDP input ({@link #espInUdp}); used only inside {@link #input}. */
    private final org.jipsec.core.xform.InputBuffers inputBuffers =
            new org.jipsec.core.xform.InputBuffers(Xform.HEADROOM + 40 + 0x10000 + Xform.TAILROOM);
    /** The engine's view for {@link #natTSpecial(PacketBuffer)} (used only inside {@link #input}). */
    private final IpView natTView = new IpView();

    private Encapsulation.UdpDatagram lastDatagram;
    /** The last address-path inbound SPD answer ({@link Spd#lookupAgain}). */
    private FlowKey lastInboundKey;

    private int lastInboundGeneration;
    private Optional<SecurityPolicy> lastInboundEntry;
    private byte[] lastSource;
    private byte[] lastDestination;

    /** A packet held for an SA: enough to run {@link #output} again. */
    private record Pending(byte[] packet, SocketPolicy socket, boolean needPort) {}

    /**
     * @param keys     the key engine; its policy store must be an {@link SpdPolicyStore} over {@code spd}
     * @param spd      the SPD the data path looks policies up in
     * @param sysctl   the tree: def_policy, deflevs, *_enable, dfbit, ecn, ah_cleartos… read at each use
     * @param clock    the engine clock (pending queue, reassembly, SA usage times)
     * @param random   IVs, padding, tunnel IPv4 ids
     * @param pfkeyOut where ACQUIRE messages caused by the data path go (the io layer writes them to the sockets)
     */
    public IpsecEngine(
            KeyEngine keys,
            Spd spd,
            Sysctl sysctl,
            InstantSource clock,
            RandomGenerator random,
            EngineSettings settings,
            Consumer<Outcome> pfkeyOut) {
        this.keys = Objects.requireNonNull(keys);
        this.spd = Objects.requireNonNull(spd);
        if (!(keys.policies() instanceof SpdPolicyStore s) || s.spd() != spd)
            throw new IllegalArgumentException("the key engine's policy store must be an SpdPolicyStore over this SPD");
        this.sysctl = Objects.requireNonNull(sysctl);
        this.clock = Objects.requireNonNull(clock);
        Objects.requireNonNull(settings, "settings");
        this.pfkeyOut = Objects.requireNonNull(pfkeyOut);
        this.defaults = new SystemDefaults(sysctl);
        this.resolver = new OutboundRequestResolver(defaults);
        this.inboundCheck = new InboundPolicyCheck(defaults);
        this.random = Objects.requireNonNull(random);
        keys.setTransformFactory(this::newTransformState);
        this.reassembler = new Reassembler(settings.reassembly(), clock);
        this.pending = settings.pendingPerSa() == 0
                ? null
                : new PendingPacketQueue<>(
                        settings.pendingPerSa(),
                        Math.max(1, settings.pendingPackets()),
                        Math.max(1, settings.pendingBytes()),
                        settings.pendingTimeout(),
                        clock);
        this.natTPorts = settings.natTPorts();
        this.xform = new Xform(XformSettings.from(sysctl), xformStats, natTPorts);
        for (String name : List.of(
                SysctlNames.IPSEC_AH_CLEARTOS,
                SysctlNames.IPSEC_AH_OFFSETMASK,
                SysctlNames.IPSEC_DFBIT,
                SysctlNames.IPSEC_ECN,
                SysctlNames.IPSEC6_ECN,
                SysctlNames.IPSEC_ESP_ENABLE,
                SysctlNames.IPSEC_AH_ENABLE,
                SysctlNames.IPSEC_IPCOMP_ENABLE)) {
            // a sysctl write applies to the next packet: the transforms get a fresh snapshot
            sysctl.addListener(name, (n, o, v) -> xform = new Xform(XformSettings.from(sysctl), xformStats, natTPorts));
        }
        this.spoofCheck = sysctl.intValue(SysctlNames.IPSEC_IPIP_SPOOFCHECK) != 0;
        sysctl.addListener(SysctlNames.IPSEC_IPIP_SPOOFCHECK, (n, o, v) -> spoofCheck = v != 0);
        stats.bindTo(sysctl);
        org.jipsec.core.xform.NetbsdStatsLayout.bindTo(sysctl, xformStats); // esp/ah/ipcomp/ipip_stats
        sysctl.bindStruct(SysctlNames.KEY_STATS, () -> Sysctl.counters(keys.pfkeyStatistics())); // io rebinds locked
        sysctl.setPoliciesExist(() -> spd.size() > 0);
    }

    /**
     * A complete engine: an SPD on {@code clock}, the key engine over it (jipsec's algorithm table, {@code net.key}
     * variables bound to {@code sysctl}), and the engine.
     */
    public static IpsecEngine create(
            Sysctl sysctl,
            InstantSource clock,
            RandomGenerator random,
            EngineSettings settings,
            Consumer<Outcome> pfkeyOut) {
        Spd spd = new Spd(clock, sysctl);
        KeySettings ks = new KeySettings().bindTo(sysctl);
        KeyEngine keys = new KeyEngine(
                ks, () -> clock.instant().getEpochSecond(), random, new SpdPolicyStore(spd), AlgorithmCatalog.TABLE);
        return new IpsecEngine(keys, spd, sysctl, clock, random, settings, pfkeyOut);
    }

    public KeyEngine keyEngine() {
        return keys;
    }

    public Spd spd() {
        return spd;
    }

    public Sysctl sysctl() {
        return sysctl;
    }

    public IpsecStatistics statistics() {
        return stats;
    }

    /** The transforms' per-protocol counters ({@code netstat -s -p esp|ah|ipcomp}). */
    public XformStats xformStatistics() {
        return xformStats;
    }

    public Reassembler reassembler() {
        return reassembler;
    }

    /** Packets held for missing SAs. */
    public int pendingPackets() {
        return pending == null ? 0 : pending.size();
    }

    private long nowSeconds() {
        return clock.instant().getEpochSecond();
    }

    // ------------------------------------------------------------------------------------------ PF_KEY and timer

    /** A PF_KEY request through the engine (the SAs it adds or removes make or destroy their transform state). */
    public Outcome pfkey(long socket, byte[] message) {
        return keys.handle(socket, message);
    }

    /**
     * The once-a-second timer: key_timehandler (lifetimes → SADB_EXPIRE, larval SAs, ACQUIRE entries; an SA that
     * expires destroys its transform state), held packets past their timeout are dropped ({@code out_nosa}), stale
     * fragments freed.
     */
    public Outcome tick() {
        Outcome o = keys.tick();
        if (pending != null) {
            for (Pending ignored : pending.expire()) stats.increment(IpsecStatistics.OUT_NOSA);
            if (pending.size() == 0) waiting.clear();
        }
        reassembler.expire();
        return o;
    }

    private boolean alive(SecurityAssociation sa) {
        return sa.state().usable();
    }

    /**
     * The factory the key engine calls when an SA becomes MATURE: the SA's one transform state, in the SA's own
     * mode, with its saved sequence state; an SA the transforms refuse gets a {@link TransformState.Refused}.
     */
    private TransformState newTransformState(SecurityAssociation sa) {
        if (sa.protocol().isEmpty())
            return new TransformState.Refused("SA type " + sa.saType().dumpName() + " has no transform");
        try {
            SaTransformState st =
                    SaTransformState.create(SaAdapter.parameters(sa, sa.mode()), random, guards.apply(sa));
            if (onCreate != null) onCreate.accept(st.context(sa.mode()));
            return st;
        } catch (InvalidKeyLengthException | IllegalArgumentException e) {
            return new TransformState.Refused(e.getMessage());
        }
    }

    /** The transform state of a usable SA, or the reason there is none. */
    private static SaTransformState stateOf(SecurityAssociation sa) throws RefusedSa {
        TransformState t = sa.transform();
        if (t instanceof SaTransformState st) return st;
        throw new RefusedSa(t instanceof TransformState.Refused r ? r.reason() : "SA has no transform state");
    }

    private static final class RefusedSa extends Exception {
        RefusedSa(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Where SAs get their saved sequence state from now on (issue #12: a state directory that writes sequence numbers
     * ahead of use); without one, {@link org.jipsec.core.xform.SequenceGuard#NONE}. Set before traffic flows.
     */
    public void setSequenceGuards(Function<SecurityAssociation, SequenceGuard> guards) {
        this.guards = Objects.requireNonNull(guards);
    }

    /**
     * Runs {@code init} on every SA's transform state (the offline tool's {@code --seq}, {@code --iv}): on the usable
     * SAs' now, and on every SA's as it becomes MATURE — once per SA, on its context in its own mode, whose state the
     * contexts of its other modes share. Set before traffic flows.
     */
    public void setContextInitializer(Consumer<SaContext> init) {
        this.onCreate = Objects.requireNonNull(init);
        keys.sad().forEach(SaType.UNSPEC, sa -> {
            if (sa.transform() instanceof SaTransformState st) init.accept(st.context(sa.mode()));
        });
    }

    /** The transform contexts that exist for {@code sa} (tests and diagnostics); empty once the SA is gone. */
    public List<SaContext> contextsOf(SecurityAssociation sa) {
        return sa.transform() instanceof SaTransformState st ? st.contexts() : List.of();
    }

    /** SAs in the SAD that hold a live transform state (tests and diagnostics). */
    public int contextCount() {
        int[] n = {0};
        keys.sad().forEach(SaType.UNSPEC, sa -> {
            if (sa.transform() instanceof SaTransformState) n[0]++;
        });
        return n[0];
    }

    /**
     * Releases the packets held for SAs that have arrived since (an IKE daemon answered the ACQUIRE): each runs
     * through {@link #output} again; the decisions are returned in order. Call after PF_KEY ADD/UPDATE.
     */
    public List<OutputDecision> drainReady() {
        if (pending == null || waiting.isEmpty()) return List.of();
        List<OutputDecision> out = new ArrayList<>();
        for (SaIndex idx : List.copyOf(waiting)) {
            if (keys.lookupOutbound(idx).isEmpty()) continue;
            waiting.remove(idx);
            for (Pending p : pending.release(idx)) {
                out.add(outbound(
                        PacketBuffer.wrap(p.packet()),
                        p.socket(),
                        p.needPort())); // may wait again, for the next SA of a bundle
            }
        }
        return out;
    }

    /**
     * RFC 3948 §2.3, §4: one NAT-keepalive (a UDP datagram holding 0xFF) for every live UDP-encapsulated ESP SA whose
     * source is one of {@code localAddresses} (the side that keeps the NAT mapping open). The caller's timer sends
     * them (every 20 s by custom).
     */
    public List<WirePacket> natKeepalives(java.util.Collection<InetAddress> localAddresses) {
        List<WirePacket> out = new ArrayList<>();
        for (SecurityAssociation sa : keys.sad().snapshot(SaType.ESP)) {
            if (sa.natTType() == 0
                    || !alive(sa)
                    || !localAddresses.contains(sa.source().address())) continue;
            if (!(sa.transform() instanceof SaTransformState st)) continue; // refused: no traffic, keepalives included
            SaContext c = st.context(sa.mode());
            var natT = c.parameters().natT();
            out.add(new WirePacket(xform.natKeepalive(c), new Encapsulation.Udp(natT.sourcePort(), natT.destPort())));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ output

    /**
     * A locally originated packet (needport = 1), with the sending socket's policy or null (spec §4.1, §4.2). The
     * engine copies the packet (a queued one too): the caller's buffer is neither modified nor kept.
     */
    public OutputDecision output(PacketBuffer packet, SocketPolicy socket) {
        return outbound(packet, socket, true);
    }

    /** A forwarded packet (needport = 0, no socket; spec §4.1). */
    public OutputDecision forward(PacketBuffer packet) {
        return outbound(packet, null, false);
    }

    /**
     * In-place output for data planes (opt-in): the same decision as {@link #output}, but the packet is protected
     * (or sent in clear) in the caller's buffer instead of a copy, and no {@link WirePacket} array is made. Give it a
     * buffer with {@link Xform#HEADROOM} bytes before the packet and {@link Xform#TAILROOM} after; with less, the
     * buffer grows as {@link PacketBuffer} does (moving or reallocating: re-read {@code array()}/{@code start()}).
     *
     * <p>When {@code result.sent()}, {@code packet} holds the whole IP packet to send (outer header included) and
     * {@code result.encapsulation()} says how it is carried — exactly what {@link #output} would have put in its
     * {@link WirePacket}. Otherwise {@code result.decision()} is the {@link OutputDecision.Drop} or
     * {@link OutputDecision.Queued} {@link #output} would have returned (a queued packet is copied); the buffer's
     * contents are then unspecified. {@code result} is overwritten by each call and may be reused.
     */
    public void outputInPlace(PacketBuffer packet, SocketPolicy socket, InPlaceOutput result) {
        result.reset();
        OutputDecision d = outbound(packet, socket, true, result);
        if (d != null) result.notSent(d);
    }

    private OutputDecision outbound(PacketBuffer packet, SocketPolicy socket, boolean needPort) {
        return outbound(packet, socket, needPort, null);
    }

    /** {@code inPlace} null: the caller's buffer is copied; else the packet is worked on in place (null returned when sent). */
    private OutputDecision outbound(PacketBuffer packet, SocketPolicy socket, boolean needPort, InPlaceOutput inPlace) {
        PacketSelector sel;
        try {
            sel = PacketSelector.of(packet, needPort);
        } catch (MalformedPacketException e) {
            stats.increment(IpsecStatistics.OUT_INVAL);
            return new OutputDecision.Drop(
                    DropCause.MALFORMED, null, e.getMessage() == null ? "malformed" : e.getMessage());
        }
        FlowKey key = new FlowKey(sel.srcBytes(), sel.dstBytes(), sel.protocol(), sel.srcPort(), sel.dstPort());
        boolean v6 = sel.ipv6();
        XPolicy policy;
        Optional<SecurityPolicy> entry;
        if (socket != null) {
            // spec §4.2: ipsec_getpolicybysock
            SocketPolicyResolver.Resolution r = SocketPolicyResolver.resolve(
                    socket.outbound(),
                    socket.privileged(),
                    () -> spd.lookup(PolicyDirection.OUTBOUND, key),
                    defaults.defaultPolicy(PolicyDirection.OUTBOUND, v6));
            switch (r) {
                case SocketPolicyResolver.Refused x -> {
                    stats.increment(IpsecStatistics.OUT_INVAL);
                    return new OutputDecision.Drop(
                            DropCause.SOCKET_POLICY_REFUSED, null, x.errno() + ": " + x.reason());
                }
                case SocketPolicyResolver.Effective eff -> {
                    policy = eff.policy();
                    entry = eff.spdEntry();
                }
            }
        } else {
            entry = spd.lookup(PolicyDirection.OUTBOUND, key);
            policy = entry.map(SecurityPolicy::policy)
                    .orElseGet(() -> defaults.defaultPolicy(PolicyDirection.OUTBOUND, v6));
        }
        if (socket == null && entry.isPresent()) {
            CachedBundle b = cachedBundle(key, entry.get());
            if (b != null) return protect(packet, b, inPlace);
        }
        boolean selectorV6 = entry.map(sp -> sp.selector().isIpv6()).orElse(v6);
        OutboundDecision<SecurityAssociation> d =
                resolver.resolve(policy, selectorV6, sel.srcAddress(), sel.dstAddress(), keys::lookupOutbound);
        return switch (d) {
            case OutboundDecision.Clear<SecurityAssociation> c -> sendClear(packet, inPlace);
            case OutboundDecision.Discard<SecurityAssociation> x -> {
                stats.increment(IpsecStatistics.OUT_POLVIO); // spec §4.4: silently, sender sees success
                yield new OutputDecision.Drop(
                        DropCause.POLICY_DISCARD,
                        null,
                        "policy " + policy.type().keyword());
            }
            case OutboundDecision.NoSa<SecurityAssociation> n -> {
                acquire(n.acquire(), entry);
                byte[] bytes = Arrays.copyOfRange(packet.array(), packet.start(), packet.end());
                if (pending != null && pending.offer(n.missing(), new Pending(bytes, socket, needPort), bytes.length)) {
                    waiting.add(n.missing());
                    yield new OutputDecision.Queued(n.missing());
                }
                stats.increment(IpsecStatistics.OUT_NOSA);
                yield new OutputDecision.Drop(DropCause.NO_SA, null, "no SA for " + describe(n.missing()));
            }
            case OutboundDecision.Protect<SecurityAssociation> p -> {
                acquire(p.acquire(), entry);
                if (p.steps().isEmpty()) yield sendClear(packet, inPlace);
                // a bundle with every request resolved and nothing to ACQUIRE is the same for the next packet of
                // this flow while the SPD entry and the SAD stay as they are: remembered (socket policies aside)
                CachedBundle fill = socket == null
                                && entry.isPresent()
                                && p.acquire().isEmpty()
                                && p.steps().size() == policy.requests().size()
                        ? new CachedBundle(
                                key,
                                entry.get(),
                                keys.sad().generation(),
                                preferOld(),
                                p.steps(),
                                new SaContext[p.steps().size()])
                        : null;
                yield protect(packet, p.steps(), fill, inPlace);
            }
        };
    }

    /** The packet with room for {@code steps} protections: the caller's buffer in place, else a copy. */
    private static PacketBuffer room(PacketBuffer packet, int steps, InPlaceOutput inPlace) {
        if (inPlace != null) {
            packet.ensureHeadroom(Xform.HEADROOM * steps); // no-op when the caller left the room
            packet.ensureTailroom(Xform.TAILROOM * steps);
            return packet;
        }
        // one copy, straight into a buffer with room for the headers (the caller's buffer is not kept)
        return PacketBuffer.copyOf(
                packet.array(), packet.start(), packet.length(), Xform.HEADROOM * steps, Xform.TAILROOM * steps);
    }

    // ------------------------------------------------------------------------------------------ per-flow bundle cache

    /**
     * A resolved outbound bundle for one flow (the idea of NetBSD's per-PCB SP cache, extended to the SA choice):
     * valid only for the same SPD entry (the SPD's own cache answers a fresh lookup, so a policy added, updated or
     * flushed gives another entry) and the same SAD generation and {@code prefered_oldsa} (any SA added, replaced,
     * re-stated by a lifetime, deleted or flushed gives another generation). So a hit gives exactly the steps
     * {@link OutboundRequestResolver} would; the contexts are filled by the first packet that uses it.
     */
    private record CachedBundle(
            FlowKey key,
            SecurityPolicy entry,
            long sadGeneration,
            boolean preferOld,
            List<OutboundDecision.Step<SecurityAssociation>> steps,
            SaContext[] contexts) {}

    private static final int BUNDLE_SLOTS = 256;
    private final CachedBundle[] bundles = new CachedBundle[BUNDLE_SLOTS];

    private boolean preferOld() {
        return keys.settings().preferedOldsa != 0;
    }

    private CachedBundle cachedBundle(FlowKey key, SecurityPolicy entry) {
        int h = key.hashCode();
        CachedBundle b = bundles[(h ^ (h >>> 16)) & (BUNDLE_SLOTS - 1)];
        if (b == null
                || b.entry() != entry
                || b.sadGeneration() != keys.sad().generation()
                || b.preferOld() != preferOld()
                || !b.key().equals(key)) return null;
        return b;
    }

    private OutputDecision protect(PacketBuffer packet, CachedBundle b, InPlaceOutput inPlace) {
        return protect(packet, b.steps(), b, inPlace);
    }

    private OutputDecision protect(
            PacketBuffer packet,
            List<OutboundDecision.Step<SecurityAssociation>> steps,
            CachedBundle cache,
            InPlaceOutput inPlace) {
        return applyBundle(room(packet, steps.size(), inPlace), steps, cache, inPlace);
    }

    /** Stores a bundle whose every context is known (first packet of a flow, or after any SPD/SAD change). */
    private void remember(CachedBundle b) {
        for (SaContext c : b.contexts()) if (c == null) return;
        int h = b.key().hashCode();
        bundles[(h ^ (h >>> 16)) & (BUNDLE_SLOTS - 1)] = b;
    }

    private static OutputDecision sendClear(PacketBuffer packet, InPlaceOutput inPlace) {
        if (inPlace != null) {
            inPlace.sent(
                    new Encapsulation.RawIp(IpView.outerProtocol(packet.array(), packet.start(), packet.length())),
                    true);
            return null;
        }
        byte[] bytes = Arrays.copyOfRange(packet.array(), packet.start(), packet.end());
        return new OutputDecision.SendClear(
                new WirePacket(bytes, new Encapsulation.RawIp(IpView.outerProtocol(bytes, 0, bytes.length))));
    }

    private void acquire(List<SaIndex> missing, Optional<SecurityPolicy> entry) {
        if (missing.isEmpty()) return;
        Optional<StoredPolicy> sp = entry.flatMap(e -> keys.policies().byId(e.id()));
        for (SaIndex idx : missing) {
            Outcome o = keys.acquire(idx, sp); // rate limited there (spec §4.7)
            if (!o.deliveries().isEmpty()) pfkeyOut.accept(o);
        }
    }

    /**
     * Applies the bundle to {@code f} (which has the room); with {@code inPlace}, leaves the result in {@code f} and
     * returns null when sent. {@code cache}: the flow's bundle, whose contexts (SA and {@link #modeFor} mode) are used
     * or filled in; cached once every context exists.
     */
    private OutputDecision applyBundle(
            PacketBuffer f,
            List<OutboundDecision.Step<SecurityAssociation>> steps,
            CachedBundle cache,
            InPlaceOutput inPlace) {
        SecurityAssociation last = null;
        SaContext lastCtx = null;
        long now = nowSeconds();
        for (int i = 0; i < steps.size(); i++) {
            OutboundDecision.Step<SecurityAssociation> step = steps.get(i);
            SecurityAssociation sa = step.sa();
            SaContext ctx = cache != null ? cache.contexts()[i] : null;
            if (ctx == null) {
                IpsecMode mode = modeFor(sa, step.request(), f);
                try {
                    ctx = stateOf(sa).context(mode);
                } catch (RefusedSa e) {
                    stats.increment(IpsecStatistics.OUT_INVAL);
                    return new OutputDecision.Drop(DropCause.BAD_SA, null, e.getMessage());
                }
                // the mode of an SA of mode "any" depends on the packet's family and destination as this step sees
                // them: the flow's, as changed by the bundle's earlier SAs — the same for every packet of the flow
                if (cache != null) {
                    cache.contexts()[i] = ctx;
                    if (i == steps.size() - 1) remember(cache);
                }
            }
            int before = f.length();
            DropReason r = xform.output(ctx, f);
            if (r != null) {
                if (r == DropReason.DISABLED || r == DropReason.INVALID) stats.increment(IpsecStatistics.OUT_INVAL);
                return new OutputDecision.Drop(
                        DropCause.XFORM,
                        r,
                        sa.saType().dumpName() + " spi 0x" + Integer.toHexString(sa.spi()) + ": " + r.description());
            }
            sa.recordUse(before, now); // spec §4.9: bytes += packet length
            last = sa;
            lastCtx = ctx;
        }
        var natT = lastCtx.parameters().natT();
        if (inPlace != null) {
            inPlace.sent(
                    natT != null && last.saType() == SaType.ESP
                            ? new Encapsulation.Udp(natT.sourcePort(), natT.destPort())
                            : new Encapsulation.RawIp(IpView.outerProtocol(f.array(), f.start(), f.length())),
                    false);
            return null;
        }
        byte[] wire = f.toByteArray();
        Encapsulation how = natT != null && last.saType() == SaType.ESP
                ? new Encapsulation.Udp(natT.sourcePort(), natT.destPort())
                : new Encapsulation.RawIp(IpView.outerProtocol(wire, 0, wire.length));
        return new OutputDecision.Send(List.of(new WirePacket(wire, how)));
    }

    /**
     * spec §4.4 step 4: the SA's own mode; an SA of mode "any" runs in tunnel mode when the request asks for it, or
     * its family differs from the packet's, or its destination is not the packet's ("proxy").
     */
    private static IpsecMode modeFor(SecurityAssociation sa, IpsecRequest request, PacketBuffer f) {
        if (sa.mode() != IpsecMode.ANY) return sa.mode();
        if (request.mode() == IpsecMode.TUNNEL) return IpsecMode.TUNNEL;
        byte[] b = f.array();
        int s = f.start();
        boolean pktV6 = f.length() > 0 && (b[s] & 0xf0) == 0x60;
        InetAddress saDst = sa.destination().address();
        if (pktV6 != (saDst.getAddress().length == 16)) return IpsecMode.TUNNEL;
        byte[] d = saDst.getAddress();
        int dstOff = s + (pktV6 ? 24 : 16);
        if (dstOff + d.length > f.end() || !Arrays.equals(d, 0, d.length, b, dstOff, dstOff + d.length))
            return IpsecMode.TUNNEL;
        return IpsecMode.TRANSPORT;
    }

    private static String describe(SaIndex i) {
        return i.saType().dumpName() + "/" + i.mode().keyword() + " "
                + i.source().address().getHostAddress() + "->"
                + i.destination().address().getHostAddress() + (i.reqid() != 0 ? " reqid " + i.reqid() : "");
    }

    // ------------------------------------------------------------------------------------------ input

    /**
     * A received packet: a whole IP packet ({@link Encapsulation.RawIp}, {@link Encapsulation.Udp}), or the payload of
     * a datagram received on the NAT-T UDP socket ({@link Encapsulation.UdpDatagram}). The buffer is not modified.
     */
    public InputDecision input(PacketBuffer packet, Encapsulation how) {
        return input(packet, how, false, null);
    }

    /**
     * {@link #input} for the payload of a datagram from the NAT-T UDP socket whose buffer the engine may use as its
     * own while it decides: it may overwrite the packet bytes and up to 40 bytes of headroom before them (the IP
     * header the transforms read goes there, so the datagram is not copied once more). It keeps no reference to the
     * buffer. Same decision, counters and SA state as {@link #input}.
     */
    public InputDecision inputDatagram(PacketBuffer datagram, Encapsulation.UdpDatagram how) {
        return input(datagram, how, true, null);
    }

    /**
     * {@link #inputDatagram(PacketBuffer, Encapsulation.UdpDatagram)} that makes no array for a delivered packet: the
     * answer goes into {@code result} — a delivery as a range of the buffer the engine decrypted into (valid until
     * the next input call), anything else as the decision. Same decision, counters and SA state.
     */
    public void inputDatagram(PacketBuffer datagram, Encapsulation.UdpDatagram how, InputResult result) {
        Objects.requireNonNull(result);
        InputDecision d = input(datagram, how, true, result);
        if (d != null) result.decide(d);
    }

    /** Null only when {@code result} is given and took the delivered packet. */
    private InputDecision input(PacketBuffer packet, Encapsulation how, boolean bufferIsOurs, InputResult result) {
        PacketBuffer f;
        boolean udpDecapsulated = false;
        if (how instanceof Encapsulation.UdpDatagram u) {
            // read in place: natTSpecial only reads, withIpUdp copies (the caller's buffer stays untouched)
            InputDecision special =
                    natTSpecial(packet.array(), packet.start(), packet.length(), u.source(), u.destination());
            if (special != null) return special;
            f = espInUdp(packet, u, bufferIsOurs);
            if (f != null) {
                udpDecapsulated = true;
            } else {
                f = withIpUdp(packet.array(), packet.start(), packet.length(), u.source(), u.destination());
            }
        } else {
            f = PacketBuffer.copyOf(packet.array(), packet.start(), packet.length(), Xform.HEADROOM, 0);
        }
        // RFC 4303 §3.4.1: IPsec packets are reassembled before processing
        switch (reassembler.accept(f)) {
            case ReassemblyResult.NotFragment n -> {}
            case ReassemblyResult.Pending p -> {
                return new InputDecision.Reassembling();
            }
            case ReassemblyResult.Complete c -> f = c.packet();
            case ReassemblyResult.Dropped d -> {
                return new InputDecision.Drop(DropCause.FRAGMENT, null, "reassembly: " + d.reason());
            }
        }
        InputDecision special = natTSpecial(f);
        if (special != null) return special;

        List<Layer> layers = new ArrayList<>(4);
        InboundTrace trace = new InboundTrace();
        int received = f.length() + (udpDecapsulated ? 8 : 0); // the datagram as received, UDP header included
        DropReason r = xform.input(
                f,
                (proto, spi, buf, dstOff, dstLen) -> lookup(layers, proto, spi, buf, dstOff, dstLen),
                trace,
                udpDecapsulated,
                udpDecapsulated ? inputBuffers : null);
        if (r != null) {
            return new InputDecision.Drop(
                    DropCause.XFORM,
                    r,
                    (trace.protocol() == null
                                    ? ""
                                    : trace.protocol().keyword() + " spi 0x" + Long.toHexString(trace.spi()) + ": ")
                            + r.description());
        }
        List<AppliedTransform> history = new ArrayList<>(trace.headers());
        long now = nowSeconds();
        for (int i = 0; i < trace.headers() && i < layers.size(); i++) {
            Layer l = layers.get(i);
            SecurityAssociation sa = l.sa();
            IpsecMode mode = sa.mode() != IpsecMode.ANY
                    ? sa.mode()
                    : trace.tunnelAfter(i) ? IpsecMode.TUNNEL : IpsecMode.TRANSPORT;
            history.add(new AppliedTransform(
                    sa.protocol().orElseThrow(),
                    mode,
                    sa.source().address(),
                    sa.destination().address(),
                    sa.spi(),
                    l.outerSource(),
                    l.outerDestination(),
                    sa.mode() == IpsecMode.ANY));
            sa.recordUse(received, now); // spec §4.9
        }
        InputDecision.Drop spoofed = spoofCheck(f, history);
        if (spoofed != null) return spoofed;
        if (result != null) {
            InputDecision.Drop rejected = checkInbound(f.array(), f.start(), f.length(), history, null, false);
            if (rejected != null) return rejected;
            result.deliver(f.array(), f.start(), f.length(), history);
            return null;
        }
        byte[] inner = f.toByteArray();
        InputDecision.Drop rejected = checkInbound(inner, history, null, false);
        if (rejected != null) return rejected;
        return new InputDecision.Deliver(inner, history);
    }

    /**
     * The host's own addresses for {@code ipip_spoofcheck} (the gateway sets them from its interfaces and refreshes
     * them; the default knows none, so nothing is a spoof).
     */
    public void setLocalAddresses(LocalAddresses addresses) {
        localAddresses = Objects.requireNonNull(addresses);
    }

    /**
     * {@code net.inet.ipsec.ipip_spoofcheck} (NetBSD xform_ipip.c {@code _ipip_input}, "Check for local address
     * spoofing"): a packet that came out of a tunnel-mode SA must not carry one of this host's addresses as its
     * source — a tunnel peer could otherwise inject packets that look locally generated. Dropped and counted as
     * {@code IPIP_STAT_SPOOF}. NetBSD exempts packets received on a loopback interface; jipsec never receives
     * tunnel traffic from one.
     */
    private InputDecision.Drop spoofCheck(PacketBuffer f, List<AppliedTransform> history) {
        if (!spoofCheck || localAddresses == LocalAddresses.NONE) return null;
        boolean tunnelled = false;
        for (AppliedTransform t : history) tunnelled |= t.mode() == IpsecMode.TUNNEL;
        if (!tunnelled || f.length() < 20) return null;
        byte[] b = f.array();
        int s = f.start();
        boolean v6 = (b[s] & 0xf0) == 0x60;
        if (v6 && f.length() < 40) return null;
        if (!localAddresses.isLocal(b, s + (v6 ? 8 : 12), v6 ? 16 : 4)) return null;
        xformStats.ipipSpoof();
        return new InputDecision.Drop(
                DropCause.SPOOFED,
                null,
                "tunnelled packet with a local source address (net.inet.ipsec.ipip_spoofcheck)");
    }

    /** One IPsec layer's SA as the lookup saw it (outermost first). */
    private record Layer(
            SecurityAssociation sa, SaContext context, InetAddress outerSource, InetAddress outerDestination) {}

    private SaContext lookup(List<Layer> layers, IpsecProtocol proto, long spi, byte[] buf, int dstOff, int dstLen) {
        InetAddress dst = lookupDestination.get(buf, dstOff, dstLen);
        Optional<SecurityAssociation> found = keys.lookupInbound(dst, proto.saType(), (int) spi);
        if (found.isEmpty()) return null;
        SecurityAssociation sa = found.get();
        if (!(sa.transform() instanceof SaTransformState st)) return null; // refused by the transforms
        SaContext c = st.context(sa.mode());
        // the source address sits right before the destination in both IPv4 (12/16) and IPv6 (8/24)
        layers.add(new Layer(sa, c, lookupSource.get(buf, dstOff - dstLen, dstLen), dst));
        return c;
    }

    /** The last address read from a packet and its InetAddress (immutable): one flow's packets make no new ones. */
    private static final class AddressCache {
        private final byte[] bytes = new byte[16];
        private int len;
        private InetAddress address;

        InetAddress get(byte[] b, int off, int n) {
            if (address == null || n != len || !Arrays.equals(bytes, 0, n, b, off, off + n)) {
                address = address(b, off, n);
                System.arraycopy(b, off, bytes, 0, n);
                len = n;
            }
            return address;
        }
    }

    private final AddressCache lookupDestination = new AddressCache();
    private final AddressCache lookupSource = new AddressCache();

    private static InetAddress address(byte[] b, int off, int len) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, off, off + len));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes: cannot happen
        }
    }

    /**
     * The inbound policy check (spec §4.5 step 3) over the decapsulation history: the address path
     * ({@code socket == null}, needport = 0) or a socket's (needport = 1, spec §4.2). Null = accepted.
     */
    private InputDecision.Drop checkInbound(
            byte[] packet, List<AppliedTransform> history, SocketPolicy socket, boolean needPort) {
        return checkInbound(packet, 0, packet.length, history, socket, needPort);
    }

    private InputDecision.Drop checkInbound(
            byte[] packet, int off, int len, List<AppliedTransform> history, SocketPolicy socket, boolean needPort) {
        return checkInbound(packet, off, len, history, socket, needPort, true);
    }

    /** {@code count}: a refusal is counted in in_polvio (false: a question about a packet that did not arrive). */
    private InputDecision.Drop checkInbound(
            byte[] packet,
            int off,
            int len,
            List<AppliedTransform> history,
            SocketPolicy socket,
            boolean needPort,
            boolean count) {
        PacketSelector sel;
        try {
            sel = PacketSelector.of(packet, off, len, needPort);
        } catch (MalformedPacketException e) {
            return new InputDecision.Drop(DropCause.MALFORMED, null, "inner packet: " + e.getMessage());
        }
        FlowKey key = new FlowKey(sel.srcBytes(), sel.dstBytes(), sel.protocol(), sel.srcPort(), sel.dstPort());
        boolean v6 = sel.ipv6();
        XPolicy policy;
        Optional<SecurityPolicy> entry;
        if (socket != null) {
            SocketPolicyResolver.Resolution r = SocketPolicyResolver.resolve(
                    socket.inbound(),
                    socket.privileged(),
                    () -> spd.lookup(PolicyDirection.INBOUND, key),
                    defaults.defaultPolicy(PolicyDirection.INBOUND, v6));
            switch (r) {
                case SocketPolicyResolver.Refused x -> {
                    if (count) stats.increment(IpsecStatistics.IN_POLVIO);
                    return new InputDecision.Drop(DropCause.POLICY_VIOLATION, null, "socket policy: " + x.reason());
                }
                case SocketPolicyResolver.Effective eff -> {
                    policy = eff.policy();
                    entry = eff.spdEntry();
                }
            }
        } else {
            // the last inbound flow's answer, if the SPD has not changed since (Spd.lookupAgain checks)
            int gen = spd.generation();
            entry = spd.lookupAgain(
                    PolicyDirection.INBOUND, key, lastInboundKey, lastInboundGeneration, lastInboundEntry);
            lastInboundKey = key;
            lastInboundGeneration = gen;
            lastInboundEntry = entry;
            policy = entry.map(SecurityPolicy::policy)
                    .orElseGet(() -> defaults.defaultPolicy(PolicyDirection.INBOUND, v6));
        }
        boolean selectorV6 = entry.map(sp -> sp.selector().isIpv6()).orElse(v6);
        InboundVerdict verdict = inboundCheck.check(policy, selectorV6, history);
        if (verdict instanceof InboundVerdict.Reject rej) {
            if (count) stats.increment(IpsecStatistics.IN_POLVIO);
            return new InputDecision.Drop(DropCause.POLICY_VIOLATION, null, rej.reason() + ": " + rej.detail());
        }
        return null;
    }

    /**
     * The socket-path inbound check (spec §4.2, §4.5: TCP/UDP input with the PCB, needport = 1) of a packet the
     * engine delivered: empty when the socket may receive it, else the (counted) drop.
     */
    public Optional<InputDecision.Drop> checkSocketInbound(InputDecision.Deliver delivered, SocketPolicy socket) {
        return Optional.ofNullable(
                checkInbound(delivered.packet(), delivered.history(), Objects.requireNonNull(socket), true));
    }

    /**
     * Whether a socket with policy {@code socket} would be given {@code packet} had it arrived in clear (an empty
     * decapsulation history): the same socket-path check as {@link #checkSocketInbound}, asked in advance and not
     * counted. {@code jipsec ping -P} asks it when it registers its policy (see docs/socket-policy.md): cleartext
     * never passes through the engine, so a socket whose policy refuses it must receive only what the engine
     * delivered.
     */
    public Optional<InputDecision.Drop> checkSocketInboundClear(byte[] packet, SocketPolicy socket) {
        return Optional.ofNullable(
                checkInbound(packet, 0, packet.length, List.of(), Objects.requireNonNull(socket), true, false));
    }

    /** NAT-T keepalive / IKE on a whole IP packet addressed to a NAT-T port; null when it is neither. */
    private InputDecision natTSpecial(PacketBuffer f) {
        IpView ip = natTView;
        byte[] b = f.array();
        if (ip.parse(b, f.start(), f.end(), true) != null || ip.proto != IpProtocols.UDP || ip.fragment) return null;
        int u = ip.hdrEnd; // a fragment is not ours to read
        if (u + 8 > ip.ipEnd) return null;
        int dport = Bytes.u16(b, u + 2);
        if (!isNatTPort(dport)) return null;
        boolean v4 = ip.version == 4;
        int alen = v4 ? 4 : 16;
        int srcOff = f.start() + (v4 ? Ipv4Header.OFF_SRC : Ipv6Header.OFF_SRC);
        Endpoint src = new Endpoint(address(b, srcOff, alen), Bytes.u16(b, u));
        Endpoint dst = new Endpoint(address(b, srcOff + alen, alen), dport);
        return natTSpecial(b, u + 8, ip.ipEnd - u - 8, src, dst);
    }

    private boolean isNatTPort(int port) {
        for (int p : natTPorts) if (p == port) return true;
        return false;
    }

    /**
     * RFC 3948 §2 through the one classifier: a NAT-keepalive (§2.3), IKE behind the non-ESP marker (§2.2), else
     * null — ESP, or malformed, which the transforms drop and count.
     */
    private InputDecision natTSpecial(byte[] b, int off, int len, Endpoint src, Endpoint dst) {
        return switch (UdpEncapClassifier.classify(b, off, len)) {
            case NAT_KEEPALIVE -> {
                xformStats.drop(IpsecProtocol.ESP, DropReason.NAT_KEEPALIVE);
                yield new InputDecision.Keepalive(src, dst);
            }
            case IKE ->
                new InputDecision.Ike(
                        src, dst, Arrays.copyOfRange(b, off + UdpEncapClassifier.NON_ESP_MARKER_LENGTH, off + len));
            case ESP, MALFORMED -> null;
        };
    }

    /**
     * The ESP-in-UDP payload of a datagram from the NAT-T socket (RFC 3948 §2.2) as the transforms see it once the
     * UDP header is removed: behind an IP header from the datagram's source to its destination with protocol ESP —
     * no UDP header built just to be stripped again, no header checksum (transport mode recomputes it when ESP is
     * removed; tunnel mode drops the header). Built in the engine's own {@link #inputBuffers}, so the ESP payload can
     * be decrypted into the second one — or, when the caller lends its buffer ({@link #inputDatagram}), in its
     * headroom, decrypted into the first. Null when the datagram must take the general path ({@link #withIpUdp}): not
     * on a NAT-T port, shorter than an ESP header, or too long for the rebuilt IP packet.
     */
    @SuppressWarnings("ReferenceEquality") // identity on purpose: one Encapsulation per GRO batch object
    private PacketBuffer espInUdp(PacketBuffer packet, Encapsulation.UdpDatagram u, boolean bufferIsOurs) {
        byte[] payload = packet.array();
        int off = packet.start();
        int len = packet.length();
        boolean v6 = u.source().isIpv6();
        int hl = v6 ? 40 : 20;
        if (len < 8
                || hl + 8 + len > 0xffff
                || !isNatTPort(u.destination().port())
                || Xform.HEADROOM + hl + len > inputBuffers.capacity()) return null;
        if (u != lastDatagram) { // one Encapsulation per GRO batch
            lastSource = u.source().address().getAddress();
            lastDestination = u.destination().address().getAddress();
            lastDatagram = u;
        }
        byte[] src = lastSource, dst = lastDestination;
        if (src.length != (v6 ? 16 : 4) || dst.length != src.length) return null;
        boolean inPlace = bufferIsOurs && off >= hl; // the header goes into the headroom
        byte[] b = inPlace ? payload : inputBuffers.first();
        int s = inPlace ? off - hl : Xform.HEADROOM;
        if (v6) Ipv6Header.write(b, s, 0, 0, len, IpProtocols.ESP, 64, src, dst);
        else
            Ipv4Header.writeUnchecked(
                    b, s, 0, hl + len, 0, 0, 64, IpProtocols.ESP, Bytes.i32(src, 0), Bytes.i32(dst, 0));
        if (!inPlace) System.arraycopy(payload, off, b, s + hl, len);
        return PacketBuffer.wrap(b, s, hl + len);
    }

    /** The IP + UDP headers a datagram from the NAT-T socket had on the wire (UDP checksum 0, RFC 3948 §2.1). */
    private static PacketBuffer withIpUdp(byte[] payload, int off, int len, Endpoint src, Endpoint dst) {
        boolean v6 = src.isIpv6();
        int hl = v6 ? 40 : 20;
        int udpLen = 8 + len;
        PacketBuffer f = PacketBuffer.allocate(Xform.HEADROOM, Xform.HEADROOM + hl + udpLen);
        f.setLength(hl + udpLen);
        byte[] b = f.array();
        int s = f.start();
        if (v6) {
            Ipv6Header.write(
                    b,
                    s,
                    0,
                    0,
                    udpLen,
                    17,
                    64,
                    src.address().getAddress(),
                    dst.address().getAddress());
        } else {
            Ipv4Header.write(
                    b,
                    s,
                    0,
                    Math.min(0xffff, hl + udpLen),
                    0,
                    0,
                    64,
                    17,
                    Ipv4Header.toInt(src.address()),
                    Ipv4Header.toInt(dst.address()));
        }
        Bytes.put16(b, s + hl, src.port());
        Bytes.put16(b, s + hl + 2, dst.port());
        Bytes.put16(b, s + hl + 4, Math.min(0xffff, udpLen));
        Bytes.put16(b, s + hl + 6, 0);
        System.arraycopy(payload, off, b, s + hl + 8, len);
        return f;
    }
}
