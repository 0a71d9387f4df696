package org.jipsec.core.ipsec;

import java.util.List;
import java.util.Objects;

/**
 * The KAME {@code sadb_x_policy} value (PF_KEY extension 18; spec §1.3, §1.12, §3.1): policy type, direction,
 * id, flags and — for type IPSEC — the ordered request chain (first request = innermost header, spec §4.4).
 * This is what ipsec_set_policy(3) produces and what the PF_KEY codec reads and writes.
 *
 * @param flags {@code sadb_x_policy_flags}; 0x80 = {@link #FLAG_ORIGIN_KERNEL}
 */
public record XPolicy(PolicyType type, PolicyDirection direction, int id, int flags, List<IpsecRequest> requests) {

    /** {@code IPSEC_POLICY_FLAG_ORIGIN_KERNEL}. */
    public static final int FLAG_ORIGIN_KERNEL = 0x80;

    public XPolicy {
        Objects.requireNonNull(type);
        Objects.requireNonNull(direction);
        requests = List.copyOf(requests);
        if (flags < 0 || flags > 0xff) throw new IllegalArgumentException("flags out of range");
    }

    public XPolicy withId(int newId) {
        return new XPolicy(type, direction, newId, flags, requests);
    }
}
