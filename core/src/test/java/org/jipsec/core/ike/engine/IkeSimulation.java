package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A deterministic world for two engines (issue #14 Proof): a virtual clock, one timer per engine (the engine's
 * ArmTimer/CancelTimer), and a link that loses, duplicates and reorders datagrams, all from one seed. Admin events
 * are scheduled at virtual times. Every action is recorded per engine; the invariants (keys agree crosswise, every
 * InstallChild removed exactly once after teardown) are checked from those records.
 */
final class IkeSimulation {

    final IkeSaEngine a;
    final IkeSaEngine b;
    final List<IkeAction> aActions = new ArrayList<>();
    final List<IkeAction> bActions = new ArrayList<>();
    private final Random rnd;
    private final double loss;
    private final double duplicate;
    private final long maxDelay;
    private final PriorityQueue<Item> agenda = new PriorityQueue<>();
    private final Map<IkeSaEngine, Long> timerGeneration = new HashMap<>();
    private long seq;
    long now;
    int sent;
    int lost;
    /** While true, datagrams towards {@link #b} vanish (a dead peer). */
    boolean bDead;
    /**
     * When set, the responder's daemon under load (RFC 7296 §2.6): every IKE_SA_INIT request reaching {@link #b}
     * passes this admission first, with {@link #gateHalfOpen} half-open SAs; a demanded cookie goes back over the
     * same lossy link and {@link #b} never sees the request.
     */
    org.jipsec.core.ike.admission.InitAdmission gate;

    int gateHalfOpen;
    int cookiesDemanded;

