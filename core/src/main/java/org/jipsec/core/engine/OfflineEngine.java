package org.jipsec.core.engine;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecLevel;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.IpView;
import org.jipsec.core.net.MalformedPacketException;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.net.PacketSelector;
import org.jipsec.core.pfkey.PfkeyCodec;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.sad.SaState;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.spd.FlowKey;
import org.jipsec.core.spd.SecurityPolicy;
import org.jipsec.core.xform.Xform;

/**
 * The engine of {@code jipsec pcap}: every packet of a capture goes through the daemon's own {@link IpsecEngine} —
 * the same SPD (policies, levels, {@code def_policy} and deflevs from the sysctl tree) and SAD, loaded by the caller
 * through the engine's PF_KEY — and gets one verdict line. {@link #protect} is a forwarded packet's output path
 * ({@code ipsec4_output} with needport 0), {@link #verify} the input path with its inbound policy check.
 *
 * <p>A file with SAs and no policy at all keeps the offline shortcut the tool always had: each packet is protected
 * with the SAs from its source to its destination (KAME order: IPComp, ESP, AH), as if {@code spdadd SRC DST any -P
 * out ipsec …/require} were configured — through the engine, as a socket policy (spec §4.2) of that packet; with no
 * such SA the packet is a no-sa drop. As soon as the file has a policy, the SPD decides alone.
 *
 * <p>Verdicts: {@code PROTO spi=0x… seq=N ok} (the outermost IPsec header sent or removed), {@code - clear (why)},
 * {@code - discard (policy)}, {@code - no-sa (what)}, {@code - policy-violation (why)}, or the transforms' drop label.
 * Not thread-safe (one capture, one thread).
 */
public final class OfflineEngine {

    private final IpsecEngine engine;
    private final int[] natTPorts;

    /** A packet's outcome: the verdict text and the packets to write (empty when dropped). */
    public record Verdict(String text, List<byte[]> packets) {
        public Verdict {
            packets = List.copyOf(packets);
        }

        public boolean ok() {
            return !packets.isEmpty();
        }

        static Verdict dropped(String text) {
            return new Verdict(text, List.of());
        }
    }

    /** @param engine an engine whose SAD and SPD hold the configuration (queueing off: {@link EngineSettings#NETBSD}) */
    public OfflineEngine(IpsecEngine engine, int... natTPorts) {
        this.engine = Objects.requireNonNull(engine);
        this.natTPorts = natTPorts.length == 0 ? new int[] {4500} : natTPorts.clone();
    }

    public IpsecEngine engine() {
        return engine;
    }

    /** {@code --seq N}: the first sequence number every SA sends. */
    public void setFirstSequence(long n) {
        if (n < 1 || n > 0xffffffffL) throw new IllegalArgumentException("must be 1 to 4294967295");
        chainInitializer(c -> c.setNextSequence(n));
    }

    /** {@code --iv HEX}: the IV every packet carries (reproducing published vectors only). */
    public void forceIv(byte[] iv) {
        byte[] copy = iv.clone();
        chainInitializer(c -> c.forceIv(copy));
    }

    private java.util.function.Consumer<org.jipsec.core.xform.SaContext> init = c -> {};

    private void chainInitializer(java.util.function.Consumer<org.jipsec.core.xform.SaContext> next) {
        init = init.andThen(next);
        engine.setContextInitializer(init);
    }

    /** Deletes every SA through PF_KEY (SADB_FLUSH): the contexts' and the SAD's keys are zeroed. */
    public void destroy() {
        long s = engine.keyEngine().openSocket();
        engine.pfkey(s, PfkeyCodec.encode(PfkeyMessage.of(Sadb.SADB_FLUSH, Sadb.SADB_SATYPE_UNSPEC, 0, 0, List.of())));
    }

    // ------------------------------------------------------------------------------------------ outbound

