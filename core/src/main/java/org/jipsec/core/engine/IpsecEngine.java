package org.jipsec.core.engine;

import java.net.InetAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.jipsec.core.crypto.InvalidKeyLengthException;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.net.Reassembler;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.Outcome;
import org.jipsec.core.pfkey.SpdPolicyStore;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.sad.TransformState;
import org.jipsec.core.spd.Spd;
import org.jipsec.core.spd.SystemDefaults;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.jipsec.core.xform.NetbsdStatsLayout;
import org.jipsec.core.xform.SaContext;
import org.jipsec.core.xform.SaTransformState;
import org.jipsec.core.xform.SequenceGuard;
import org.jipsec.core.xform.Xform;
import org.jipsec.core.xform.XformSettings;
import org.jipsec.core.xform.XformStats;

/**
 * The IPsec engine: NetBSD's {@code ipsec4_output}/{@code ipsec6_output} + {@code ipsec_common_input} +
 * {@code ipsec_in_reject} as pure functions from a packet to a decision (spec §4.4, §4.5). A thin facade over the
 * {@link OutboundPath} (selector → SPD → {@link BundleCache} → transforms) and the {@link InboundPath} (reassembly →
 * NAT-T → transforms → policy check → spoof check).
 *
 * <p>The data-plane API works in the caller's buffer: {@link #output(PacketBuffer, Flow, InPlaceOutput)} protects
 * the packet in place and {@link #input(PacketBuffer, Encapsulation, InputResult)} delivers a range of a buffer; the
 * answers are reusable result objects whose non-send cases are the sealed {@link OutputDecision} /
 * {@link InputDecision}. The PF_KEY messages the engine causes (ACQUIRE, EXPIRE) go to its {@link #outbox()}, which
 * the caller drains after each batch and each {@link #tick()}.
 *
 * <p>SA state: every usable SA owns its {@link SaTransformState} (one sequence counter, one replay window, its keyed
 * transforms), made by the factory this engine gives the key engine when the SA becomes MATURE and destroyed, keys
 * zeroed, when it leaves the SAD ({@link KeyEngine#setTransformFactory}); the engine keeps no per-SA map. An SA of
 * mode "any" runs in the mode its request asks for, through that one state ({@link SaTransformState#context}).
 *
 * <p>Threads: not thread-safe; one caller at a time, under the key engine's lock (the io layer serialises, as for
 * {@link KeyEngine}). The per-SA state it hands the transforms is itself safe for several threads.
 */
public final class IpsecEngine {

    private final KeyEngine keys;
    private final Spd spd;
    private final Sysctl sysctl;
    private final RandomGenerator random;
    private Function<SecurityAssociation, SequenceGuard> guards = sa -> SequenceGuard.NONE;
    /** The offline tool's {@code --seq}/{@code --iv} initializer; null for none. */
    private Consumer<SaContext> onCreate;

    private final XformStats xformStats = new XformStats();
    private final IpsecStatistics stats = new IpsecStatistics();
    private final PfkeyOutbox outbox = new PfkeyOutbox();
    private final Reassembler reassembler;
    private final InboundCheck inboundCheck;
    private final OutboundPath out;
    private final InboundPath in;
    /** The transforms over a snapshot of the sysctl settings; replaced when one of them is written. */
    private volatile Xform xform;

