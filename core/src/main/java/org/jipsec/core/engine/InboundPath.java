package org.jipsec.core.engine;

import java.net.InetAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.net.Reassembler;
import org.jipsec.core.net.ReassemblyResult;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.spd.AppliedTransform;
import org.jipsec.core.xform.DropReason;
import org.jipsec.core.xform.InboundTrace;
import org.jipsec.core.xform.SaContext;
import org.jipsec.core.xform.SaTransformState;
import org.jipsec.core.xform.Xform;

/**
 * The engine's way in, NetBSD's {@code ipsec_common_input} + {@code ipsec_in_reject} (spec §4.5): fragments are
 * reassembled first (RFC 4303 §3.4.1); NAT-T keepalives and IKE messages on the NAT-T port are told apart (RFC 3948
 * §2.1, §2.2, {@link NatTInput}); every IPsec layer is removed by the transforms, each with the SA found by
 * (destination, protocol, SPI) (§4.6), tunnel headers included, recording the decapsulation history; then the
 * inbound policy check over the whole history and the spoof rule ({@link InboundCheck}).
 *
 * <p>Threads: confined to the holder of the engine lock.
 */
final class InboundPath {

    private final KeyEngine keys;
    private final InstantSource clock;
    private final Supplier<Xform> xform;
    private final Reassembler reassembler;
    private final NatTInput natT;
    private final InboundCheck check;

    /** One IPsec layer's SA as the lookup saw it (outermost first). */
    private record Layer(
            SecurityAssociation sa, SaContext context, InetAddress outerSource, InetAddress outerDestination) {}

    private final AddressCache lookupDestination = new AddressCache();
    private final AddressCache lookupSource = new AddressCache();

    InboundPath(
            KeyEngine keys,
            InstantSource clock,
            Supplier<Xform> xform,
            Reassembler reassembler,
            NatTInput natT,
            InboundCheck check) {
        this.keys = keys;
        this.clock = clock;
        this.xform = xform;
        this.reassembler = reassembler;
        this.natT = natT;
        this.check = check;
    }

    /** The packet through the inbound path, the answer in {@code result}. */
    void input(PacketBuffer packet, Encapsulation how, InputResult result) {
        InputDecision d = decide(packet, how, result);
        if (d != null) result.decide(d);
    }

    /** Null when {@code result} took the delivered packet. */
    private InputDecision decide(PacketBuffer packet, Encapsulation how, InputResult result) {
        PacketBuffer f;
        boolean udpDecapsulated = false;
        boolean lent = false;
        if (how instanceof Encapsulation.UdpDatagram u) {
            // read in place: special() only reads, withIpUdp copies
            InputDecision special =
                    natT.special(packet.array(), packet.start(), packet.length(), u.source(), u.destination());
            if (special != null) return special;
            f = natT.espInUdp(packet, u);
            if (f != null) {
                udpDecapsulated = true;
            } else {
                f = NatTInput.withIpUdp(packet.array(), packet.start(), packet.length(), u.source(), u.destination());
            }
        } else {
            // a whole IP packet (raw ESP/AH/IPComp): the caller lent the buffer, so it is decided in place (no copy),
            // combined-mode ESP decrypted from it into natT.buffers as for ESP-in-UDP (Esp keeps the slower in-place
            // pass for a buffer larger than those arrays); a delivery is then a range of whichever array holds it
            f = packet;
            lent = true;
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
        InputDecision special = natT.special(f);
        if (special != null) return special;

        List<Layer> layers = new ArrayList<>(4);
        InboundTrace trace = new InboundTrace();
        int received = f.length() + (udpDecapsulated ? 8 : 0); // the datagram as received, UDP header included
        DropReason r = xform.get()
                .input(
                        f,
                        (proto, spi, buf, dstOff, dstLen) -> lookup(layers, proto, spi, buf, dstOff, dstLen),
                        trace,
                        udpDecapsulated,
                        udpDecapsulated || lent ? natT.buffers : null);
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
        long now = clock.instant().getEpochSecond();
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
        InputDecision.Drop spoofed = check.spoof(f.array(), f.start(), f.length(), history);
        if (spoofed != null) return spoofed;
        InputDecision.Drop rejected = check.policy(f.array(), f.start(), f.length(), history, null, false, true);
        if (rejected != null) return rejected;
        result.deliver(f.array(), f.start(), f.length(), history);
        return null;
    }

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
                address = NatTInput.address(b, off, n);
                System.arraycopy(b, off, bytes, 0, n);
                len = n;
            }
            return address;
        }
    }
}
