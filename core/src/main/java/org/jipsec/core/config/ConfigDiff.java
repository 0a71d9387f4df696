package org.jipsec.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.pfkey.Delivery;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.Outcome;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.pfkey.StoredPolicy;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.sad.SecurityAssociationDatabase.Match;

/**
 * The change from the key engine's databases to a {@link ConfigPlan}: which SAs and policies stay untouched, which
 * go, which come. Computed by {@link #compute} (reads the engine, changes nothing) and carried out by {@link #apply};
 * both under the engine's lock, one after the other, so that nothing changes in between.
 *
 * <p>What goes: an SA or policy the previous load installed, or one of a type the file flushes, that no planned entry
 * keeps; and a user policy an {@code spdupdate} of the file replaces. What stays: every other entry, and any entry
 * whose configuration equals a planned one ({@link SameConfiguration}) — the very object, so the transforms' state
 * attached to an SA (sequence counter, replay window) and the lifetimes and counters continue (RFC 4303 §3.3.3:
 * the sender's counter never cycles under one SA; RFC 4106 §8.1: a nonce is never reused under one key). Such an
 * entry, if added over PF_KEY, becomes the configuration's.
 *
 * <p>What would be refused is refused here, before anything changes: a planned SA with the SPI of an SA that stays
 * (key_api_add's EEXIST check, CMP_REQID), a planned {@code spdadd} whose selector a staying policy holds, or an
 * {@code spdupdate} of a kernel-origin policy.
 *
 * @param keptAs the planned entry each kept SA stands for (same order as {@code keptSas})
 */