    /**
     * @param keys   the key engine; its policy store must be an {@link SpdPolicyStore} over {@code spd}
     * @param spd    the SPD the data path looks policies up in
     * @param sysctl the tree: def_policy, deflevs, *_enable, dfbit, ecn, ah_cleartos… read at each use
     * @param clock  the engine clock (pending queue, reassembly, SA usage times)
     * @param random IVs, padding, tunnel IPv4 ids
     */
    public IpsecEngine(
            KeyEngine keys,
            Spd spd,
            Sysctl sysctl,
            InstantSource clock,
            RandomGenerator random,
            EngineSettings settings) {
        this.keys = Objects.requireNonNull(keys);
        this.spd = Objects.requireNonNull(spd);
        if (!(keys.policies() instanceof SpdPolicyStore s) || s.spd() != spd)
            throw new IllegalArgumentException("the key engine's policy store must be an SpdPolicyStore over this SPD");
        this.sysctl = Objects.requireNonNull(sysctl);
        Objects.requireNonNull(clock);
        Objects.requireNonNull(settings);
        this.random = Objects.requireNonNull(random);
        keys.setTransformFactory(this::newTransformState);
        SystemDefaults defaults = new SystemDefaults(sysctl);
        int[] natTPorts = settings.natTPorts();
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
        this.reassembler = new Reassembler(settings.reassembly(), clock);
        this.inboundCheck = new InboundCheck(spd, defaults, stats, xformStats);
        inboundCheck.spoofCheck = sysctl.intValue(SysctlNames.IPSEC_IPIP_SPOOFCHECK) != 0;
        sysctl.addListener(SysctlNames.IPSEC_IPIP_SPOOFCHECK, (n, o, v) -> inboundCheck.spoofCheck = v != 0);
        this.out = new OutboundPath(keys, spd, clock, defaults, stats, outbox, () -> xform, settings);
        this.in = new InboundPath(
                keys, clock, () -> xform, reassembler, new NatTInput(natTPorts, xformStats), inboundCheck);
        stats.bindTo(sysctl);
        NetbsdStatsLayout.bindTo(sysctl, xformStats); // esp/ah/ipcomp/ipip_stats
        sysctl.bindStruct(SysctlNames.KEY_STATS, () -> Sysctl.counters(keys.pfkeyStatistics())); // io rebinds locked
        sysctl.setPoliciesExist(() -> spd.size() > 0);
    }

    /**
     * A complete engine: an SPD on {@code clock}, the key engine over it (jipsec's algorithm table, {@code net.key}
     * variables bound to {@code sysctl}), and the engine.
     */
    public static IpsecEngine create(
            Sysctl sysctl, InstantSource clock, RandomGenerator random, EngineSettings settings) {
        Spd spd = new Spd(clock, sysctl);
        KeySettings ks = new KeySettings().bindTo(sysctl);
        KeyEngine keys = new KeyEngine(
                ks, () -> clock.instant().getEpochSecond(), random, new SpdPolicyStore(spd), AlgorithmCatalog.TABLE);
        return new IpsecEngine(keys, spd, sysctl, clock, random, settings);
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
        return out.pendingPackets();
    }

    /** The PF_KEY messages the data path and the timer caused (ACQUIRE, EXPIRE), for the caller to send. */
    public PfkeyOutbox outbox() {
        return outbox;
    }

    // ------------------------------------------------------------------------------------------ data path

    /**
     * An outbound packet, protected (or sent in clear) in the caller's buffer. Give it a buffer with
     * {@link Xform#HEADROOM} bytes before the packet and {@link Xform#TAILROOM} after per transform; with less, the
     * buffer grows as {@link PacketBuffer} does (moving or reallocating: re-read {@code array()}/{@code start()}).
     *
     * <p>When {@code result.sent()}, {@code buffer} holds the whole IP packet to send (outer header included) and
     * {@code result.encapsulation()} says how it is carried. Otherwise {@code result.decision()} is the
     * {@link OutputDecision.Drop} or {@link OutputDecision.Queued} (a queued packet is copied); the buffer's contents
     * are then unspecified. {@code result} is overwritten by each call and may be reused.
     */
    public void output(PacketBuffer buffer, Flow flow, InPlaceOutput result) {
        out.output(Objects.requireNonNull(buffer), Objects.requireNonNull(flow), Objects.requireNonNull(result));
    }

