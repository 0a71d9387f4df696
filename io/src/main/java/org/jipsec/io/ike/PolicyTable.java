package org.jipsec.io.ike;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jipsec.core.ike.codec.TrafficSelector;
import org.jipsec.core.ikekernel.SpdAdd;
import org.jipsec.core.ikekernel.TsPolicies;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecLevel;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.pfkey.PolicySelector;

/**
 * The SPD entries iked added (X_SPDADD), by a key of reqid and selectors: trap policies of {@code start_action=trap}
 * children (charon's trap: {@code unique} level with the child's reqid, so the first packet makes the kernel send
 * SADB_ACQUIRE), and the policies of installed CHILD_SAs that no trap covers, counted by the SAs that use them
 * (a rekey installs a second SA with the same selectors). Removed with X_SPDDELETE2 when the last user is gone.
 */
final class PolicyTable {

    private record Entry(List<Integer> ids, boolean trap, int[] users) {}

    private final IkeKernelPort kernel;
    private final IkeLog log;
    private final Map<String, Entry> entries = new HashMap<>();

    PolicyTable(IkeKernelPort kernel, IkeLog log) {
        this.kernel = kernel;
        this.log = log;
    }

    static String key(int reqid, List<TrafficSelector> localTs, List<TrafficSelector> remoteTs) {
        return reqid + " " + localTs + " === " + remoteTs;
    }

    /** Installs trap policies (out and in) for the selectors; true when they are in place. */
    boolean trap(
            int reqid,
            IpsecMode mode,
            List<TrafficSelector> localTs,
            List<TrafficSelector> remoteTs,
            Endpoint local,
            Endpoint remote) {
        String k = key(reqid, localTs, remoteTs);
        Entry e = entries.get(k);
        if (e != null && e.trap()) return true;
        List<Integer> ids = add(reqid, mode, localTs, remoteTs, local, remote);
        if (ids == null) return false;
        int users = e == null ? 0 : e.users()[0];
        if (e != null) removeIds(e.ids());
        entries.put(k, new Entry(ids, true, new int[] {users}));
        return true;
    }

    /** Removes the trap flag; the policies go when no installed SA uses them. */
    void untrap(int reqid, List<TrafficSelector> localTs, List<TrafficSelector> remoteTs) {
        String k = key(reqid, localTs, remoteTs);
        Entry e = entries.get(k);
        if (e == null || !e.trap()) return;
        if (e.users()[0] > 0) {
            entries.put(k, new Entry(e.ids(), false, e.users()));
        } else {
            entries.remove(k);
            removeIds(e.ids());
        }
    }

    /**
     * An installed CHILD_SA uses these selectors: X_SPDADD out and in unless a trap or an earlier SA put them there.
     * Returns the key to release, or null when the policies could not be added.
     */
    String use(
            int reqid,
            IpsecMode mode,
            List<TrafficSelector> localTs,
            List<TrafficSelector> remoteTs,
            Endpoint local,
            Endpoint remote) {
        String k = key(reqid, localTs, remoteTs);
        Entry e = entries.get(k);
        if (e == null) {
            List<Integer> ids = add(reqid, mode, localTs, remoteTs, local, remote);
            if (ids == null) return null;
            e = new Entry(ids, false, new int[] {0});
            entries.put(k, e);
        }
        e.users()[0]++;
        return k;
    }

    /** An SA that used {@code key} is gone. */
    void release(String key) {
        Entry e = entries.get(key);
        if (e == null) return;
        e.users()[0]--;
        if (e.users()[0] <= 0 && !e.trap()) {
            entries.remove(key);
            removeIds(e.ids());
        }
    }

    /** Everything iked added (shutdown). */
    void removeAll() {
        for (Entry e : entries.values()) removeIds(e.ids());
        entries.clear();
    }

    int size() {
        return entries.size();
    }

    private List<Integer> add(
            int reqid,
            IpsecMode mode,
            List<TrafficSelector> localTs,
            List<TrafficSelector> remoteTs,
            Endpoint local,
            Endpoint remote) {
        List<Integer> ids = new ArrayList<>();
        boolean tunnel = mode == IpsecMode.TUNNEL;
        try {
            for (PolicySelector s : TsPolicies.selectors(PolicyDirection.OUTBOUND, localTs, remoteTs)) {
                ids.add(addOrUpdate(new SpdAdd(
                        s,
                        IpsecProtocol.ESP,
                        mode,
                        IpsecLevel.UNIQUE,
                        reqid,
                        tunnel ? Optional.of(local) : Optional.empty(),
                        tunnel ? Optional.of(remote) : Optional.empty(),
                        false)));
            }
            for (PolicySelector s : TsPolicies.selectors(PolicyDirection.INBOUND, remoteTs, localTs)) {
                ids.add(addOrUpdate(new SpdAdd(
                        s,
                        IpsecProtocol.ESP,
                        mode,
                        IpsecLevel.UNIQUE,
                        reqid,
                        tunnel ? Optional.of(remote) : Optional.empty(),
                        tunnel ? Optional.of(local) : Optional.empty(),
                        false)));
            }
            if (!TsPolicies.exact(localTs) || !TsPolicies.exact(remoteTs)) {
                log.line("policies for " + localTs + " === " + remoteTs + ": a port range is not a PF_KEY selector,"
                        + " the policy covers all ports");
            }
            return ids;
        } catch (IOException e) {
            log.line("cannot add policy for " + localTs + " === " + remoteTs + ": " + e.getMessage());
            removeIds(ids);
            return null;
        }
    }

    /**
     * X_SPDADD; when a policy with this selector is already there (EEXIST: left by an iked that was killed, or
     * added by hand) X_SPDUPDATE takes it over, as charon does ({@code kernel_pfkey_ipsec.c} add_policy_internal).
     */
    private int addOrUpdate(SpdAdd p) throws IOException {
        try {
            return kernel.spdAdd(p);
        } catch (KernelException e) {
            if (e.errno() != org.jipsec.core.pfkey.Errno.EEXIST.number()) throw e;
            log.line("policy " + p.selector() + " exists already; taking it over with X_SPDUPDATE");
            return kernel.spdAdd(new SpdAdd(
                    p.selector(),
                    p.protocol(),
                    p.mode(),
                    p.level(),
                    p.reqid(),
                    p.tunnelSource(),
                    p.tunnelDestination(),
                    true));
        }
    }

    private void removeIds(List<Integer> ids) {
        for (int id : ids) {
            try {
                kernel.spdDelete(id);
            } catch (IOException e) {
                log.line("cannot delete policy " + id + ": " + e.getMessage());
            }
        }
    }
}
