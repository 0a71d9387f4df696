package org.jipsec.core.spd;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntSupplier;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.spd.SpdException.Errno;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;

/**
 * The security policy database (RFC 4301 §4.4.1) with NetBSD's organisation and ordering (key.c,
 * spec §4.1): one list per direction (inbound, outbound), policies appended at the tail, lookup =
 * first match in list order (through {@link SpdIndex}, one per direction and family, never a scan),
 * SPDUPDATE removes the exact match and appends, SPDADD of an exact duplicate → EEXIST, ids from a
 * global counter ({@code id == ~0 ? 1 : id + 1}, skipping ids in use, at most {@code net.key.spi_try}
 * tries, else ENOBUFS), kernel-origin policies invisible to user delete/flush, lifetimes checked by
 * {@link #expire()}, a generation counter bumped by every mutation (wraps to 1, like
 * {@code ipsec_spdgen}).
 *
 * <p>Locking: one read-write lock; lookups hold the read lock (they only write the volatile
 * {@code lastused}), mutations the write lock. The clock is injected (seconds resolution).
 */
public final class Spd {

    private final InstantSource clock;
    private final IntSupplier spiTry;
    /** Runs after a policy was added, outside the lock (key_update_used). */
    private final Runnable onAdd;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** [direction 0 in / 1 out][family 0 v4 / 1 v6]. */
    private final SpdIndex[][] index = {{new SpdIndex(32), new SpdIndex(128)}, {new SpdIndex(32), new SpdIndex(128)}};
    /** Per direction, rank → policy: the list order. */
    private final List<TreeMap<Long, SecurityPolicy>> lists = List.of(new TreeMap<>(), new TreeMap<>());

    private final Map<Integer, SecurityPolicy> byId = new HashMap<>();
    private long nextRank = 1;
    private int lastId;
    private volatile int generation = 1;
    /**
     * Per-flow lookup cache (the idea of NetBSD's PCB SP cache, ipsec_checkpcbcache): a direct-mapped table of
     * immutable entries, each valid only while {@link #generation} is the one it was filled under, so it gives
     * exactly the decision a fresh lookup would. Read without the lock; filled under the read lock.
     */
    private final CachedLookup[] cache = new CachedLookup[CACHE_SLOTS];

    private static final int CACHE_SLOTS = 512;

    private record CachedLookup(int direction, FlowKey key, int generation, SecurityPolicy policy) {}

    public Spd(InstantSource clock, IntSupplier spiTry) {
        this(clock, spiTry, () -> {});
    }

    private Spd(InstantSource clock, IntSupplier spiTry, Runnable onAdd) {
        this.clock = Objects.requireNonNull(clock);
        this.spiTry = Objects.requireNonNull(spiTry);
        this.onAdd = Objects.requireNonNull(onAdd);
    }

