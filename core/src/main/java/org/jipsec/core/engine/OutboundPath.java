package org.jipsec.core.engine;

import java.net.InetAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.net.IpView;
import org.jipsec.core.net.MalformedPacketException;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.net.PacketSelector;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.StoredPolicy;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.sad.TransformState;
import org.jipsec.core.spd.FlowKey;
import org.jipsec.core.spd.OutboundDecision;
import org.jipsec.core.spd.OutboundRequestResolver;
import org.jipsec.core.spd.PendingPacketQueue;
import org.jipsec.core.spd.SecurityPolicy;
import org.jipsec.core.spd.SocketPolicyResolver;
import org.jipsec.core.spd.Spd;
import org.jipsec.core.spd.SystemDefaults;
import org.jipsec.core.xform.DropReason;
import org.jipsec.core.xform.SaContext;
import org.jipsec.core.xform.SaTransformState;
import org.jipsec.core.xform.Xform;

/**
 * The engine's way out, NetBSD's {@code ipsec4_output}/{@code ipsec6_output} (spec §4.4): packet selector (§4.1) →
 * socket policy ({@link SocketPolicyResolver}, §4.2) or SPD lookup, else the system default ({@code def_policy},
 * §4.3) → DISCARD/NONE/BYPASS, or IPSEC: the flow's bundle from the {@link BundleCache}, else each request resolved
 * against the SAD ({@link OutboundRequestResolver}: effective level from the deflevs §4.8, SA choice honouring
 * {@code prefered_oldsa} §4.6). A missing SA triggers a rate-limited ACQUIRE (§4.7, into the {@link PfkeyOutbox}) and,
 * at REQUIRE/UNIQUE, holds the packet in the bounded pending queue (or drops it, {@code out_nosa}, when the queue is
 * off or full), at USE skips the request. The bundle is applied innermost first (KAME order: IPComp, ESP, AH) in the
 * caller's buffer; each SA's usage is recorded for its lifetimes (§4.9).
 *
 * <p>Threads: confined to the holder of the engine lock.
 */
final class OutboundPath {

    /** A packet held for an SA: enough to run {@link #output} again. */
    private record Pending(byte[] packet, Flow flow) {}

    private final KeyEngine keys;
    private final Spd spd;
    private final InstantSource clock;
    private final SystemDefaults defaults;
    private final OutboundRequestResolver resolver;
    private final IpsecStatistics stats;
    private final PfkeyOutbox outbox;
    private final Supplier<Xform> xform;
    private final BundleCache bundles;
    private final PendingPacketQueue<SaIndex, Pending> pending;
    private final Set<SaIndex> waiting = new LinkedHashSet<>();

    OutboundPath(
            KeyEngine keys,
            Spd spd,
            InstantSource clock,
            SystemDefaults defaults,
            IpsecStatistics stats,
            PfkeyOutbox outbox,
            Supplier<Xform> xform,
            EngineSettings settings) {
        this.keys = keys;
        this.spd = spd;
        this.clock = clock;
        this.defaults = defaults;
        this.resolver = new OutboundRequestResolver(defaults);
        this.stats = stats;
        this.outbox = outbox;
        this.xform = xform;
        this.bundles = new BundleCache(keys);
        this.pending = settings.pendingPerSa() == 0
                ? null
                : new PendingPacketQueue<>(
                        settings.pendingPerSa(),
                        Math.max(1, settings.pendingPackets()),
                        Math.max(1, settings.pendingBytes()),
                        settings.pendingTimeout(),
                        clock);
    }

    int pendingPackets() {
        return pending == null ? 0 : pending.size();
    }

    /** The timer's part: held packets past their timeout are dropped ({@code out_nosa}). */
    void expirePending() {
        if (pending == null) return;
        for (Pending ignored : pending.expire()) stats.increment(IpsecStatistics.OUT_NOSA);
        if (pending.size() == 0) waiting.clear();
    }

    /** Releases the packets whose SA has arrived: each runs the output path again, its decision returned in order. */
    List<OutputDecision> drainReady() {
        if (pending == null || waiting.isEmpty()) return List.of();
        List<OutputDecision> out = new ArrayList<>();
        InPlaceOutput r = new InPlaceOutput();
        for (SaIndex idx : List.copyOf(waiting)) {
            if (keys.lookupOutbound(idx).isEmpty()) continue;
            waiting.remove(idx);
            for (Pending p : pending.release(idx)) {
                PacketBuffer f = PacketBuffer.copyOf(p.packet(), Xform.HEADROOM, Xform.TAILROOM);
                output(f, p.flow(), r); // may wait again, for the next SA of a bundle
                out.add(r.toDecision(f));
            }
        }
        return out;
    }

    /** The packet protected (or left in clear) in {@code packet}, the answer in {@code result}. */
    void output(PacketBuffer packet, Flow flow, InPlaceOutput result) {
        result.reset();
        OutputDecision d = decide(packet, flow, result);
        if (d != null) result.notSent(d);
    }

