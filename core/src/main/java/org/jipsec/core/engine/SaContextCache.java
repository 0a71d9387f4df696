package org.jipsec.core.engine;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.jipsec.core.crypto.InvalidKeyLengthException;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.xform.SaContext;
import org.jipsec.core.xform.SequenceGuard;

/**
 * The transforms' per-SA state: per SA one {@link org.jipsec.core.xform.SaTransformState} — one sequence counter, one
 * replay window, one set of usage counters — and a {@link SaContext} per mode it runs in (an SA of mode "any" used
 * by a tunnel and a transport policy has two), every one a view on that state: the first context of an SA makes the
 * state, the others are made from it ({@link SaContext#inMode}). Created on first use, destroyed — keys zeroed — when
 * the SA leaves the SAD ({@link #sweep}). SAs are compared by identity: PF_KEY UPDATE replaces the SA object, so a
 * replaced SA gets a fresh state (whose sequence numbers its {@link SequenceGuard} continues, when there is saved
 * state for its keys).
 */
final class SaContextCache {

    private final RandomGenerator random;
    private final Map<SecurityAssociation, SaContext[]> contexts = new IdentityHashMap<>();
    private Function<SecurityAssociation, SequenceGuard> guards = sa -> SequenceGuard.NONE;

    SaContextCache(RandomGenerator random) {
        this.random = random;
    }

    /**
     * Run on an SA's first context, when its state is made ({@code jipsec pcap --seq/--iv}); none by default. Not on
     * the contexts of its other modes: they share that state, and running it again would set the counter back.
     */
    private java.util.function.Consumer<SaContext> onCreate = c -> { };

    void onCreate(java.util.function.Consumer<SaContext> init) {
        onCreate = Objects.requireNonNull(init);
    }

    /** Where SAs made from now on get their saved sequence state. */
    void guards(Function<SecurityAssociation, SequenceGuard> g) {
        this.guards = Objects.requireNonNull(g);
    }

    /** The context of {@code sa} in {@code mode}, created on first use (over the SA's one state). */
    SaContext get(SecurityAssociation sa, IpsecMode mode) throws InvalidKeyLengthException {
        SaContext[] byMode = contexts.get(sa);
        if (byMode != null && byMode[mode.ordinal()] != null) return byMode[mode.ordinal()];
        SaContext c;
        if (byMode == null) {
            c = new SaContext(SaAdapter.parameters(sa, mode), random, guards.apply(sa));
            onCreate.accept(c);
            byMode = new SaContext[IpsecMode.values().length];
            contexts.put(sa, byMode);
        } else {
            c = firstOf(byMode).inMode(SaAdapter.parameters(sa, mode));
        }
        byMode[mode.ordinal()] = c;
        return c;
    }

    private static SaContext firstOf(SaContext[] byMode) {
        for (SaContext c : byMode) if (c != null) return c;
        throw new IllegalStateException("no context");
    }

    /** The contexts that exist for {@code sa} (tests, dumps). */
    List<SaContext> existing(SecurityAssociation sa) {
        SaContext[] byMode = contexts.get(sa);
        List<SaContext> out = new ArrayList<>();
        if (byMode != null) for (SaContext c : byMode) if (c != null) out.add(c);
        return out;
    }

    Optional<SaContext> any(SecurityAssociation sa) {
        List<SaContext> l = existing(sa);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.getFirst());
    }

    int size() { return contexts.size(); }

    /** Destroys (zeroes the keys of) every context whose SA is no longer {@code alive}; returns how many SAs. */
    int sweep(Predicate<SecurityAssociation> alive) {
        int n = 0;
        for (Iterator<Map.Entry<SecurityAssociation, SaContext[]>> it = contexts.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<SecurityAssociation, SaContext[]> e = it.next();
            if (alive.test(e.getKey())) continue;
            for (SaContext c : e.getValue()) {
                if (c == null) continue;
                c.destroy();
                c.parameters().zeroKeys();
            }
            it.remove();
            n++;
        }
        return n;
    }
}
