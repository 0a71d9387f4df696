package org.jipsec.core.pfkey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jipsec.core.ipsec.PolicyDirection;

/**
 * A {@link PolicyStore} kept as NetBSD's per-direction lists (insertion-ordered maps by id) with an exact-selector
 * index. For the key engine's tests and for jipsecd until the real SPD is plugged in.
 */
public final class ListPolicyStore implements PolicyStore {

    private final Map<PolicyDirection, LinkedHashMap<Integer, StoredPolicy>> lists = new LinkedHashMap<>();
    private final Map<PolicySelector, StoredPolicy> bySelector = new HashMap<>();
    private final Map<Integer, StoredPolicy> byId = new HashMap<>();

    public ListPolicyStore() {
        for (PolicyDirection d : PolicyDirection.values()) lists.put(d, new LinkedHashMap<>());
    }

    @Override public Optional<StoredPolicy> findExact(PolicySelector selector) {
        return Optional.ofNullable(bySelector.get(selector));
    }

    @Override public Optional<StoredPolicy> byId(int id) { return Optional.ofNullable(byId.get(id)); }

    @Override public boolean idInUse(int id) { return byId.containsKey(id); }

    @Override public void add(StoredPolicy p) {
        if (byId.containsKey(p.id())) throw new IllegalArgumentException("id in use: " + p.id());
        if (bySelector.containsKey(p.selector())) throw new IllegalArgumentException("selector in use");
        lists.get(p.selector().direction()).put(p.id(), p);
        bySelector.put(p.selector(), p);
        byId.put(p.id(), p);
    }

    @Override public boolean remove(int id) {
        StoredPolicy p = byId.remove(id);
        if (p == null) return false;
        lists.get(p.selector().direction()).remove(id);
        bySelector.remove(p.selector());
        return true;
    }

    @Override public int flushUserPolicies() {
        List<Integer> ids = new ArrayList<>();
        for (StoredPolicy p : byId.values()) if (!p.kernelOrigin()) ids.add(p.id());
        ids.forEach(this::remove);
        return ids.size();
    }

    @Override public List<StoredPolicy> expire(long now) {
        List<StoredPolicy> out = new ArrayList<>();
        for (Map<Integer, StoredPolicy> l : lists.values()) {
            for (Iterator<StoredPolicy> it = l.values().iterator(); it.hasNext(); ) {
                StoredPolicy p = it.next();
                if (p.expiredAt(now)) out.add(p);
            }
        }
        for (StoredPolicy p : out) remove(p.id());
        return out;
    }

    @Override public List<StoredPolicy> snapshot() {
        List<StoredPolicy> out = new ArrayList<>(byId.size());
        for (Map<Integer, StoredPolicy> l : lists.values()) out.addAll(l.values());
        return out;
    }

    @Override public int size() { return byId.size(); }
}
