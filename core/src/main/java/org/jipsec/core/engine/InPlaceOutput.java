package org.jipsec.core.engine;

/**
 * The answer of {@link IpsecEngine#output}: either the caller's buffer now holds the IP packet to send
 * ({@link #sent()}, carried as {@link #encapsulation()}), or the packet was not sent and {@link #decision()} says
 * why ({@link OutputDecision.Drop} or {@link OutputDecision.Queued}). Mutable and reusable: one per data-plane
 * thread, overwritten by every call, so the hot path allocates no decision or wire packet.
 */
public final class InPlaceOutput {
    private Encapsulation encapsulation;
    private OutputDecision decision;
    private boolean clear;

    /** True when the buffer holds the packet to send. */
    public boolean sent() {
        return encapsulation != null;
    }

    /** True when the packet is sent as it is, unprotected ({@link OutputDecision.SendClear}'s case). */
    public boolean clear() {
        return clear;
    }

    /** How the packet in the buffer is carried (raw IP with its outer protocol, or ESP-in-UDP); null if not sent. */
    public Encapsulation encapsulation() {
        return encapsulation;
    }

    /** Why the packet was not sent (a drop or a queued packet); null when sent. */
    public OutputDecision decision() {
        return decision;
    }

    /**
     * The result as a decision of its own, for callers that keep it: a sent packet becomes {@link OutputDecision.Send}
     * (or {@link OutputDecision.SendClear}) with a copy of {@code buffer}'s packet, anything else the decision.
     */
    public OutputDecision toDecision(org.jipsec.core.net.PacketBuffer buffer) {
        if (!sent()) {
            if (decision == null) throw new IllegalStateException("no result yet");
            return decision;
        }
        WirePacket w = new WirePacket(buffer.toByteArray(), encapsulation);
        return clear ? new OutputDecision.SendClear(w) : new OutputDecision.Send(java.util.List.of(w));
    }

    void reset() {
        encapsulation = null;
        decision = null;
        clear = false;
    }

    void sent(Encapsulation how, boolean inClear) {
        encapsulation = java.util.Objects.requireNonNull(how);
        clear = inClear;
    }

    void notSent(OutputDecision d) {
        if (d instanceof OutputDecision.Send || d instanceof OutputDecision.SendClear)
            throw new IllegalStateException("a send decision is answered in place");
        decision = d;
    }

    @Override
    public String toString() {
        return sent()
                ? "InPlaceOutput[sent" + (clear ? " in clear, " : ", ") + encapsulation + "]"
                : "InPlaceOutput[" + decision + "]";
    }
}
