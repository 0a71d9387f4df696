package org.jipsec.core.guard;

import java.util.Objects;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.spd.SelectorSet;

/**
 * One SPD entry as the guard sees it: the policy id, its direction and selector, and what happens to a packet that
 * matches it but did not pass through jipsec ({@code drop}: the policy needs IPsec or discards; {@code accept}: the
 * packet may travel in clear, and — first match wins, as NetBSD's list walk — later policies are not consulted).
 */
public record GuardRule(int policyId, PolicyDirection direction, SelectorSet selector, boolean drop) {

    public GuardRule {
        Objects.requireNonNull(direction);
        Objects.requireNonNull(selector);
        if (direction != PolicyDirection.INBOUND && direction != PolicyDirection.OUTBOUND) {
            throw new IllegalArgumentException("guard rule direction must be in or out: " + direction);
        }
    }
}