    /**
     * An SPD whose id allocation reads {@code net.key.spi_try} from the tree, and which sets
     * {@code net.inet.ipsec.used} when a policy is added (key.c key_api_spdadd → key_update_used).
     */
    public Spd(InstantSource clock, Sysctl sysctl) {
        this(clock, sysctl.handle(SysctlNames.KEY_SPI_TRY)::get, () -> sysctl.updateUsed(true));
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private static int dirIndex(PolicyDirection d) throws SpdException {
        return switch (d) {
            case INBOUND -> 0;
            case OUTBOUND -> 1;
            case ANY -> throw new SpdException(Errno.EINVAL, "invalid SP direction: any");
        };
    }

    private SpdIndex indexFor(int dir, SelectorSet s) {
        return index[dir][s.isIpv6() ? 1 : 0];
    }

    /** SPDADD: append; an exact duplicate (same direction and selector) → EEXIST. */
    public SecurityPolicy add(SelectorSet selector, XPolicy policy, PolicyOrigin origin, PolicyLifetime lifetime)
            throws SpdException {
        return insert(selector, policy, origin, lifetime, false);
    }

    /** SPDUPDATE: remove the exact match (if any, of the same origin), then append with a new id. */
    public SecurityPolicy update(SelectorSet selector, XPolicy policy, PolicyOrigin origin, PolicyLifetime lifetime)
            throws SpdException {
        return insert(selector, policy, origin, lifetime, true);
    }

    private SecurityPolicy insert(
            SelectorSet selector, XPolicy policy, PolicyOrigin origin, PolicyLifetime lifetime, boolean replace)
            throws SpdException {
        Objects.requireNonNull(selector);
        Objects.requireNonNull(policy);
        Objects.requireNonNull(origin);
        Objects.requireNonNull(lifetime);
        int dir = dirIndex(policy.direction());
        // key_api_spdadd: only discard/none/ipsec in the SPD (entrust/bypass are per-socket only)
        if (policy.type() != PolicyType.DISCARD
                && policy.type() != PolicyType.NONE
                && policy.type() != PolicyType.IPSEC) {
            throw new SpdException(
                    Errno.EINVAL,
                    "invalid policy type for the SPD: " + policy.type().keyword());
        }
        // _key_msg2sp (spec §1.12): requests of a non-ipsec policy are ignored; modes must be transport/tunnel
        List<org.jipsec.core.ipsec.IpsecRequest> requests =
                policy.type() == PolicyType.IPSEC ? policy.requests() : List.of();
        for (org.jipsec.core.ipsec.IpsecRequest r : requests) {
            if (r.mode() != org.jipsec.core.ipsec.IpsecMode.TRANSPORT
                    && r.mode() != org.jipsec.core.ipsec.IpsecMode.TUNNEL) {
                throw new SpdException(
                        Errno.EINVAL, "invalid ipsec mode: " + r.mode().keyword());
            }
        }
        SecurityPolicy added;
        lock.writeLock().lock();
        try {
            SpdIndex idx = indexFor(dir, selector);
            List<SecurityPolicy> existing = idx.exact(selector);
            if (!existing.isEmpty()) {
                if (!replace) throw new SpdException(Errno.EEXIST, "policy already exists");
                for (SecurityPolicy old : existing) {
                    if (old.origin() != origin) throw new SpdException(Errno.EEXIST, "policy owned by the kernel");
                }
                for (SecurityPolicy old : existing) unlink(dir, old);
            }
            int id = newId();
            int flags = origin == PolicyOrigin.KERNEL
                    ? policy.flags() | XPolicy.FLAG_ORIGIN_KERNEL
                    : policy.flags() & ~XPolicy.FLAG_ORIGIN_KERNEL;
            XPolicy stored = new XPolicy(policy.type(), policy.direction(), id, flags, requests);
            SecurityPolicy sp = new SecurityPolicy(id, selector, stored, origin, now(), lifetime, nextRank++);
            idx.add(sp);
            lists.get(dir).put(sp.rank, sp);
            byId.put(id, sp);
            bump();
            added = sp;
        } finally {
            lock.writeLock().unlock();
        }
        onAdd.run();
        return added;
    }

    /** key_getnewspid (spec §4.1). */
    private int newId() throws SpdException {
        int tries = Math.max(1, spiTry.getAsInt());
        for (int i = 0; i < tries; i++) {
            lastId = lastId == -1 ? 1 : lastId + 1;
            if (!byId.containsKey(lastId)) return lastId;
        }
        throw new SpdException(Errno.ENOBUFS, "no free policy id");
    }

    private void unlink(int dir, SecurityPolicy sp) {
        indexFor(dir, sp.selector()).remove(sp);
        lists.get(dir).remove(sp.rank);
        byId.remove(sp.id());
    }

    private void bump() {
        generation = generation == -1 ? 1 : generation + 1;
    }

    /**
     * SPDDELETE: remove the policy of that direction whose selector is exactly {@code selector}; kernel
     * policies are invisible to a USER caller (ENOENT).
     */
    public SecurityPolicy delete(PolicyDirection direction, SelectorSet selector, PolicyOrigin caller)
            throws SpdException {
        int dir = dirIndex(direction);
        lock.writeLock().lock();
        try {
            for (SecurityPolicy sp : indexFor(dir, selector).exact(selector)) {
                if (visibleTo(sp, caller)) {
                    unlink(dir, sp);
                    bump();
                    return sp;
                }
            }
            throw new SpdException(Errno.ENOENT, "no such policy");
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** SPDDELETE2: remove by id (kernel policies invisible to USER callers). */
    public SecurityPolicy deleteById(int id, PolicyOrigin caller) throws SpdException {
        lock.writeLock().lock();
        try {
            SecurityPolicy sp = byId.get(id);
            if (sp == null || !visibleTo(sp, caller)) throw new SpdException(Errno.ENOENT, "no such policy");
            unlink(dirIndex(sp.direction()), sp);
            bump();
            return sp;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static boolean visibleTo(SecurityPolicy sp, PolicyOrigin caller) {
        return caller == PolicyOrigin.KERNEL || sp.origin() == PolicyOrigin.USER;
    }

    /** SPDGET by id. */
    public Optional<SecurityPolicy> get(int id) {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(byId.get(id));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** SPDDUMP order: the inbound list, then the outbound list, each in list order. */
    public List<SecurityPolicy> dump() {
        lock.readLock().lock();
        try {
            List<SecurityPolicy> out = new ArrayList<>(byId.size());
            for (TreeMap<Long, SecurityPolicy> l : lists) out.addAll(l.values());
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** SPDFLUSH: remove every policy the caller may see; returns them in dump order. */
    public List<SecurityPolicy> flush(PolicyOrigin caller) {
        lock.writeLock().lock();
        try {
            List<SecurityPolicy> removed = new ArrayList<>();
            for (int dir = 0; dir < 2; dir++) {
                for (SecurityPolicy sp : new ArrayList<>(lists.get(dir).values())) {
                    if (visibleTo(sp, caller)) {
                        unlink(dir, sp);
                        removed.add(sp);
                    }
                }
            }
            if (!removed.isEmpty()) bump();
            return removed;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * The timer's SP pass (key_timehandler, spec §4.1): removes and returns every policy whose lifetime
     * or validtime is exceeded now; the caller sends SADB_X_SPDEXPIRE for each.
     */
    public List<SecurityPolicy> expire() {
        return expire(clock.instant());
    }

    /** {@link #expire()} at a given time (the key engine's timer tick). */
    public List<SecurityPolicy> expire(java.time.Instant at) {
        long now = at.getEpochSecond();
        lock.writeLock().lock();
        try {
            List<SecurityPolicy> expired = new ArrayList<>();
            for (int dir = 0; dir < 2; dir++) {
                for (SecurityPolicy sp : new ArrayList<>(lists.get(dir).values())) {
                    if (sp.expiredAt(now)) {
                        unlink(dir, sp);
                        expired.add(sp);
                    }
                }
            }
            if (!expired.isEmpty()) bump();
            return expired;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * key_lookup_sp_byspidx: the first policy of that direction's list matching the packet, with its
     * {@code lastused} set to now; empty → the caller applies the system default (spec §4.3).
     */
    public Optional<SecurityPolicy> lookup(PolicyDirection direction, FlowKey key) {
        int dir = direction == PolicyDirection.OUTBOUND ? 1 : direction == PolicyDirection.INBOUND ? 0 : -1;
        if (dir < 0) return Optional.empty();
        int h = key.slotHash();
        int slot = (h ^ (h >>> 16) ^ dir) & (CACHE_SLOTS - 1);
        CachedLookup c = cache[slot];
        if (c != null
                && c.generation() == generation
                && c.direction() == dir
                && c.key().sameFlow(key)) {
            // a mutation racing this read linearises after it: the entry is what the lookup saw under generation
            SecurityPolicy sp = c.policy();
            if (sp == null) return Optional.empty();
            sp.touch(now());
            return Optional.of(sp);
        }
        lock.readLock().lock();
        try {
            SecurityPolicy sp = index[dir][key.isIpv6() ? 1 : 0].lookup(key);
            cache[slot] = new CachedLookup(dir, copyOf(key), generation, sp);
            if (sp == null) return Optional.empty();
            sp.touch(now());
            return Optional.of(sp);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * {@link #lookup} for a caller that remembers the last answer it got for one flow: {@code previous} is what
     * {@code lookup(direction, key)} returned while {@link #generation()} was {@code generation}; when the SPD has not
     * changed since and {@code key} is the same flow as {@code previousKey}, that answer stands (with {@code lastused}
     * set to now, as a lookup does); otherwise a real lookup. Always the answer a fresh lookup would give.
     */
    public Optional<SecurityPolicy> lookupAgain(
            PolicyDirection direction,
            FlowKey key,
            FlowKey previousKey,
            int generation,
            Optional<SecurityPolicy> previous) {
        if (previousKey != null && generation == this.generation && previousKey.sameFlow(key)) {
            previous.ifPresent(sp -> sp.touch(now()));
            return previous;
        }
        return lookup(direction, key);
    }

    /** The cache keeps its own copy of the key's address arrays (a caller may reuse them). */
    private static FlowKey copyOf(FlowKey k) {
        return new FlowKey(
                k.source().clone(),
                k.destination().clone(),
                k.upperProtocol(),
                k.sourcePort(),
                k.destinationPort(),
                k.sourceScopeId(),
                k.destinationScopeId());
    }

    /** {@code ipsec_spdgen}: changes on every mutation (wraps UINT_MAX → 1). */
    public int generation() {
        return generation; // volatile: written under the write lock
    }

    public int size() {
        lock.readLock().lock();
        try {
            return byId.size();
        } finally {
            lock.readLock().unlock();
        }
    }
}