    /** Null when the packet is sent (the buffer holds it, {@code result} says how). */
    private OutputDecision decide(PacketBuffer packet, Flow flow, InPlaceOutput result) {
        SocketPolicy socket = flow.socket();
        PacketSelector sel;
        try {
            sel = PacketSelector.of(packet, flow.needPort());
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
            BundleCache.Bundle b = bundles.get(key, entry.get());
            if (b != null) return protect(packet, b.steps(), b, result);
        }
        boolean selectorV6 = entry.map(sp -> sp.selector().isIpv6()).orElse(v6);
        OutboundDecision<SecurityAssociation> d =
                resolver.resolve(policy, selectorV6, sel.srcAddress(), sel.dstAddress(), keys::lookupOutbound);
        return switch (d) {
            case OutboundDecision.Clear<SecurityAssociation> c -> sendClear(packet, result);
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
                if (pending != null && pending.offer(n.missing(), new Pending(bytes, flow), bytes.length)) {
                    waiting.add(n.missing());
                    yield new OutputDecision.Queued(n.missing());
                }
                stats.increment(IpsecStatistics.OUT_NOSA);
                yield new OutputDecision.Drop(DropCause.NO_SA, null, "no SA for " + describe(n.missing()));
            }
            case OutboundDecision.Protect<SecurityAssociation> p -> {
                acquire(p.acquire(), entry);
                if (p.steps().isEmpty()) yield sendClear(packet, result);
                // a bundle with every request resolved and nothing to ACQUIRE is the same for the next packet of
                // this flow while the SPD entry and the SAD stay as they are: remembered (socket policies aside)
                BundleCache.Bundle fill = socket == null
                                && entry.isPresent()
                                && p.acquire().isEmpty()
                                && p.steps().size() == policy.requests().size()
                        ? bundles.fresh(key, entry.get(), p.steps())
                        : null;
                yield protect(packet, p.steps(), fill, result);
            }
        };
    }

    private static OutputDecision sendClear(PacketBuffer packet, InPlaceOutput result) {
        result.sent(
                new Encapsulation.RawIp(IpView.outerProtocol(packet.array(), packet.start(), packet.length())), true);
        return null;
    }

    private void acquire(List<SaIndex> missing, Optional<SecurityPolicy> entry) {
        if (missing.isEmpty()) return;
        Optional<StoredPolicy> sp = entry.flatMap(e -> keys.policies().byId(e.id()));
        for (SaIndex idx : missing) outbox.offer(keys.acquire(idx, sp)); // rate limited there (spec §4.7)
    }

    /**
     * Applies the bundle to {@code f} in place (growing it when the caller left less than {@link Xform#HEADROOM} /
     * {@link Xform#TAILROOM} per step); null when sent. {@code cache}: the flow's bundle, whose contexts (SA and
     * {@link #modeFor} mode) are used or filled in; cached once every context exists.
     */
    private OutputDecision protect(
            PacketBuffer f,
            List<OutboundDecision.Step<SecurityAssociation>> steps,
            BundleCache.Bundle cache,
            InPlaceOutput result) {
        f.ensureHeadroom(Xform.HEADROOM * steps.size()); // no-op when the caller left the room
        f.ensureTailroom(Xform.TAILROOM * steps.size());
        Xform x = xform.get();
        SecurityAssociation last = null;
        SaContext lastCtx = null;
        long now = clock.instant().getEpochSecond();
        for (int i = 0; i < steps.size(); i++) {
            OutboundDecision.Step<SecurityAssociation> step = steps.get(i);
            SecurityAssociation sa = step.sa();
            SaContext ctx = cache != null ? cache.contexts()[i] : null;
            if (ctx == null) {
                TransformState t = sa.transform();
                if (!(t instanceof SaTransformState st)) {
                    stats.increment(IpsecStatistics.OUT_INVAL);
                    return new OutputDecision.Drop(
                            DropCause.BAD_SA,
                            null,
                            t instanceof TransformState.Refused r ? r.reason() : "SA has no transform state");
                }
                // the mode of an SA of mode "any" depends on the packet's family and destination as this step sees
                // them: the flow's, as changed by the bundle's earlier SAs — the same for every packet of the flow
                ctx = st.context(modeFor(sa, step.request(), f));
                if (cache != null) {
                    cache.contexts()[i] = ctx;
                    if (i == steps.size() - 1) bundles.remember(cache);
                }
            }
            int before = f.length();
            DropReason r = x.output(ctx, f);
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
        result.sent(
                natT != null && last.saType() == SaType.ESP
                        ? new Encapsulation.Udp(natT.sourcePort(), natT.destPort())
                        : new Encapsulation.RawIp(IpView.outerProtocol(f.array(), f.start(), f.length())),
                false);
        return null;
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
        boolean pktV6 = f.length() > 0 && IpView.version(b, s) == 6;
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
}
