package org.jipsec.io.gateway;

import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jipsec.core.engine.Encapsulation;
import org.jipsec.core.engine.Flow;
import org.jipsec.core.engine.InPlaceOutput;
import org.jipsec.core.engine.InputDecision;
import org.jipsec.core.engine.InputResult;
import org.jipsec.core.engine.IpsecEngine;
import org.jipsec.core.engine.LocalAddresses;
import org.jipsec.core.engine.OutputDecision;
import org.jipsec.core.engine.SocketPolicy;
import org.jipsec.core.engine.WirePacket;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.pfkey.Outcome;

/**
 * The engine as the data plane sees it: every call a worker or the timer makes into {@link IpsecEngine}, in one place
 * (so that a change of the engine's entry points touches this file only), and the engine lock they are made under.
 *
 * <p>Every method must be called between {@link #lock()} and {@link #unlock()}: the engine is not thread-safe
 * (see ARCHITECTURE.md "Threads and locks"). A worker holds the lock for one run of packets (a TSO frame's
 * segments, one received batch's datagrams), never across a system call.
 */
final class EnginePort {
    private final IpsecEngine engine;
    private final ReentrantLock lock;
    private final Consumer<Outcome> pfkeyOut;

    /** @param pfkeyOut where the engine's ACQUIRE and EXPIRE messages go (the PF_KEY sockets), drained at unlock */
    EnginePort(IpsecEngine engine, ReentrantLock lock, Consumer<Outcome> pfkeyOut) {
        this.engine = engine;
        this.lock = lock;
        this.pfkeyOut = pfkeyOut;
    }

    void lock() {
        lock.lock();
    }

    /**
     * Drains the engine's PF_KEY outbox (the ACQUIREs of this hold's packets, the EXPIREs of a tick; spec §4.7, §4.9)
     * in the order they were made, still under the lock, then releases it.
     */
    void unlock() {
        try {
            engine.outbox().drainTo(pfkeyOut);
        } finally {
            lock.unlock();
        }
    }

    /** A packet from the TUN, protected in place ({@link IpsecEngine#output}). */
    void output(PacketBuffer packet, SocketPolicy socket, InPlaceOutput result) {
        engine.output(packet, Flow.of(socket), result);
    }

    /**
     * A whole received IP packet (raw ESP/AH/IPComp) lent to {@link IpsecEngine#input}, which decides it in place
     * ({@link RawReceive}); a delivery is a range of the engine's or the lent buffer, valid until the next input.
     */
    void input(PacketBuffer packet, InputResult result) {
        engine.input(packet, Encapsulation.IP, result);
    }

    /** A datagram from the NAT-T socket, lent to the engine; a delivery stays in the engine's buffer. */
    void inputDatagram(PacketBuffer datagram, Encapsulation.UdpDatagram how, InputResult result) {
        engine.input(datagram, how, result);
    }

    /** A delivered echo reply of a registered socket, checked with that socket's inbound policy. */
    Optional<InputDecision.Drop> checkSocketInbound(InputDecision.Deliver delivered, SocketPolicy socket) {
        return engine.checkSocketInbound(delivered, socket);
    }

    /** The once-a-second step: lifetimes; the EXPIREs go out at {@link #unlock()}. */
    void tick() {
        engine.tick();
    }

    /** Packets queued for an ACQUIRE whose SA has arrived. */
    List<OutputDecision> drainReady() {
        return engine.drainReady();
    }

    /** NAT-T keepalives due (RFC 3948 §4). */
    List<WirePacket> natKeepalives(Collection<InetAddress> local) {
        return engine.natKeepalives(local);
    }

    /** The host's addresses for {@code ipip_spoofcheck}. */
    void setLocalAddresses(LocalAddresses addresses) {
        engine.setLocalAddresses(addresses);
    }
}
