package org.jipsec.core.config;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.sad.SecurityAssociation;

/**
 * What the last configuration load installed: its SAs (by identity: PF_KEY UPDATE replaces an SA object, which then
 * no longer counts as the configuration's), each with the SA index its {@code add} asked for, and its policy ids.
 *
 * <p>The requested index is kept because the SA's own may differ: key_api_add files a new SA under the first head
 * that matches its index with CMP_REQID (spec §4.6), so an {@code add … -m any} (reqid 0) next to a
 * {@code -m tunnel -u 9} SA of the same addresses joins that head and reports its mode and reqid.
 */
public record Installed(Map<SecurityAssociation, SaIndex> sas, Set<Integer> policyIds) {

    public static final Installed NONE = new Installed(Map.of(), Set.of());

    public Installed {
        IdentityHashMap<SecurityAssociation, SaIndex> m = new IdentityHashMap<>();
        sas.forEach(m::put); // keyed by identity: equal SAs at different places stay apart
        sas = Collections.unmodifiableMap(m);
        policyIds = Set.copyOf(policyIds);
    }

    /** Whether {@code sa} (this very object) was installed by the configuration. */
    public boolean contains(SecurityAssociation sa) {
        return sas.containsKey(sa);
    }

    /** The index the configuration's {@code add} gave for {@code sa}, or null if the configuration did not add it. */
    public SaIndex requested(SecurityAssociation sa) {
        return sas.get(sa);
    }
}
