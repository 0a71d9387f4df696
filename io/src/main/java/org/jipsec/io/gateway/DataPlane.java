package org.jipsec.io.gateway;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.jipsec.core.engine.InputDecision;
import org.jipsec.core.engine.LocalAddresses;
import org.jipsec.core.engine.OutputDecision;
import org.jipsec.core.engine.WirePacket;
import org.jipsec.core.engine.socket.EchoFlowTable;
import org.jipsec.io.tun.TunDevice;

/**
 * jipsecd's packet loops: {@code N} {@link Worker}s ({@code --workers}, one per available processor by default), each
 * a platform thread with its own TUN queue ({@code IFF_MULTI_QUEUE}: the kernel spreads the flows over the queues),
 * its own poller and its own wire sockets (ESP-in-UDP: one {@code SO_REUSEPORT} group over the workers' sockets; raw
 * ESP/AH/IPComp: a socket per worker that only passes its share of the SPIs — {@link SpiSteering}). What the
 * workers share is listed in ARCHITECTURE.md "Threads and locks": the engine (through {@link EnginePort}, under the
 * engine lock), the {@link LoopDetector}, the {@link BatchClock}, the socket-policy flows and the IKE sink.
 *
 * <p>Worker 0 also runs the {@link #timer} once a second: {@code tick()} (lifetimes; its EXPIRE messages go to the
 * PF_KEY sockets), the packets released by an SA that arrived for an ACQUIRE, NAT-T keepalives every keepalive
 * interval (RFC 3948 §4), and the host's addresses for the spoof check every few seconds.
 */
final class DataPlane {

    final EnginePort engine;
    final GatewayDaemon.Log log;
    final BatchClock clock;
    final int keepaliveSeconds;
    /** The workers' cleartext re-emissions, to recognise them when they come back through the TUN (any queue). */
    final LoopDetector loops = new LoopDetector();
    /** Sockets outside jipsecd whose per-socket policies the engine applies ({@code jipsec ping -P}). */
    final EchoFlowTable flows = new EchoFlowTable();
    /** Where IKE datagrams received on UDP 4500 go (the IKE handoff, docs/ike-udp-split.md); null: counted only. */
    volatile Consumer<InputDecision.Ike> ikeSink;

    private final List<Worker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * @param sockets one set per worker, in worker order (worker {@code i} reads TUN queue {@code i})
     * @param clock   the engine's clock, held for each received batch
     */
    DataPlane(
            EnginePort engine,
            TunDevice tun,
            List<WireSockets> sockets,
            GatewayDaemon.Log log,
            int keepaliveSeconds,
            BatchClock clock) {
        if (sockets.size() != tun.queues().size())
            throw new IllegalArgumentException(
                    sockets.size() + " socket sets for " + tun.queues().size() + " queues");
        this.engine = engine;
        this.log = log;
        this.keepaliveSeconds = keepaliveSeconds;
        this.clock = clock;
        for (int i = 0; i < sockets.size(); i++) {
            Worker w = new Worker(i, this, tun.queue(i), sockets.get(i));
            workers.add(w);
            threads.add(Thread.ofPlatform()
                    .name(sockets.size() == 1 ? "jipsec-dataplane" : "jipsec-dataplane-" + i)
                    .daemon()
                    .unstarted(w));
        }
    }

    void start() {
        for (Thread t : threads) t.start();
    }

    /** Asks every worker to stop and waits up to {@code millis} in all for them to end. */
    void stop(long millis) {
        for (Worker w : workers) w.stop();
        long deadline = System.nanoTime() + millis * 1_000_000L;
        for (Thread t : threads) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) break;
            try {
                t.join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** True while every worker runs. */
    boolean alive() {
        for (Thread t : threads) if (!t.isAlive()) return false;
        return true;
    }

    int workers() {
        return workers.size();
    }

    /** Every worker's counters, in worker order. */
    List<GatewayCounters> counters() {
        List<GatewayCounters> l = new ArrayList<>(workers.size());
        for (Worker w : workers) l.add(w.counters);
        return l;
    }

    /**
     * The host's addresses for the engine's {@code ipip_spoofcheck} ({@link LocalAddresses}), read from the
     * interfaces at start and every {@link #LOCAL_ADDRESS_REFRESH_TICKS} seconds (worker 0's thread).
     */
    void refreshLocalAddresses() {
        List<byte[]> mine = new ArrayList<>();
        for (InetAddress a : localAddresses()) mine.add(a.getAddress());
        engine.lock();
        try {
            engine.setLocalAddresses(LocalAddresses.of(mine));
        } finally {
            engine.unlock();
        }
    }

    private static final int LOCAL_ADDRESS_REFRESH_TICKS = 5;
    private long timerTicks;

    /** The once-a-second step, on worker {@code w}'s thread; what it sends goes out through {@code w}'s sockets. */
    void timer(Worker w, boolean keepalives) throws IOException {
        if (++timerTicks % LOCAL_ADDRESS_REFRESH_TICKS == 0) refreshLocalAddresses();
        Set<InetAddress> local = keepalives ? localAddresses() : Set.of(); // outside the lock: reads interfaces
        List<OutputDecision> released;
        List<WirePacket> ka = List.of();
        engine.lock();
        try {
            engine.tick(); // its EXPIREs, and the releases' ACQUIREs, go out at unlock
            released = engine.drainReady();
            if (keepalives) ka = engine.natKeepalives(local);
        } catch (RuntimeException e) {
            w.engineFailure(e);
            return;
        } finally {
            engine.unlock();
        }
        for (OutputDecision d : released) w.act(d);
        for (WirePacket p : ka) w.sockets.queue(p);
        w.sockets.flush();
    }

    private static Set<InetAddress> localAddresses() {
        Set<InetAddress> s = new HashSet<>();
        try {
            var it = java.net.NetworkInterface.getNetworkInterfaces();
            while (it != null && it.hasMoreElements()) {
                var ifc = it.nextElement();
                var as = ifc.getInetAddresses();
                while (as.hasMoreElements()) {
                    InetAddress a = as.nextElement();
                    s.add(
                            a instanceof java.net.Inet6Address a6 && a6.getScopeId() != 0
                                    ? InetAddress.getByAddress(a6.getAddress())
                                    : a);
                }
            }
        } catch (IOException ignored) {
            // no interface list: no keepalives this round
        }
        return s;
    }
}
