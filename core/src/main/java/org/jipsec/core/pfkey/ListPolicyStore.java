package org.jipsec.core.pfkey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.XPolicy;

/**
 * A {@link PolicyStore} kept as NetBSD's per-direction lists (insertion-ordered maps by id) with an exact-selector
 * index. For the key engine's tests; jipsecd uses {@link SpdPolicyStore}.
 */
public final class ListPolicyStore implements PolicyStore {

    private final Map<PolicyDirection, LinkedHashMap<Integer, StoredPolicy>> lists = new LinkedHashMap<>();
    private final Map<PolicySelector, StoredPolicy> bySelector = new HashMap<>();
    private final Map<Integer, StoredPolicy> byId = new HashMap<>();
    private final LongSupplier clockSeconds;
    private final IntSupplier spiTry;
    private int lastId;

    public ListPolicyStore(LongSupplier clockSeconds, IntSupplier spiTry) {
        this.clockSeconds = clockSeconds;
        this.spiTry = spiTry;
        for (PolicyDirection d : PolicyDirection.values()) lists.put(d, new LinkedHashMap<>());
    }

    @Override
    public Optional<StoredPolicy> findExact(PolicySelector selector) {
        return Optional.ofNullable(bySelector.get(selector));
    }

    @Override
    public Optional<StoredPolicy> byId(int id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public StoredPolicy add(PolicySelector selector, XPolicy policy, long lifetime, long validtime, boolean replace)
            throws PfkeyException {
        StoredPolicy existing = bySelector.get(selector);
        if (existing != null && (!replace || existing.kernelOrigin())) {
            throw new PfkeyException(Errno.EEXIST, "policy exists");
        }
        int id = newId();
        if (existing != null) remove(existing.id());
        long now = clockSeconds.getAsLong();
        StoredPolicy p = new StoredPolicy(selector, policy.withId(id), lifetime, validtime, now, now, false);
        insert(p);
        return p;
    }

    /** Adds an entry as given (its id must be free), e.g. a kernel-origin policy. */
    public void insert(StoredPolicy p) {
        if (byId.containsKey(p.id())) throw new IllegalArgumentException("id in use: " + p.id());
        if (bySelector.containsKey(p.selector())) throw new IllegalArgumentException("selector in use");
        lists.get(p.selector().direction()).put(p.id(), p);
        bySelector.put(p.selector(), p);
        byId.put(p.id(), p);
    }

    private int newId() throws PfkeyException {
        for (int i = 0; i < Math.max(1, spiTry.getAsInt()); i++) {
            lastId = lastId == -1 ? 1 : lastId + 1;
            if (!byId.containsKey(lastId)) return lastId;
        }
        throw new PfkeyException(Errno.ENOBUFS, "no free policy id");
    }

    @Override
    public boolean remove(int id) {
        StoredPolicy p = byId.remove(id);
        if (p == null) return false;
        lists.get(p.selector().direction()).remove(id);
        bySelector.remove(p.selector());
        return true;
    }

    @Override
    public int flushUserPolicies() {
        List<Integer> ids = new ArrayList<>();
        for (StoredPolicy p : byId.values()) if (!p.kernelOrigin()) ids.add(p.id());
        ids.forEach(this::remove);
        return ids.size();
    }

    @Override
    public List<StoredPolicy> expire(long now) {
        List<StoredPolicy> out = new ArrayList<>();
        for (Map<Integer, StoredPolicy> l : lists.values()) {
            for (StoredPolicy p : l.values()) if (p.expiredAt(now)) out.add(p);
        }
        for (StoredPolicy p : out) remove(p.id());
        return out;
    }

    @Override
    public List<StoredPolicy> snapshot() {
        List<StoredPolicy> out = new ArrayList<>(byId.size());
        for (Map<Integer, StoredPolicy> l : lists.values()) out.addAll(l.values());
        return out;
    }

    @Override
    public int size() {
        return byId.size();
    }
}
