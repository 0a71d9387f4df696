package org.jipsec.core.xform;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jipsec.core.crypto.InvalidKeyLengthException;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.PacketBuffer;

/**
 * Protects or verifies a sequence of IP packets offline with a fixed set of SAs — the engine of
 * {@code jipsec pcap}. Outbound, a packet takes the first {@link OutboundRule} whose selector matches it and the
 * SAs its requests name (tunnel SAs by their endpoints, transport SAs by the packet's addresses); without a
 * matching rule, the SAs whose source and destination are the packet's own (KAME order: IPComp, ESP, AH).
 * Inbound, SAs are found by protocol, SPI and destination address (spec §4.6). Each packet gets a verdict line.
 */
public final class OfflineProcessor {

    private final List<SaContext> sas;
    private final List<OutboundRule> rules;
    private final Xform xform;
    private final InboundTrace trace = new InboundTrace();

    /** A packet's outcome: the verdict text and the resulting packet (null when dropped). */
    public record Verdict(String text, byte[] packet) {
        public boolean ok() { return packet != null; }
    }

    public OfflineProcessor(List<SaParameters> params, List<OutboundRule> rules, XformSettings settings,
                            RandomGenerator random) throws InvalidKeyLengthException {
        List<SaContext> list = new ArrayList<>();
        for (SaParameters p : params) list.add(new SaContext(p, random));
        this.sas = List.copyOf(list);
        this.rules = List.copyOf(rules);
        this.xform = new Xform(settings, new XformStats(), natPorts(params));
    }

    private static int[] natPorts(List<SaParameters> params) {
        return params.stream().filter(p -> p.natT() != null)
                .flatMapToInt(p -> java.util.stream.IntStream.of(p.natT().sourcePort(), p.natT().destPort()))
                .distinct().toArray();
    }

    public List<SaContext> sas() { return sas; }

    public XformStats stats() { return xform.stats(); }

    /** {@code --seq N}: the first sequence number every SA sends. */
    public void setFirstSequence(long n) {
        for (SaContext s : sas) s.setNextSequence(n);
    }

    /** {@code --iv HEX}: the IV every packet carries (for reproducing published vectors only). */
    public void forceIv(byte[] iv) {
        for (SaContext s : sas) s.forceIv(iv);
    }

    /** Zeroes every key (the SA contexts' copies and the parameters' own). */
    public void destroy() {
        for (SaContext s : sas) {
            s.destroy();
            s.parameters().zeroKeys();
        }
    }

    public Verdict protect(byte[] packet) {
        IpView ip = new IpView();
        DropReason bad = ip.parse(packet, 0, packet.length, true);
        if (bad != null) return new Verdict("- " + bad.label() + " (not an IP packet jipsec can parse)", null);
        int alen = ip.version == 4 ? 4 : 16;
        byte[] src = Arrays.copyOfRange(packet, ip.version == 4 ? 12 : 8, (ip.version == 4 ? 12 : 8) + alen);
        byte[] dst = Arrays.copyOfRange(packet, ip.version == 4 ? 16 : 24, (ip.version == 4 ? 16 : 24) + alen);
        List<SaContext> bundle = new ArrayList<>();
        String missing = null;
        OutboundRule rule = null;
        for (OutboundRule r : rules) {
            if (r.matches(src, dst, ip.proto)) {
                rule = r;
                break;
            }
        }
        if (rule != null) {
            if (rule.action().equals("discard")) return new Verdict("- discard (policy)", null);
            if (rule.action().equals("none")) return new Verdict("- clear (policy none)", packet.clone());
            for (OutboundRule.Request q : rule.requests()) {
                SaContext sa = q.mode() == IpsecMode.TUNNEL
                        ? find(q.protocol(), q.tunnelSrc().getAddress(), q.tunnelDst().getAddress(), true)
                        : find(q.protocol(), src, dst, false);
                if (sa == null) {
                    missing = q.protocol().keyword() + "/" + q.mode().keyword();
                    break;
                }
                bundle.add(sa);
            }
        } else {
            for (SaContext s : sas) {
                if (Arrays.equals(s.srcAddress(), src) && Arrays.equals(s.dstAddress(), dst)) bundle.add(s);
            }
            bundle.sort(Comparator.comparingInt(s -> switch (s.parameters().protocol()) {
                case IPCOMP -> 0;
                case ESP -> 1;
                case AH -> 2;
            }));
        }
        if (missing != null || bundle.isEmpty()) {
            return new Verdict("- no-sa (" + addr(src) + " -> " + addr(dst)
                    + (missing == null ? "" : ", policy needs " + missing) + ")", null);
        }
        PacketBuffer f = Xform.buffer(packet);
        DropReason r = xform.output(bundle, f);
        SaContext outer = bundle.getLast();
        String head = String.format("%s spi=0x%08x seq=%s", outer.parameters().protocol().keyword(),
                outer.parameters().spi(), Long.toUnsignedString(outer.lastSequence()));
        if (r != null) return new Verdict(head + " " + r.label(), null);
        return new Verdict(head + " ok", f.toByteArray());
    }

    private SaContext find(IpsecProtocol proto, byte[] src, byte[] dst, boolean tunnel) {
        SaContext any = null;
        for (SaContext s : sas) {
            SaParameters p = s.parameters();
            if (p.protocol() != proto || !Arrays.equals(s.srcAddress(), src) || !Arrays.equals(s.dstAddress(), dst)) continue;
            if (tunnel == (p.mode() == IpsecMode.TUNNEL)) return s;
            if (p.mode() == IpsecMode.ANY && any == null) any = s;
        }
        return any;
    }

    public Verdict verify(byte[] packet) {
        PacketBuffer f = Xform.buffer(packet);
        DropReason r = xform.input(f, this::lookup, trace);
        String head = trace.protocol() == null ? "-"
                : String.format("%s spi=0x%08x seq=%s", trace.protocol().keyword(), trace.spi(),
                        trace.seq() < 0 ? "-" : Long.toUnsignedString(trace.seq()));
        if (r != null) return new Verdict(head + " " + r.label(), null);
        if (trace.headers() == 0) return new Verdict("- clear (not IPsec)", f.toByteArray());
        return new Verdict(head + " ok", f.toByteArray());
    }

    private SaContext lookup(IpsecProtocol proto, long spi, byte[] b, int off, int len) {
        for (SaContext s : sas) {
            SaParameters p = s.parameters();
            if (p.protocol() != proto) continue;
            long sspi = proto == IpsecProtocol.IPCOMP ? p.spi() & 0xffff : p.spi();
            // spec §4.6: an IPComp CPI below 256 is well known (RFC 3173 §3.3): it names the algorithm, not the SA
            boolean wellKnown = proto == IpsecProtocol.IPCOMP && spi < 256 && (p.flags() & SaFlags.RAWCPI) == 0
                    && p.encryption() != null && p.encryption().number() == spi;
            if (sspi != spi && !wellKnown) continue;
            byte[] d = s.dstAddress();
            if (d.length != len || !Arrays.equals(d, 0, len, b, off, off + len)) continue;
            return s;
        }
        return null;
    }

    private static String addr(byte[] a) {
        try {
            return InetAddress.getByAddress(a).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return "?";
        }
    }
}
