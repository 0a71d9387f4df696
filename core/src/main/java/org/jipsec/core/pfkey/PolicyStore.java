package org.jipsec.core.pfkey;

import java.util.List;
import java.util.Optional;
import org.jipsec.core.ipsec.XPolicy;

/**
 * What the key engine needs from the SPD to serve X_SPD* messages (spec §1.10, §4.1). {@link SpdPolicyStore} puts
 * jipsec's SPD ({@code org.jipsec.core.spd.Spd}) behind it; {@link ListPolicyStore} is a plain list version for
 * tests. Calls come from the key engine under its lock.
 *
 * <p>Order: one list per direction (INBOUND, then OUTBOUND), entries appended at the tail; {@link #snapshot()} returns
 * that order (X_SPDDUMP's order). The store assigns policy ids (key_getnewspid: a global counter wrapping ~0 → 1,
 * skipping ids in use, at most {@code net.key.spi_try} tries, else ENOBUFS).
 */
public interface PolicyStore {

    /** The entry whose direction and selector equal {@code selector} exactly, kernel-origin entries included. */
    Optional<StoredPolicy> findExact(PolicySelector selector);

    Optional<StoredPolicy> byId(int id);

    /**
     * Appends a user-origin policy with a new id (X_SPDADD/SETIDX); with {@code replace}, first removes the exact
     * user-origin match (X_SPDUPDATE), atomically. The caller has checked the request (spec §1.12).
     *
     * @throws PfkeyException EEXIST (exact match present and not replaceable), ENOBUFS (no free id)
     */
    StoredPolicy add(
            PolicySelector selector, XPolicy policy, long lifetimeSeconds, long validtimeSeconds, boolean replace)
            throws PfkeyException;

    /** Removes the entry with {@code id} (any origin: the engine checks visibility); false if none. */
    boolean remove(int id);

    /** Removes every user-origin entry (X_SPDFLUSH); returns how many. */
    int flushUserPolicies();

    /** Removes and returns the entries whose lifetime/validtime has passed at {@code nowSeconds}. */
    List<StoredPolicy> expire(long nowSeconds);

    /** Every entry in dump order. */
    List<StoredPolicy> snapshot();

    int size();
}
