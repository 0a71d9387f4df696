package org.jipsec.core.pfkey;

import java.util.List;
import java.util.Optional;

/**
 * What the key engine needs from the SPD to serve X_SPD* messages (spec §1.10, §4.1). The real SPD (selectors,
 * lookup index, per-socket policies) implements it in {@code org.jipsec.core.spd}; {@link ListPolicyStore} is the
 * plain list version. Calls come from the key engine under its lock.
 *
 * <p>Order: one list per direction (INBOUND, then OUTBOUND), entries appended at the tail; {@link #snapshot()} returns
 * that order (X_SPDDUMP's order).
 */
public interface PolicyStore {

    /** The entry whose selector equals {@code selector} exactly, kernel-origin entries included. */
    Optional<StoredPolicy> findExact(PolicySelector selector);

    Optional<StoredPolicy> byId(int id);

    boolean idInUse(int id);

    /** Appends {@code policy} at the tail of its direction's list. The caller has made its id unique. */
    void add(StoredPolicy policy);

    /** Removes the entry with {@code id}; false if none. */
    boolean remove(int id);

    /** Removes every user-origin entry (X_SPDFLUSH); returns how many. */
    int flushUserPolicies();

    /** Removes and returns the entries whose lifetime/validtime has passed at {@code nowSeconds}. */
    List<StoredPolicy> expire(long nowSeconds);

    /** Every entry in dump order. */
    List<StoredPolicy> snapshot();

    int size();
}
