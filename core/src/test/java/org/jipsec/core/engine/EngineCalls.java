package org.jipsec.core.engine;

import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.xform.Xform;

/**
 * The engine's in-place API as decisions, for tests that keep what the engine answered: the caller's packet is
 * copied into a buffer with room first (so it is left alone), and a sent or delivered packet becomes a decision with
 * its own array ({@link InPlaceOutput#toDecision}, {@link InputResult#toDecision}).
 */
public final class EngineCalls {
    private EngineCalls() {}

    /** A locally sent packet (needport = 1) with {@code socket}'s policy, or none. */
    public static OutputDecision output(IpsecEngine engine, PacketBuffer packet, SocketPolicy socket) {
        return outputAs(engine, packet, Flow.of(socket));
    }

    /** A forwarded packet (needport = 0). */
    public static OutputDecision forward(IpsecEngine engine, PacketBuffer packet) {
        return outputAs(engine, packet, Flow.FORWARDED);
    }

    public static OutputDecision outputAs(IpsecEngine engine, PacketBuffer packet, Flow flow) {
        PacketBuffer f =
                PacketBuffer.copyOf(packet.array(), packet.start(), packet.length(), Xform.HEADROOM, Xform.TAILROOM);
        InPlaceOutput r = new InPlaceOutput();
        engine.output(f, flow, r);
        return r.toDecision(f);
    }

    /** {@link IpsecEngine#tick()}, and everything its outbox held then (EXPIRE messages, ACQUIREs not yet drained). */
    public static org.jipsec.core.pfkey.Outcome tick(IpsecEngine engine) {
        engine.tick();
        java.util.List<org.jipsec.core.pfkey.Delivery> all = new java.util.ArrayList<>();
        for (var o : engine.outbox().drain()) all.addAll(o.deliveries());
        return org.jipsec.core.pfkey.Outcome.of(all);
    }

    /** A received packet; the caller's buffer is left alone. */
    public static InputDecision input(IpsecEngine engine, PacketBuffer packet, Encapsulation how) {
        PacketBuffer f = PacketBuffer.copyOf(packet.array(), packet.start(), packet.length(), 64, 0);
        return inputDatagram(engine, f, how);
    }

    /** A received packet in a buffer the engine may use as its own (a datagram's header goes into its headroom). */
    public static InputDecision inputDatagram(IpsecEngine engine, PacketBuffer packet, Encapsulation how) {
        InputResult r = new InputResult();
        engine.input(packet, how, r);
        return r.toDecision();
    }
}
