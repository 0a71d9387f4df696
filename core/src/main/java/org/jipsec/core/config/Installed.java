package org.jipsec.core.config;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.jipsec.core.sad.SecurityAssociation;

/**
 * What the last configuration load installed: its SAs (by identity: PF_KEY UPDATE replaces an SA object, which then
 * no longer counts as the configuration's) and its policy ids.
 */
public record Installed(Set<SecurityAssociation> sas, Set<Integer> policyIds) {

    public static final Installed NONE = new Installed(Set.of(), Set.of());

    public Installed {
        Set<SecurityAssociation> s = Collections.newSetFromMap(new IdentityHashMap<>());
        s.addAll(sas);
        sas = Collections.unmodifiableSet(s);
        policyIds = Set.copyOf(policyIds);
    }

    /** Whether {@code sa} (this very object) was installed by the configuration. */
    public boolean contains(SecurityAssociation sa) {
        return sas.contains(sa);
    }
}