    /**
     * A received packet: a whole IP packet ({@link Encapsulation.RawIp}, {@link Encapsulation.Udp}), or the payload of
     * a datagram received on the NAT-T UDP socket ({@link Encapsulation.UdpDatagram}). The engine may use the buffer
     * as its own while it decides: it may overwrite the packet bytes and up to 40 bytes of headroom before them (for a
     * datagram, the IP header the transforms read goes there, so it is not copied once more). It keeps no reference
     * to the buffer; a whole IP packet is decided in place, AES-GCM decrypting from it into the engine's own arrays
     * when the buffer is no larger than {@code Xform.HEADROOM + 40 + 65536 + Xform.TAILROOM} bytes (else in place,
     * slower). The answer goes into {@code result}: a delivery as a range of the buffer the engine decrypted
     * into (valid until the next input call), anything else as the decision.
     */
    public void input(PacketBuffer buffer, Encapsulation encapsulation, InputResult result) {
        in.input(Objects.requireNonNull(buffer), Objects.requireNonNull(encapsulation), Objects.requireNonNull(result));
    }

    /**
     * The socket-path inbound check (spec §4.2, §4.5: TCP/UDP input with the PCB, needport = 1) of a packet the
     * engine delivered: empty when the socket may receive it, else the (counted) drop.
     */
    public Optional<InputDecision.Drop> checkSocketInbound(InputDecision.Deliver delivered, SocketPolicy socket) {
        byte[] p = delivered.packet();
        return Optional.ofNullable(
                inboundCheck.policy(p, 0, p.length, delivered.history(), Objects.requireNonNull(socket), true, true));
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
                inboundCheck.policy(packet, 0, packet.length, List.of(), Objects.requireNonNull(socket), true, false));
    }

    /**
     * The host's own addresses for {@code ipip_spoofcheck} (the gateway sets them from its interfaces and refreshes
     * them; the default knows none, so nothing is a spoof).
     */
    public void setLocalAddresses(LocalAddresses addresses) {
        inboundCheck.localAddresses = Objects.requireNonNull(addresses);
    }

    /**
     * Releases the packets held for SAs that have arrived since (an IKE daemon answered the ACQUIRE): each runs
     * through the output path again; the decisions are returned in order, a sent packet as
     * {@link OutputDecision.Send}/{@link OutputDecision.SendClear}. Call after PF_KEY ADD/UPDATE.
     */
    public List<OutputDecision> drainReady() {
        return out.drainReady();
    }

    /**
     * RFC 3948 §2.3, §4: one NAT-keepalive (a UDP datagram holding 0xFF) for every live UDP-encapsulated ESP SA whose
     * source is one of {@code localAddresses} (the side that keeps the NAT mapping open). The caller's timer sends
     * them (every 20 s by custom).
     */
    public List<WirePacket> natKeepalives(Collection<InetAddress> localAddresses) {
        List<WirePacket> list = new ArrayList<>();
        for (SecurityAssociation sa : keys.sad().snapshot(SaType.ESP)) {
            if (sa.natTType() == 0
                    || !sa.state().usable()
                    || !localAddresses.contains(sa.source().address())) continue;
            if (!(sa.transform() instanceof SaTransformState st)) continue; // refused: no traffic, keepalives included
            SaContext c = st.context(sa.mode());
            var natT = c.parameters().natT();
            list.add(new WirePacket(xform.natKeepalive(c), new Encapsulation.Udp(natT.sourcePort(), natT.destPort())));
        }
        return list;
    }

    // ------------------------------------------------------------------------------------------ PF_KEY and timer

    /** A PF_KEY request through the engine (the SAs it adds or removes make or destroy their transform state). */
    public Outcome pfkey(long socket, byte[] message) {
        return keys.handle(socket, message);
    }

    /**
     * The once-a-second timer: key_timehandler (lifetimes → SADB_EXPIRE into the {@link #outbox()}, larval SAs,
     * ACQUIRE entries; an SA that expires destroys its transform state), held packets past their timeout are dropped
     * ({@code out_nosa}), stale fragments freed.
     */
    public void tick() {
        outbox.offer(keys.tick());
        out.expirePending();
        reassembler.expire();
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

    /**
     * Where SAs get their saved sequence state from now on (issue #12: a state directory that writes sequence numbers
     * ahead of use); without one, {@link SequenceGuard#NONE}. Set before traffic flows.
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
}
