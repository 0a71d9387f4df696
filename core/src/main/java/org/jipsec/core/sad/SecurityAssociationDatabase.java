package org.jipsec.core.sad;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jipsec.core.ipsec.SaType;

/**
 * The SAD (RFC 4301 §4.4.2; NetBSD key.c's {@code sahtree} and SPI table, spec §4.6–§4.9).
 *
 * <h2>Structures</h2>
 * <ul>
 *   <li>SA heads by exact {@link SaIndex} (insertion-ordered, which is also the dump order), and by
 *       (SA type, source address, destination address) for the CMP_HEAD/CMP_REQID/CMP_MODE_REQID searches;</li>
 *   <li>each head keeps one list per state ordered by creation ({@link SaHead});</li>
 *   <li>an SPI hash: SPI → chain of SAs with that SPI, so the inbound lookup by (dst, proto, SPI) is O(1) however
 *       large the SAD is.</li>
 * </ul>
 * DEAD SAs are removed at once (NetBSD frees them in the same timer pass), and a head with no SA left is dropped.
 * Not thread-safe: the key engine's lock guards it.
 */
public final class SecurityAssociationDatabase {

    /** The {@code key_saidx_match} flavours (spec §4.6). */
    public enum Match {
        HEAD,
        REQID,
        MODE_REQID
    }

    private record AddressKey(SaType saType, InetAddress source, InetAddress destination) {
        static AddressKey of(SaIndex i) {
            return new AddressKey(
                    i.saType(), i.source().address(), i.destination().address());
        }
    }

    private final Map<SaIndex, SaHead> heads = new LinkedHashMap<>();
    private final Map<AddressKey, List<SaHead>> headsByAddress = new HashMap<>();
    private final SpiIndex bySpi = new SpiIndex();
    private SecurityAssociation timedFirst;
    private SecurityAssociation timedLast;
    private int timedCount;
    private int size;
    /** Bumped by every change that can alter an outbound SA choice: an SA added, replaced, removed or re-stated. */
    private volatile long generation = 1;

    private TransformStateFactory transforms = TransformStateFactory.NONE;

    /** Number of SAs (all states). */
    public int size() {
        return size;
    }

    /**
     * Changes with every insert, replace, state change and removal (so with every PF_KEY ADD/UPDATE/DELETE/FLUSH and
     * every lifetime expiry): an outbound SA choice cached under one generation is the choice
     * {@link #lookupOutbound} would make while the generation stays the same.
     */
    public long generation() {
        return generation;
    }

    public int headCount() {
        return heads.size();
    }

    /**
     * Where usable SAs get their {@link TransformState} from now on: every SA that becomes MATURE (insert, replace)
     * gets one at once, and the SAs usable already get theirs now. The state is destroyed when its SA dies.
     */
    public void setTransformFactory(TransformStateFactory factory) {
        this.transforms = java.util.Objects.requireNonNull(factory);
        forEach(SaType.UNSPEC, sa -> sa.attachTransform(factory));
    }

    // ------------------------------------------------------------------------------------------------ lookups

    private List<SaHead> candidates(SaIndex request) {
        return headsByAddress.getOrDefault(AddressKey.of(request), List.of());
    }

    private static boolean matches(SaIndex head, SaIndex request, Match match) {
        return switch (match) {
            case HEAD -> head.matchesHead(request);
            case REQID -> head.matchesReqid(request);
            case MODE_REQID -> head.matchesModeReqid(request);
        };
    }

    /** Whether some head matches {@code request}. */
    public boolean hasHead(SaIndex request, Match match) {
        for (SaHead h : candidates(request)) if (matches(h.index(), request, match)) return true;
        return false;
    }

    /** The SA with {@code spi} in a head matching {@code request}, in one of the alive states. */
    public Optional<SecurityAssociation> findBySpi(SaIndex request, Match match, int spi) {
        for (SecurityAssociation sa = bySpi.get(spi); sa != null; sa = sa.nextSameSpi) {
            if (sa.state.alive() && matches(sa.index(), request, match)) return Optional.of(sa);
        }
        return Optional.empty();
    }

    /** Whether any alive SA uses {@code spi} (GETSPI duplicate check, spec §4.7: jipsec treats all dsts as local). */
    public boolean spiInUse(int spi) {
        for (SecurityAssociation sa = bySpi.get(spi); sa != null; sa = sa.nextSameSpi)
            if (sa.state.alive()) return true;
        return false;
    }

    /**
     * Inbound SA (key.c key_lookup_sa, spec §4.6): by destination address, SA type and SPI, MATURE or DYING only;
     * the source address is not compared; ports are compared only when both are non-zero (NAT-T).
     */
    public Optional<SecurityAssociation> lookupInbound(
            InetAddress destination, int destinationPort, SaType saType, int spi) {
        for (SecurityAssociation sa = bySpi.get(spi); sa != null; sa = sa.nextSameSpi) {
            if (!sa.state.usable() || sa.saTypeNumber != saType.number()) continue;
            if (!sa.destinationAddress.equals(destination)) continue;
            int p = sa.destinationPort;
            if (p != 0 && destinationPort != 0 && p != destinationPort) continue;
            return Optional.of(sa);
        }
        return Optional.empty();
    }

