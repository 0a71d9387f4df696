package org.jipsec.core.engine;

import java.util.List;
import java.util.Objects;
import org.jipsec.core.spd.AppliedTransform;

/**
 * What {@link IpsecEngine#input(org.jipsec.core.net.PacketBuffer, Encapsulation, InputResult)} decided, without a packet array made for a delivery: either {@linkplain #delivered() a delivered packet} — a range
 * of a buffer the engine used (its own, or the datagram buffer lent to it), valid only until the engine's next input
 * call or until the caller reuses its buffer — with its decapsulation history, or any other {@link #decision()}.
 * One instance belongs to one caller thread and is overwritten by each call.
 */
public final class InputResult {
    private InputDecision decision;
    private byte[] array;
    private int offset;
    private int length;
    private List<AppliedTransform> history = List.of();

    /** True when the packet was accepted for delivery ({@link #array()}, {@link #offset()}, {@link #length()}). */
    public boolean delivered() {
        return decision == null && array != null;
    }

    /** The decision when it is not a delivery; null after a delivery. */
    public InputDecision decision() {
        return decision;
    }

    /** The array the delivered packet is in (not a copy: valid until the next input call). */
    public byte[] array() {
        return array;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** The transforms removed from the delivered packet, outermost first. */
    public List<AppliedTransform> history() {
        return history;
    }

    /** The result as a decision of its own: a delivery becomes {@link InputDecision.Deliver} with a copy. */
    public InputDecision toDecision() {
        if (decision != null) return decision;
        if (array == null) throw new IllegalStateException("no result yet");
        return new InputDecision.Deliver(java.util.Arrays.copyOfRange(array, offset, offset + length), history);
    }

    void deliver(byte[] array, int offset, int length, List<AppliedTransform> history) {
        this.decision = null;
        this.array = Objects.requireNonNull(array);
        this.offset = offset;
        this.length = length;
        this.history = history;
    }

    void decide(InputDecision d) {
        this.decision = Objects.requireNonNull(d);
        this.array = null;
        this.history = List.of();
    }
}