public record ConfigDiff(
        List<SecurityAssociation> keptSas,
        List<PlannedSa> keptAs,
        List<StoredPolicy> keptPolicies,
        List<SecurityAssociation> removedSas,
        List<StoredPolicy> removedPolicies,
        List<PlannedSa> addedSas,
        List<PlannedPolicy> addedPolicies) {

    public ConfigDiff {
        keptSas = List.copyOf(keptSas);
        keptAs = List.copyOf(keptAs);
        keptPolicies = List.copyOf(keptPolicies);
        removedSas = List.copyOf(removedSas);
        removedPolicies = List.copyOf(removedPolicies);
        addedSas = List.copyOf(addedSas);
        addedPolicies = List.copyOf(addedPolicies);
    }

    /** What {@link #apply} did: what the configuration now owns, and the lines the engine refused (normally none). */
    public record Applied(Installed installed, List<Integer> failedLines) {}

    public static ConfigDiff compute(ConfigPlan plan, Installed previous, KeyEngine engine) throws ConfigException {
        // ---- SAs
        List<SecurityAssociation> live = new ArrayList<>();
        for (SaType t : SaType.values())
            if (t != SaType.UNSPEC) live.addAll(engine.sad().snapshot(t));
        live.removeIf(sa -> !sa.state().alive());
        Set<SecurityAssociation> removable = identitySet();
        for (SecurityAssociation sa : live) if (previous.contains(sa) || plan.flushes(sa.saType())) removable.add(sa);
        Set<SecurityAssociation> kept = identitySet();
        List<SecurityAssociation> keptSas = new ArrayList<>();
        List<PlannedSa> keptAs = new ArrayList<>();
        List<PlannedSa> addedSas = new ArrayList<>();
        for (PlannedSa p : plan.sas()) {
            SecurityAssociation same = find(removable, previous, kept, p);
            if (same == null) same = find(live, previous, kept, p); // equal to one added over PF_KEY: adopted
            if (same != null) {
                kept.add(same);
                keptSas.add(same);
                keptAs.add(p);
            } else {
                addedSas.add(p);
            }
        }
        List<SecurityAssociation> removedSas = new ArrayList<>();
        for (SecurityAssociation sa : live) if (removable.contains(sa) && !kept.contains(sa)) removedSas.add(sa);
        Set<SecurityAssociation> gone = identitySet();
        gone.addAll(removedSas);
        for (PlannedSa p : addedSas) {
            for (SecurityAssociation sa : live) {
                if (!gone.contains(sa) && sa.spi() == p.spi() && sa.index().matchesReqid(p.index())) {
                    throw new ConfigException("line " + p.line() + ": SPI 0x" + Integer.toHexString(p.spi())
                            + " is in use by an SA this configuration did not install (" + describe(sa) + ")");
                }
            }
        }
        // ---- policies
        List<StoredPolicy> livePolicies = new ArrayList<>(engine.policies().snapshot());
        livePolicies.removeIf(StoredPolicy::kernelOrigin);
        Set<Integer> removablePolicies = new LinkedHashSet<>();
        for (StoredPolicy sp : livePolicies) {
            if (plan.spdFlush() || previous.policyIds().contains(sp.id())) removablePolicies.add(sp.id());
        }
        Set<Integer> keptIds = new LinkedHashSet<>();
        List<StoredPolicy> keptPolicies = new ArrayList<>();
        List<PlannedPolicy> addedPolicies = new ArrayList<>();
        for (PlannedPolicy p : plan.policies()) {
            StoredPolicy same = null;
            for (int pass = 0; pass < 2 && same == null; pass++) {
                for (StoredPolicy sp : livePolicies) {
                    if ((pass == 1 || removablePolicies.contains(sp.id()))
                            && !keptIds.contains(sp.id())
                            && SameConfiguration.policy(sp, p)) {
                        same = sp;
                        break;
                    }
                }
            }
            if (same != null) {
                keptIds.add(same.id());
                keptPolicies.add(same);
            } else {
                addedPolicies.add(p);
            }
        }
        Set<Integer> removedIds = new LinkedHashSet<>(removablePolicies);
        removedIds.removeAll(keptIds);
        for (PlannedPolicy p : addedPolicies) {
            var holder = engine.policies().findExact(p.selector());
            if (holder.isEmpty() || removedIds.contains(holder.get().id())) continue;
            if (p.update()
                    && !holder.get().kernelOrigin()
                    && !keptIds.contains(holder.get().id())) {
                removedIds.add(holder.get().id()); // replaced, as spdupdate would
            } else {
                throw new ConfigException("line " + p.line() + ": a policy with this selector exists that this "
                        + "configuration did not install (id "
                        + Integer.toUnsignedString(holder.get().id()) + ")");
            }
        }
        List<StoredPolicy> removedPolicies = new ArrayList<>();
        for (StoredPolicy sp : livePolicies) if (removedIds.contains(sp.id())) removedPolicies.add(sp);
        return new ConfigDiff(keptSas, keptAs, keptPolicies, removedSas, removedPolicies, addedSas, addedPolicies);
    }

    /**
     * Carries the change out as PF_KEY requests from a socket of the engine's own — SADB_DELETE {@code <base, SA, SRC,
     * DST>} per removed SA, SADB_X_SPDDELETE2 {@code <base, X_POLICY>} per removed policy, then the file's SADB_ADD
     * and SADB_X_SPDADD/SPDUPDATE — each outcome handed to {@code announce}, so other PF_KEY sockets see what a
     * setkey run would show them (spec §1.10, §1.11). Kept entries see no message.
     */
    public Applied apply(KeyEngine engine, int pid, Consumer<Outcome> announce) {
        long socket = engine.openSocket();
        List<Integer> failed = new ArrayList<>();
        IdentityHashMap<SecurityAssociation, SaIndex> sas = new IdentityHashMap<>();
        for (int i = 0; i < keptSas.size(); i++)
            sas.put(keptSas.get(i), keptAs.get(i).index());
        Set<Integer> ids = new LinkedHashSet<>();
        for (StoredPolicy sp : keptPolicies) ids.add(sp.id());
        try {
            for (SecurityAssociation sa : removedSas) {
                send(
                        engine,
                        socket,
                        announce,
                        PfkeyMessage.of(
                                Sadb.SADB_DELETE,
                                sa.saType().number(),
                                0,
                                pid,
                                List.of(
                                        new Extension.Sa(sa.spi(), 0, 0, 0, 0, 0),
                                        Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, sa.source()),
                                        Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, sa.destination()))));
                if (sa.state().alive()) engine.sad().remove(sa); // another SA answered to the DELETE first
            }
            for (StoredPolicy sp : removedPolicies) {
                send(
                        engine,
                        socket,
                        announce,
                        PfkeyMessage.of(Sadb.SADB_X_SPDDELETE2, 0, 0, pid, List.of(new Extension.Policy(sp.policy()))));
                if (engine.policies().byId(sp.id()).isPresent())
                    engine.policies().remove(sp.id());
            }
            for (PlannedSa p : addedSas) {
                PfkeyMessage reply = send(engine, socket, announce, p.addMessage(pid));
                var sa = engine.sad().findBySpi(p.index(), Match.REQID, p.spi());
                if (reply != null && reply.errno() == 0 && sa.isPresent()) sas.put(sa.get(), p.index());
                else failed.add(p.line());
            }
            for (PlannedPolicy p : addedPolicies) {
                PfkeyMessage reply = send(engine, socket, announce, p.message(pid));
                if (reply != null && reply.errno() == 0 && reply.policy().isPresent())
                    ids.add(reply.policy().get().policy().id());
                else failed.add(p.line());
            }
        } finally {
            engine.closeSocket(socket);
        }
        return new Applied(new Installed(sas, ids), List.copyOf(failed));
    }

    /** One line for the log: counts only. */
    public String summary() {
        return "kept " + keptSas.size() + " SAs and " + keptPolicies.size() + " policies, removed " + removedSas.size()
                + " SAs and " + removedPolicies.size() + " policies, added " + addedSas.size() + " SAs and "
                + addedPolicies.size() + " policies";
    }

    /** Whether the change changes nothing. */
    public boolean empty() {
        return removedSas.isEmpty() && removedPolicies.isEmpty() && addedSas.isEmpty() && addedPolicies.isEmpty();
    }

    private static PfkeyMessage send(KeyEngine engine, long socket, Consumer<Outcome> announce, PfkeyMessage m) {
        Outcome o = engine.handle(socket, m);
        announce.accept(o);
        for (Delivery d : o.deliveries()) if (d.socketId() == socket && !d.promiscCopy()) return d.message();
        return null;
    }

    private static SecurityAssociation find(
            Iterable<SecurityAssociation> candidates, Installed previous, Set<SecurityAssociation> taken, PlannedSa p) {
        for (SecurityAssociation sa : candidates) {
            if (!taken.contains(sa) && SameConfiguration.sa(sa, previous.requested(sa), p)) return sa;
        }
        return null;
    }

    private static String describe(SecurityAssociation sa) {
        return sa.saType().dumpName() + " " + sa.source().address().getHostAddress() + " -> "
                + sa.destination().address().getHostAddress() + " reqid " + sa.reqid();
    }

    private static Set<SecurityAssociation> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }
}
