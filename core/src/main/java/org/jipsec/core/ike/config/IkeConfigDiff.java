package org.jipsec.core.ike.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a reload changes (issue #14 item 5, SIGHUP): connections compared by name. A connection is unchanged when
 * its section is equal and the pre-shared key its identities select ({@link PskLookup}) is the same bytes;
 * otherwise it is changed. The daemon keeps the IKE and CHILD SAs of unchanged connections, terminates those of
 * removed ones, renegotiates changed ones and acts on the {@code start_action} of added ones. A pure function.
 */
public record IkeConfigDiff(List<String> unchanged, List<String> removed, List<String> added, List<String> changed) {

    public IkeConfigDiff {
        unchanged = List.copyOf(unchanged);
        removed = List.copyOf(removed);
        added = List.copyOf(added);
        changed = List.copyOf(changed);
    }

    public static IkeConfigDiff between(IkeConfig before, IkeConfig after) {
        Map<String, IkeConfig.Connection> old = byName(before);
        Map<String, IkeConfig.Connection> now = byName(after);
        List<String> unchanged = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (String name : old.keySet()) if (!now.containsKey(name)) removed.add(name);
        for (Map.Entry<String, IkeConfig.Connection> e : now.entrySet()) {
            IkeConfig.Connection was = old.get(e.getKey());
            if (was == null) added.add(e.getKey());
            else if (was.equals(e.getValue()) && Arrays.equals(psk(before, was), psk(after, e.getValue()))) {
                unchanged.add(e.getKey());
            } else {
                changed.add(e.getKey());
            }
        }
        return new IkeConfigDiff(unchanged, removed, added, changed);
    }

    /**
     * This diff with {@code names} moved from unchanged to changed: connections whose credential files changed
     * (certificates, keys, CAs, CRLs: the daemon compares them, this class sees only the configuration).
     */
    public IkeConfigDiff withChanged(java.util.Collection<String> names) {
        List<String> u = new ArrayList<>(unchanged);
        List<String> c = new ArrayList<>(changed);
        for (String n : names) if (u.remove(n)) c.add(n);
        return new IkeConfigDiff(u, removed, added, c);
    }

    /** True when nothing is added, removed or changed. */
    public boolean isEmpty() {
        return removed.isEmpty() && added.isEmpty() && changed.isEmpty();
    }

    private static Map<String, IkeConfig.Connection> byName(IkeConfig c) {
        Map<String, IkeConfig.Connection> m = new LinkedHashMap<>();
        for (IkeConfig.Connection x : c.connections()) m.put(x.name(), x);
        return m;
    }

    private static byte[] psk(IkeConfig config, IkeConfig.Connection c) {
        IkeIdentity local = c.local().isEmpty() ? null : c.local().getFirst().id();
        IkeIdentity remote = c.remote().isEmpty() ? null : c.remote().getFirst().id();
        Optional<IkeConfig.SharedSecret> s = PskLookup.find(config.secrets(), local, remote);
        return s.map(IkeConfig.SharedSecret::secret).orElse(null);
    }

    @Override
    public String toString() {
        return "unchanged " + unchanged + ", removed " + removed + ", added " + added + ", changed " + changed;
    }
}
