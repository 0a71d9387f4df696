package org.jipsec.core.engine.socket;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.engine.InputDecision;
import org.jipsec.core.engine.WirePacket;

/**
 * An in-memory wire from one host to another (tests, demos): packets transmitted are queued and logged; {@link #deliver}
 * hands the queued packets to the peer host's {@link JipsecHost#receive}. Two links, one per direction, make a
 * full-duplex wire.
 */
public final class MemoryLink implements Link {

    private final ArrayDeque<WirePacket> queue = new ArrayDeque<>();
    private final List<WirePacket> log = new ArrayList<>();
    private JipsecHost peer;

    /** Sets the host the packets go to. */
    public void connectTo(JipsecHost host) {
        this.peer = host;
    }

    @Override
    public void transmit(WirePacket packet) {
        queue.addLast(packet);
        log.add(packet);
    }

    /** Every packet transmitted so far, in order (for captures and replays). */
    public List<WirePacket> transmitted() {
        return List.copyOf(log);
    }

    public int queued() {
        return queue.size();
    }

    /** Delivers the queued packets to the peer; returns the peer's decisions in order. */
    public List<InputDecision> deliver() {
        if (peer == null) throw new IllegalStateException("link not connected");
        List<InputDecision> out = new ArrayList<>();
        while (!queue.isEmpty()) {
            WirePacket w = queue.pollFirst();
            out.add(peer.receive(w.packet().clone(), w.encapsulation()));
        }
        return out;
    }

    /** Drops the queued packets (a lossy wire). */
    public void discardQueued() {
        queue.clear();
    }
}