    public Optional<SecurityAssociation> lookupInbound(InetAddress destination, SaType saType, int spi) {
        return lookupInbound(destination, 0, saType, spi);
    }

    /**
     * Outbound SA (key.c key_lookup_sa_bysaidx, spec §4.6): first head matching with CMP_MODE_REQID that has a usable
     * SA; {@code preferOld} false (default {@code net.key.prefered_oldsa} 0) takes the newest MATURE, then the newest
     * DYING; true takes the oldest DYING, then the oldest MATURE.
     */
    public Optional<SecurityAssociation> lookupOutbound(SaIndex request, boolean preferOld) {
        for (SaHead h : candidates(request)) {
            if (!h.index().matchesModeReqid(request)) continue;
            SecurityAssociation sa = preferOld
                    ? firstNonNull(h.first(SaState.DYING), h.first(SaState.MATURE))
                    : firstNonNull(h.last(SaState.MATURE), h.last(SaState.DYING));
            if (sa != null) return Optional.of(sa);
        }
        return Optional.empty();
    }

    private static SecurityAssociation firstNonNull(SecurityAssociation a, SecurityAssociation b) {
        return a != null ? a : b;
    }

    /** Every SA in heads matching {@code request} in the given states, oldest first per state. */
    public List<SecurityAssociation> inHeads(SaIndex request, Match match, SaState... states) {
        List<SecurityAssociation> out = new ArrayList<>();
        for (SaHead h : candidates(request)) {
            if (!matches(h.index(), request, match)) continue;
            for (SaState s : states) for (SecurityAssociation sa = h.first(s); sa != null; sa = sa.next) out.add(sa);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ changes

    /**
     * Adds a new SA to the first head matching {@code request} with {@code headMatch}, or to a new head keyed by
     * {@code request} exactly; the SA joins the tail of its state list.
     */
    public SecurityAssociation insert(SaIndex request, Match headMatch, SaValues p, SaState state, long now) {
        SaHead head = null;
        for (SaHead h : candidates(request)) {
            if (matches(h.index(), request, headMatch)) {
                head = h;
                break;
            }
        }
        if (head == null) head = heads.get(request);
        if (head == null) {
            head = new SaHead(request);
            heads.put(request, head);
            headsByAddress
                    .computeIfAbsent(AddressKey.of(request), k -> new ArrayList<>(1))
                    .add(head);
        }
        return link(head, new SecurityAssociation(head, p, state, now));
    }

    private SecurityAssociation link(SaHead head, SecurityAssociation sa) {
        generation++;
        head.append(sa);
        if (sa.state == SaState.LARVAL || sa.hasLifetimes()) {
            sa.timed = true;
            sa.timedPrev = timedLast;
            if (timedLast == null) timedFirst = sa;
            else timedLast.timedNext = sa;
            timedLast = sa;
            timedCount++;
        }
        SecurityAssociation prevFirst = bySpi.put(sa.spi(), sa);
        sa.nextSameSpi = prevFirst;
        size++;
        sa.attachTransform(transforms); // MATURE: the SA's state exists from now
        return sa;
    }

    /**
     * PF_KEY UPDATE (spec §1.10): a new SA in {@code old}'s head with {@code old}'s creation time, replacing it; the
     * old SA dies (keys zeroed).
     */
    public SecurityAssociation replace(SecurityAssociation old, SaValues p, SaState state) {
        SaHead head = old.head();
        SecurityAssociation fresh = new SecurityAssociation(head, p, state, old.createdSeconds());
        remove(old);
        if (!heads.containsKey(head.index())) {
            heads.put(head.index(), head);
            headsByAddress
                    .computeIfAbsent(AddressKey.of(head.index()), k -> new ArrayList<>(1))
                    .add(head);
        }
        return link(head, fresh);
    }

    /** key_sa_chgstate to a living state. */
    public void changeState(SecurityAssociation sa, SaState to) {
        if (to == SaState.DEAD) {
            remove(sa);
            return;
        }
        if (!sa.state.alive()) throw new IllegalStateException("SA is dead");
        generation++;
        sa.head().changeState(sa, to);
        sa.attachTransform(transforms);
    }

    /** Kills {@code sa}: removed from its head and the SPI index, keys (its transform state's too) zeroed. Idempotent. */
    public void remove(SecurityAssociation sa) {
        if (!sa.state.alive()) return;
        generation++;
        SaHead head = sa.head();
        head.unlink(sa);
        // unchain from the SPI index
        SecurityAssociation first = bySpi.get(sa.spi());
        if (first == sa) {
            if (sa.nextSameSpi == null) bySpi.remove(sa.spi());
            else bySpi.put(sa.spi(), sa.nextSameSpi);
        } else {
            for (SecurityAssociation x = first; x != null; x = x.nextSameSpi) {
                if (x.nextSameSpi == sa) {
                    x.nextSameSpi = sa.nextSameSpi;
                    break;
                }
            }
        }
        sa.nextSameSpi = null;
        if (sa.timed) {
            if (sa.timedPrev == null) timedFirst = sa.timedNext;
            else sa.timedPrev.timedNext = sa.timedNext;
            if (sa.timedNext == null) timedLast = sa.timedPrev;
            else sa.timedNext.timedPrev = sa.timedPrev;
            sa.timedPrev = null;
            sa.timedNext = null;
            sa.timed = false;
            timedCount--;
        }
        sa.kill();
        size--;
        if (head.count() == 0) {
            heads.remove(head.index());
            List<SaHead> l = headsByAddress.get(AddressKey.of(head.index()));
            if (l != null) {
                l.remove(head);
                if (l.isEmpty()) headsByAddress.remove(AddressKey.of(head.index()));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ iteration

    /** Every SA of {@code saType} (UNSPEC = all) in NetBSD's dump order: heads, then MATURE, DYING, LARVAL. */
    public List<SecurityAssociation> snapshot(SaType saType) {
        List<SecurityAssociation> out = new ArrayList<>(saType == SaType.UNSPEC ? size : 16);
        forEach(saType, out::add);
        return out;
    }

    public void forEach(SaType saType, Consumer<SecurityAssociation> action) {
        for (SaHead h : heads.values()) {
            if (saType != SaType.UNSPEC && h.index().saType() != saType) continue;
            for (SaState s : new SaState[] {SaState.MATURE, SaState.DYING, SaState.LARVAL}) {
                for (SecurityAssociation sa = h.first(s); sa != null; ) {
                    SecurityAssociation nxt = sa.next;
                    action.accept(sa);
                    sa = nxt;
                }
            }
        }
    }

    /**
     * The SAs the timer has to look at — LARVAL ones and those with lifetimes — in insertion order, so that
     * key_timehandler's pass costs nothing for the (usually many) SAs without lifetimes. {@code action} may remove
     * or change the state of the SA it is given.
     */
    public void forEachTimed(Consumer<SecurityAssociation> action) {
        for (SecurityAssociation sa = timedFirst; sa != null; ) {
            SecurityAssociation nxt = sa.timedNext;
            action.accept(sa);
            sa = nxt;
        }
    }

    /**
     * Checks the structural invariants (for tests and fuzzing): every listed SA is alive, in the list of its state and
     * its head, and in the SPI index; counts agree; no empty head. Returns the problems found (empty = consistent).
     */
    public List<String> checkInvariants() {
        List<String> problems = new ArrayList<>();
        int counted = 0;
        for (Map.Entry<SaIndex, SaHead> e : heads.entrySet()) {
            SaHead h = e.getValue();
            if (!h.index().equals(e.getKey())) problems.add("head keyed by a different index");
            if (h.count() == 0) problems.add("empty head " + h.index());
            if (!candidates(h.index()).contains(h)) problems.add("head missing from address index");
            int inHead = 0;
            for (SaState s : SaState.values()) {
                SecurityAssociation prev = null;
                for (SecurityAssociation sa = h.first(s); sa != null; sa = sa.next) {
                    inHead++;
                    if (sa.state != s) problems.add(sa + " in the " + s + " list");
                    if (sa.head() != h) problems.add(sa + " in a foreign head");
                    if (sa.prev != prev) problems.add(sa + " bad prev link");
                    if (!indexed(sa)) problems.add(sa + " not in the SPI index");
                    prev = sa;
                }
                if (h.last(s) != prev) problems.add("bad tail of " + s);
            }
            if (inHead != h.count()) problems.add("head count " + h.count() + " != " + inHead);
            counted += inHead;
        }
        if (counted != size) problems.add("size " + size + " != " + counted);
        int[] indexed = {0};
        bySpi.forEachHead(sa -> {
            for (SecurityAssociation x = sa; x != null; x = x.nextSameSpi) {
                indexed[0]++;
                if (!x.state.alive()) problems.add("dead SA in the SPI index");
                if (x.spi() != sa.spi()) problems.add("SA chained under another SPI");
            }
        });
        int[] timed = {0};
        SecurityAssociation prevTimed = null;
        for (SecurityAssociation sa = timedFirst; sa != null; sa = sa.timedNext) {
            timed[0]++;
            if (!sa.timed || !sa.state.alive() || sa.timedPrev != prevTimed) problems.add("timed list broken at " + sa);
            if (sa.state != SaState.LARVAL && !sa.hasLifetimes()) problems.add("untimed SA in the timed list");
            prevTimed = sa;
        }
        if (timedLast != prevTimed || timed[0] != timedCount) problems.add("timed list count/tail");
        forEach(SaType.UNSPEC, sa -> {
            if (sa.state == SaState.LARVAL && !sa.timed) problems.add("larval SA the timer cannot see: " + sa);
            if (sa.hasLifetimes() && !sa.timed) problems.add("SA with lifetimes the timer cannot see: " + sa);
        });
        if (indexed[0] != size) problems.add("SPI index holds " + indexed[0] + " != " + size);
        return problems;
    }

    private boolean indexed(SecurityAssociation sa) {
        for (SecurityAssociation x = bySpi.get(sa.spi()); x != null; x = x.nextSameSpi) if (x == sa) return true;
        return false;
    }
}
