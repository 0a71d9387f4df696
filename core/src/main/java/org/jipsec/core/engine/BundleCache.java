package org.jipsec.core.engine;

import java.util.List;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.spd.FlowKey;
import org.jipsec.core.spd.OutboundDecision;
import org.jipsec.core.spd.OutboundRequestResolver;
import org.jipsec.core.spd.SecurityPolicy;
import org.jipsec.core.xform.SaContext;

/**
 * The outbound path's per-flow bundle cache (the idea of NetBSD's per-PCB SP cache, extended to the SA choice): a
 * resolved bundle is valid only for the same SPD entry (the SPD's own cache answers a fresh lookup, so a policy added,
 * updated or flushed gives another entry) and the same SAD generation and {@code prefered_oldsa} (any SA added,
 * replaced, re-stated by a lifetime, deleted or flushed gives another generation). So a hit gives exactly the steps
 * {@link OutboundRequestResolver} would, and a change takes effect on the next packet exactly as without the cache.
 * Direct-mapped, {@value #SLOTS} slots keyed on the flow's hash.
 *
 * <p>Threads: confined to the holder of the engine lock.
 */
final class BundleCache {

    /**
     * One flow's bundle; the contexts (SA and mode) are filled by the first packet that uses it, and the bundle is
     * stored once every context is known.
     */
    record Bundle(
            FlowKey key,
            SecurityPolicy entry,
            long sadGeneration,
            boolean preferOld,
            List<OutboundDecision.Step<SecurityAssociation>> steps,
            SaContext[] contexts) {}

    static final int SLOTS = 256;

    private final KeyEngine keys;
    private final Bundle[] slots = new Bundle[SLOTS];

    BundleCache(KeyEngine keys) {
        this.keys = keys;
    }

    private static int slot(FlowKey key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }

    private boolean preferOld() {
        return keys.settings().preferedOldsa != 0;
    }

    /** The flow's bundle while {@code entry}, the SAD generation and {@code prefered_oldsa} are unchanged, or null. */
    Bundle get(FlowKey key, SecurityPolicy entry) {
        Bundle b = slots[slot(key)];
        if (b == null
                || b.entry() != entry
                || b.sadGeneration() != keys.sad().generation()
                || b.preferOld() != preferOld()
                || !b.key().equals(key)) return null;
        return b;
    }

    /** A bundle to fill for {@code key} as of now (stored by {@link #remember} once its contexts are known). */
    Bundle fresh(FlowKey key, SecurityPolicy entry, List<OutboundDecision.Step<SecurityAssociation>> steps) {
        return new Bundle(key, entry, keys.sad().generation(), preferOld(), steps, new SaContext[steps.size()]);
    }

    /** Stores a bundle whose every context is known (first packet of a flow, or after any SPD/SAD change). */
    void remember(Bundle b) {
        for (SaContext c : b.contexts()) if (c == null) return;
        slots[slot(b.key())] = b;
    }
}