    private record Item(long at, long seq, IkeSaEngine target, IkeEvent event, long generation)
            implements Comparable<Item> {
        @Override
        public int compareTo(Item o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    IkeSimulation(IkeSaEngine a, IkeSaEngine b, long seed, double loss, double duplicate, long maxDelayMillis) {
        this.a = a;
        this.b = b;
        this.rnd = new Random(seed);
        this.loss = loss;
        this.duplicate = duplicate;
        this.maxDelay = maxDelayMillis;
        timerGeneration.put(a, 0L);
        timerGeneration.put(b, 0L);
    }

    void at(long time, IkeSaEngine target, IkeEvent event) {
        agenda.add(new Item(time, seq++, target, event, -1));
    }

    /** Runs until the agenda is empty, the clock passes {@code until}, or the step bound is hit. */
    void runUntil(long until) {
        int steps = 0;
        while (!agenda.isEmpty() && agenda.peek().at() <= until && steps++ < 200_000) {
            Item it = agenda.poll();
            now = Math.max(now, it.at());
            if (it.generation() >= 0 && it.generation() != timerGeneration.get(it.target())) continue; // cancelled
            IkeEvent ev = retime(it.event(), now);
            if (it.target() == b && gate != null && ev instanceof IkeEvent.Datagram d && cookieDemanded(d)) continue;
            List<IkeAction> out = it.target().handle(ev);
            (it.target() == a ? aActions : bActions).addAll(out);
            IkeSaEngine other = it.target() == a ? b : a;
            for (IkeAction x : out) {
                switch (x) {
                    case IkeAction.Send s -> transmit(other, s);
                    case IkeAction.ArmTimer t -> {
                        long g = timerGeneration.merge(it.target(), 1L, Long::sum);
                        agenda.add(new Item(Math.max(t.at(), now), seq++, it.target(), new IkeEvent.Timer(t.at()), g));
                    }
                    case IkeAction.CancelTimer c -> timerGeneration.merge(it.target(), 1L, Long::sum);
                    default -> {}
                }
            }
        }
        now = Math.max(
                now, Math.min(until, agenda.isEmpty() ? until : agenda.peek().at()));
    }

    /** The daemon's stateless check of an IKE_SA_INIT request (what IkeRuntime does before an engine exists). */
    private boolean cookieDemanded(IkeEvent.Datagram d) {
        org.jipsec.core.ike.codec.IkeMessage m;
        try {
            m = org.jipsec.core.ike.codec.IkeMessageCodec.decode(d.bytes());
        } catch (org.jipsec.core.ike.codec.IkeDecodeException e) {
            return false;
        }
        var h = m.header();
        if (h.exchangeType() != org.jipsec.core.ike.codec.ExchangeType.IKE_SA_INIT || h.isResponse() || h.spiR() != 0) {
            return false;
        }
        var decision = gate.decide(now, m, d.from().address().getAddress(), gateHalfOpen, gateHalfOpen);
        if (!(decision instanceof org.jipsec.core.ike.admission.InitAdmission.Decision.DemandCookie c)) return false;
        cookiesDemanded++;
        byte[] bytes = c.response(h.spiI());
        transmit(a, new IkeAction.Send(d.to(), d.from(), bytes));
        return true;
    }

    private void transmit(IkeSaEngine to, IkeAction.Send s) {
        sent++;
        if ((to == b && bDead) || rnd.nextDouble() < loss) {
            lost++;
            return;
        }
        int copies = rnd.nextDouble() < duplicate ? 2 : 1;
        for (int n = 0; n < copies; n++) {
            long at = now + 1 + (maxDelay > 0 ? rnd.nextLong(maxDelay) : 0); // random delay = reordering
            agenda.add(new Item(
                    at,
                    seq++,
                    to,
                    new IkeEvent.Datagram(s.from(), s.to(), s.bytes().clone(), at),
                    -1));
        }
    }

    private static IkeEvent retime(IkeEvent e, long now) {
        return switch (e) {
            case IkeEvent.Initiate i -> new IkeEvent.Initiate(now);
            case IkeEvent.Timer t -> new IkeEvent.Timer(now);
            case IkeEvent.Datagram d -> new IkeEvent.Datagram(d.from(), d.to(), d.bytes(), now);
            case IkeEvent.DeleteChild d -> new IkeEvent.DeleteChild(d.spiIn(), now);
            case IkeEvent.DeleteIke d -> new IkeEvent.DeleteIke(now);
            case IkeEvent.RekeyChild r -> new IkeEvent.RekeyChild(r.spiIn(), now);
            case IkeEvent.RekeyIke r -> new IkeEvent.RekeyIke(now);
            case IkeEvent.InboundTraffic r -> new IkeEvent.InboundTraffic(now);
            case IkeEvent.CreateChild c -> new IkeEvent.CreateChild(c.child(), now);
        };
    }

    static <T extends IkeAction> List<T> of(List<IkeAction> actions, Class<T> type) {
        return actions.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Every child installed on one side whose pair the other side installed has crosswise-equal keys. */
    void assertKeysAgree() {
        for (IkeAction.InstallChild x : of(aActions, IkeAction.InstallChild.class)) {
            for (IkeAction.InstallChild y : of(bActions, IkeAction.InstallChild.class)) {
                if (x.spiOut() != y.spiIn() && x.spiIn() != y.spiOut()) continue;
                assertEquals(x.spiOut(), y.spiIn(), "SPI pairs");
                assertEquals(x.spiIn(), y.spiOut(), "SPI pairs");
                assertArrayEquals(x.encrOut(), y.encrIn(), "our outbound = peer inbound");
                assertArrayEquals(x.integOut(), y.integIn());
                assertArrayEquals(x.encrIn(), y.encrOut());
                assertArrayEquals(x.integIn(), y.integOut());
            }
        }
    }

    /** Each side: every InstallChild is matched by exactly one RemoveChild (and no removal without install). */
    void assertNoLeaks() {
        for (List<IkeAction> side : List.of(aActions, bActions)) {
            Map<Integer, Integer> balance = new HashMap<>();
            for (IkeAction x : side) {
                if (x instanceof IkeAction.InstallChild c) balance.merge(c.spiIn(), 1, Integer::sum);
                if (x instanceof IkeAction.RemoveChild r) {
                    assertNotNull(balance.get(r.spiIn()), "removal of a child never installed: " + r);
                    balance.merge(r.spiIn(), -1, Integer::sum);
                }
            }
            balance.forEach((spi, n) -> assertEquals(0, n, "child " + Integer.toHexString(spi) + " in " + side));
        }
        for (IkeSaEngine e : List.of(a, b)) {
            assertTrue(
                    e.state() == IkeSaEngine.State.CLOSED
                            || e.state() == IkeSaEngine.State.FAILED
                            || e.state() == IkeSaEngine.State.IDLE,
                    e + " not torn down");
            assertEquals(0, e.childCount(), e + " still has children");
        }
    }
}