    public Verdict protect(byte[] packet) {
        PacketSelector sel;
        try {
            sel = PacketSelector.of(PacketBuffer.wrap(packet.clone()), false);
        } catch (MalformedPacketException e) {
            return Verdict.dropped("- malformed (" + e.getMessage() + ")");
        }
        SocketPolicy shortcut = null;
        if (engine.spd().size() == 0) {
            shortcut = saOnlyPolicy(sel.srcAddress(), sel.dstAddress());
            if (shortcut == null) {
                return Verdict.dropped("- no-sa (" + sel.srcAddress().getHostAddress() + " -> "
                        + sel.dstAddress().getHostAddress() + ")");
            }
        }
        PacketBuffer f = PacketBuffer.copyOf(packet, Xform.HEADROOM, Xform.TAILROOM);
        InPlaceOutput r = new InPlaceOutput();
        engine.output(f, shortcut == null ? Flow.FORWARDED : Flow.of(shortcut), r);
        OutputDecision d = r.toDecision(f);
        return switch (d) {
            case OutputDecision.Send s -> {
                List<byte[]> out = new ArrayList<>();
                for (WirePacket w : s.packets()) out.add(w.packet());
                Head h = head(out.getFirst());
                yield new Verdict(h == null ? "- clear (ipcomp: sent as is, RFC 3173 §2.2)" : h.text() + " ok", out);
            }
            case OutputDecision.SendClear c ->
                new Verdict(
                        "- clear (" + whyClear(sel) + ")", List.of(c.packet().packet()));
            case OutputDecision.Drop x -> Verdict.dropped(outboundDrop(x));
            case OutputDecision.Queued q -> Verdict.dropped("- no-sa (queued for " + q.waitingFor() + ")");
        };
    }

    /** Why the engine sent a packet in clear: the SPD entry's type, a USE request without SA, or def_policy none. */
    private String whyClear(PacketSelector sel) {
        FlowKey key = new FlowKey(sel.srcBytes(), sel.dstBytes(), sel.protocol(), sel.srcPort(), sel.dstPort());
        Optional<SecurityPolicy> sp = engine.spd().lookup(PolicyDirection.OUTBOUND, key);
        if (sp.isEmpty()) return "no policy: def_policy none";
        PolicyType t = sp.get().policy().type();
        if (t != PolicyType.IPSEC) return "policy " + t.keyword();
        return "policy " + sp.get().id() + ": no SA for a 'use' request";
    }

    private static String outboundDrop(OutputDecision.Drop x) {
        return switch (x.cause()) {
            case POLICY_DISCARD -> "- discard (" + x.detail() + ")";
            case NO_SA -> "- no-sa (" + x.detail() + ", required)";
            case XFORM -> "- " + (x.xform() == null ? "xform" : x.xform().label()) + " (" + x.detail() + ")";
            default ->
                "- " + x.cause().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " (" + x.detail() + ")";
        };
    }

    /**
     * The per-packet socket policy of a file without policies: the SAs from the packet's source to its destination,
     * IPComp first, then ESP, then AH (KAME order), each required in the SA's own mode (tunnel with its endpoints;
     * "any" as transport). Null when there is none.
     */
    private SocketPolicy saOnlyPolicy(InetAddress src, InetAddress dst) {
        List<SecurityAssociation> found = new ArrayList<>();
        for (SaType t : List.of(SaType.IPCOMP, SaType.ESP, SaType.AH)) {
            for (SecurityAssociation sa : engine.keyEngine().sad().snapshot(t)) {
                if (sa.state() != SaState.MATURE && sa.state() != SaState.DYING) continue;
                if (!sa.source().address().equals(src)
                        || !sa.destination().address().equals(dst)) continue;
                if (found.stream().noneMatch(x -> x.saType() == sa.saType())) found.add(sa);
            }
        }
        if (found.isEmpty()) return null;
        found.sort(Comparator.comparingInt(
                sa -> List.of(SaType.IPCOMP, SaType.ESP, SaType.AH).indexOf(sa.saType())));
        List<IpsecRequest> reqs = new ArrayList<>();
        for (SecurityAssociation sa : found) {
            IpsecProtocol p = sa.protocol().orElseThrow();
            reqs.add(
                    sa.mode() == IpsecMode.TUNNEL
                            ? new IpsecRequest(
                                    p,
                                    IpsecMode.TUNNEL,
                                    IpsecLevel.REQUIRE,
                                    0,
                                    Optional.of(new Endpoint(src)),
                                    Optional.of(new Endpoint(dst)))
                            : new IpsecRequest(p, IpsecMode.TRANSPORT, IpsecLevel.REQUIRE, 0));
        }
        XPolicy out = new XPolicy(PolicyType.IPSEC, PolicyDirection.OUTBOUND, 0, 0, reqs);
        return SocketPolicy.entrust(true).with(out);
    }

