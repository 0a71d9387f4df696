package org.jipsec.core.ike.engine;

import java.util.Arrays;
import java.util.List;
import org.jipsec.core.crypto.IcvMismatchException;
import org.jipsec.core.ike.codec.ExchangeType;
import org.jipsec.core.ike.codec.IkeDecodeException;
import org.jipsec.core.ike.codec.IkeHeader;
import org.jipsec.core.ike.codec.IkeMessage;
import org.jipsec.core.ike.codec.IkeMessageCodec;
import org.jipsec.core.ike.codec.PayloadType;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.crypto.SkCipher;

/**
 * How one IKE SA's protected messages meet the wire (RFC 7383): whole, or as Encrypted Fragment payloads when both
 * sides announced IKEV2_FRAGMENTATION_SUPPORTED (§2.3) and the datagram would exceed the fragment size (§2.5); and
 * received fragments verified one by one and reassembled (§2.6). Package-private; the engine's one thread.
 */
final class MessageFraming {

    /** swanctl {@code fragmentation}: yes (default), accept, force, no. */
    IkeConfig.Fragmentation mode = IkeConfig.Fragmentation.YES;
    /** strongSwan's {@code charon.fragment_size}: the largest IP datagram of a sent fragment. */
    int fragmentSize = 1280;
    /** The peer's IKE_SA_INIT carried IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383 §2.3). */
    boolean peerSupports;

    private final FragmentReassembly reassembly = new FragmentReassembly();
    private byte[] lastWire;

    void configure(IkeConfig.Fragmentation m, int maxDatagram) {
        this.mode = m;
        this.fragmentSize = maxDatagram;
    }

    /** Whether our IKE_SA_INIT announces IKEV2_FRAGMENTATION_SUPPORTED (§2.3: all but {@code no}). */
    boolean announces() {
        return mode != IkeConfig.Fragmentation.NO;
    }

    /**
     * What goes on the wire for the protected message {@code m}: itself, or (§2.5) its fragments when the peer
     * announced support, we send fragments ({@code yes}/{@code force}, not {@code accept}), it is not IKE_SA_INIT,
     * and the IP datagram (IPv4/IPv6 + UDP + the non-ESP marker on a NAT-T port) would exceed the fragment size.
     */
    List<byte[]> wire(byte[] m, SkCipher out, IkeEndpoint remote) {
        if (!peerSupports
                || out == null
                || (mode != IkeConfig.Fragmentation.YES && mode != IkeConfig.Fragmentation.FORCE)
                || (m[18] & 0xff) == ExchangeType.IKE_SA_INIT) {
            return List.of(m);
        }
        int overhead =
                (remote.address() instanceof java.net.Inet6Address ? 40 : 20) + 8 + (remote.port() != 500 ? 4 : 0);
        if (m.length + overhead <= fragmentSize) return List.of(m);
        try {
            return out.fragment(m, fragmentSize - overhead);
        } catch (IcvMismatchException | IkeDecodeException e) {
            return List.of(m); // our own message: cannot happen
        }
    }

    /**
     * The protected message in {@code d}: an SK message decrypted, or an SKF fragment verified and kept until its
     * message is complete (RFC 7383 §2.6; null until then). {@link #lastWire()} is the datagram that stands for the
     * message in the retransmission cache: itself, or fragment 1 (§2.6.1).
     */
    IkeMessage unprotect(IkeEvent.Datagram d, SkCipher in) throws IcvMismatchException, IkeDecodeException {
        byte[] b = d.bytes();
        if (b.length <= IkeHeader.LENGTH || (b[16] & 0xff) != PayloadType.SKF) {
            lastWire = b;
            return in.unprotect(b);
        }
        SkCipher.Fragment f = in.unprotectFragment(b);
        IkeHeader h = f.header();
        FragmentReassembly.Complete c = reassembly.add(h.messageId(), h.isResponse(), f, b, d.now());
        if (c == null) return null;
        lastWire = c.firstDatagram();
        try {
            return new IkeMessage(
                    h, IkeMessageCodec.decodeInner(c.firstInnerPayload(), c.content(), 0, c.content().length));
        } finally {
            Arrays.fill(c.content(), (byte) 0);
        }
    }

    byte[] lastWire() {
        return lastWire;
    }

    long dropped() {
        return reassembly.dropped();
    }
}
