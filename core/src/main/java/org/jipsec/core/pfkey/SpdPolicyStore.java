package org.jipsec.core.pfkey;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.spd.PolicyLifetime;
import org.jipsec.core.spd.PolicyOrigin;
import org.jipsec.core.spd.SecurityPolicy;
import org.jipsec.core.spd.SelectorSet;
import org.jipsec.core.spd.Spd;
import org.jipsec.core.spd.SpdException;

/**
 * jipsec's SPD ({@link Spd}: per-direction lists, lookup index, ids, lifetimes) behind the key engine's
 * {@link PolicyStore}: X_SPD* messages change the same SPD the data path looks policies up in.
 */
public final class SpdPolicyStore implements PolicyStore {

    private final Spd spd;

    public SpdPolicyStore(Spd spd) {
        this.spd = spd;
    }

    public Spd spd() {
        return spd;
    }

    private static SelectorSet selectorSet(PolicySelector s) {
        return new SelectorSet(
                s.source(), s.sourcePrefixBits(), s.destination(), s.destinationPrefixBits(), s.upperProtocol());
    }

    private static StoredPolicy stored(SecurityPolicy sp) {
        SelectorSet s = sp.selector();
        return new StoredPolicy(
                new PolicySelector(
                        sp.direction(),
                        s.source(),
                        s.sourcePrefixLength(),
                        s.destination(),
                        s.destinationPrefixLength(),
                        s.upperProtocol()),
                sp.policy(),
                sp.lifetime().lifetimeSeconds(),
                sp.lifetime().validtimeSeconds(),
                sp.createdSeconds(),
                sp.lastUsedSeconds(),
                sp.origin() == PolicyOrigin.KERNEL);
    }

    private static PfkeyException pfkey(SpdException e) {
        Errno errno = switch (e.errno()) {
            case EPERM -> Errno.EPERM;
            case ENOENT -> Errno.ENOENT;
            case EEXIST -> Errno.EEXIST;
            case ENOBUFS -> Errno.ENOBUFS;
            case EINVAL -> Errno.EINVAL;
        };
        return new PfkeyException(errno, e.getMessage());
    }

    @Override
    public Optional<StoredPolicy> findExact(PolicySelector selector) {
        SelectorSet want = selectorSet(selector);
        for (SecurityPolicy sp : spd.dump()) {
            if (sp.direction() == selector.direction() && sp.selector().sameAs(want)) return Optional.of(stored(sp));
        }
        return Optional.empty();
    }

    @Override
    public Optional<StoredPolicy> byId(int id) {
        return spd.get(id).map(SpdPolicyStore::stored);
    }

    @Override
    public StoredPolicy add(PolicySelector selector, XPolicy policy, long lifetime, long validtime, boolean replace)
            throws PfkeyException {
        try {
            PolicyLifetime l = new PolicyLifetime(lifetime, validtime);
            SecurityPolicy sp = replace
                    ? spd.update(selectorSet(selector), policy, PolicyOrigin.USER, l)
                    : spd.add(selectorSet(selector), policy, PolicyOrigin.USER, l);
            return stored(sp);
        } catch (SpdException e) {
            throw pfkey(e);
        }
    }

    @Override
    public boolean remove(int id) {
        try {
            spd.deleteById(id, PolicyOrigin.KERNEL);
            return true;
        } catch (SpdException e) {
            return false;
        }
    }

    @Override
    public int flushUserPolicies() {
        return spd.flush(PolicyOrigin.USER).size();
    }

    @Override
    public List<StoredPolicy> expire(long nowSeconds) {
        return spd.expire(Instant.ofEpochSecond(nowSeconds)).stream()
                .map(SpdPolicyStore::stored)
                .toList();
    }

    @Override
    public List<StoredPolicy> snapshot() {
        return spd.dump().stream().map(SpdPolicyStore::stored).toList();
    }

    @Override
    public int size() {
        return spd.size();
    }
}