    // ------------------------------------------------------------------------------------------ inbound

    public Verdict verify(byte[] packet) {
        Head h = head(packet);
        int outer = packet.length == 0 ? 0 : org.jipsec.core.net.IpView.outerProtocol(packet, 0, packet.length);
        InputResult result = new InputResult();
        engine.input(PacketBuffer.copyOf(packet, Xform.HEADROOM, 0), new Encapsulation.RawIp(outer), result);
        InputDecision d = result.toDecision();
        return switch (d) {
            case InputDecision.Deliver del ->
                del.history().isEmpty()
                        ? new Verdict("- clear (not IPsec)", List.of(del.packet()))
                        : new Verdict((h == null ? "-" : h.text()) + " ok", List.of(del.packet()));
            case InputDecision.Drop x -> Verdict.dropped(inboundDrop(h, x));
            case InputDecision.Reassembling r -> Verdict.dropped("- fragment (held for reassembly)");
            case InputDecision.Keepalive k -> Verdict.dropped("- nat-keepalive");
            case InputDecision.Ike i -> Verdict.dropped("- ike (not IPsec data)");
        };
    }

    private static String inboundDrop(Head h, InputDecision.Drop x) {
        String head =
                h == null ? "-" : (x.xform() == org.jipsec.core.xform.DropReason.NO_SA ? h.withoutSeq() : h.text());
        return switch (x.cause()) {
            case XFORM -> head + " " + (x.xform() == null ? "xform" : x.xform().label());
            case POLICY_VIOLATION -> head + " policy-violation (" + x.detail() + ")";
            default ->
                head + " " + x.cause().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " (" + x.detail()
                        + ")";
        };
    }

    // ------------------------------------------------------------------------------------------ the outermost header

    /** The outermost IPsec header of a packet as the verdict names it; seq -1 when the header carries none. */
    private record Head(IpsecProtocol protocol, long spi, long seq) {
        String text() {
            return String.format("%s spi=0x%08x seq=%s", protocol.keyword(), spi, seq < 0 ? "-" : Long.toString(seq));
        }

        String withoutSeq() {
            return String.format("%s spi=0x%08x seq=-", protocol.keyword(), spi);
        }
    }

    /** Null when the packet has no ESP, AH or IPComp header (after IPv6 extension headers, ESP in UDP). */
    private Head head(byte[] p) {
        if (p.length < 20) return null;
        int off = IpView.outerHeaderEnd(p, 0, p.length);
        if (off < 0) return null;
        int nh = IpView.outerProtocol(p, 0, p.length);
        if (IpView.version(p, 0) == 4 && (Bytes.u16(p, 6) & 0x1fff) != 0)
            return null; // a later fragment: no header here
        if (nh == 17 && off + 8 <= p.length && isNatTPort(Bytes.u16(p, off + 2))) {
            off += 8; // RFC 3948 ESP in UDP
            if (org.jipsec.core.net.UdpEncapClassifier.classify(p, off, p.length - off)
                    != org.jipsec.core.net.UdpEncapKind.ESP) return null; // keepalive, IKE, malformed
            nh = 50;
        }
        return switch (nh) {
            case 50 ->
                off + 8 <= p.length ? new Head(IpsecProtocol.ESP, Bytes.u32(p, off), Bytes.u32(p, off + 4)) : null;
            case 51 ->
                off + 12 <= p.length ? new Head(IpsecProtocol.AH, Bytes.u32(p, off + 4), Bytes.u32(p, off + 8)) : null;
            case 108 -> off + 4 <= p.length ? new Head(IpsecProtocol.IPCOMP, Bytes.u16(p, off + 2), -1) : null;
            default -> null;
        };
    }

    private boolean isNatTPort(int port) {
        for (int n : natTPorts) if (n == port) return true;
        return false;
    }
}
