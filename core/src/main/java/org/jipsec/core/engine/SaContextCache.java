package org.jipsec.core.engine;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.jipsec.core.crypto.InvalidKeyLengthException;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.xform.SaContext;

/**
 * The transforms' per-SA state: one {@link SaContext} per SA (per mode, for SAs of mode "any" used both ways) per
 * engine, created on first use, destroyed — keys zeroed — when the SA leaves the SAD ({@link #sweep}). SAs are
 * compared by identity: PF_KEY UPDATE replaces the SA object, so a replaced SA gets a fresh context.
 */
final class SaContextCache {

    private final RandomGenerator random;
    private final Map<SecurityAssociation, SaContext[]> contexts = new IdentityHashMap<>();

    SaContextCache(RandomGenerator random) {
        this.random = random;
    }

    /** Run on every context when it is made ({@code jipsec pcap --seq/--iv}); none by default. */
    private java.util.function.Consumer<SaContext> onCreate = c -> { };

    void onCreate(java.util.function.Consumer<SaContext> init) {
        onCreate = java.util.Objects.requireNonNull(init);
    }

    /** The context of {@code sa} in {@code mode}, created on first use. */
    SaContext get(SecurityAssociation sa, IpsecMode mode) throws InvalidKeyLengthException {
        SaContext[] byMode = contexts.computeIfAbsent(sa, k -> new SaContext[IpsecMode.values().length]);
        SaContext c = byMode[mode.ordinal()];
        if (c == null) {
            c = new SaContext(SaAdapter.parameters(sa, mode), random);
            onCreate.accept(c);
            byMode[mode.ordinal()] = c;
        }
        return c;
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
