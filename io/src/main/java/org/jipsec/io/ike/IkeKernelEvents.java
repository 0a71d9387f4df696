package org.jipsec.io.ike;

import java.io.IOException;
import java.util.List;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.engine.IkeEvent;
import org.jipsec.core.ikekernel.KernelEvent;

/**
 * What iked does with the kernel's own PF_KEY messages (racoon's {@code pfkey_handler}, ikev2-notes §4): ACQUIRE →
 * X_SPDGET of its policy → the trapped child with that reqid → initiate, or CREATE_CHILD_SA on the connection's
 * IKE SA when one is up (RFC 7296 §1.3.1); soft EXPIRE → rekey the child; hard EXPIRE,
 * or an SA deleted or flushed by another PF_KEY client → delete the child (the peer is told). Runs on the event loop.
 */
final class IkeKernelEvents {

    private final IkeRuntime rt;

    IkeKernelEvents(IkeRuntime rt) {
        this.rt = rt;
    }

    void handle(KernelEvent e, long now) {
        switch (e) {
            case KernelEvent.Acquire a -> acquire(a, now);
            case KernelEvent.Expire x -> {
                Found f = bySaSpi(x.sa().spi());
                if (f == null) return;
                rt.log.line(f.slot.name() + ": " + (x.hard() ? "hard" : "soft") + " SADB_EXPIRE of " + x.sa());
                rt.feed(
                        f.slot,
                        x.hard()
                                ? new IkeEvent.DeleteChild(f.child.spiIn(), now)
                                : new IkeEvent.RekeyChild(f.child.spiIn(), now),
                        now);
            }
            case KernelEvent.SaDeleted d -> {
                Found f = bySaSpi(d.sa().spi());
                if (f == null) return;
                rt.log.line(f.slot.name() + ": " + d.sa() + " was deleted by another PF_KEY client; deleting CHILD_SA");
                rt.feed(f.slot, new IkeEvent.DeleteChild(f.child.spiIn(), now), now);
            }
            case KernelEvent.Flushed fl -> {
                rt.log.line("SADB_FLUSH by another PF_KEY client (satype " + fl.saType() + "); deleting the CHILD_SAs");
                if (fl.saType() != 0 && fl.saType() != org.jipsec.core.pfkey.Sadb.SADB_SATYPE_ESP) return;
                for (IkeSaSlot s : List.copyOf(rt.sas.values())) {
                    for (IkeSaSlot.Installed c : List.copyOf(s.children.values())) {
                        if (rt.sas.containsKey(s.uniqueId)) rt.feed(s, new IkeEvent.DeleteChild(c.spiIn(), now), now);
                    }
                }
            }
        }
    }

    private void acquire(KernelEvent.Acquire a, long now) {
        KernelEvent.Acquire r;
        try {
            r = rt.kernel.resolve(a);
        } catch (IOException ex) {
            rt.log.line("ACQUIRE " + a.seq() + ": " + ex.getMessage());
            return;
        }
        for (IkeConfig.Connection c : rt.config.connections()) {
            for (IkeConfig.Child ch : c.children()) {
                if (r.reqid() == 0
                        || rt.reqids.get(c.name() + "/" + ch.name()) == null
                        || rt.reqid(c, ch) != r.reqid()) {
                    continue;
                }
                for (IkeSaSlot s : List.copyOf(rt.sas.values())) {
                    if (!s.connection.name().equals(c.name())) continue;
                    if (s.establishedAt < 0) {
                        // the child comes with CREATE_CHILD_SA once the IKE SA is up (IKE_AUTH carries the first)
                        boolean queued = !s.child.name().equals(ch.name()) && s.childrenToCreate.add(ch.name());
                        rt.log.line("ACQUIRE " + a.seq() + " for " + c.name() + "/" + ch.name() + ": IKE SA " + s.name()
                                + " is being negotiated" + (queued ? "; the CHILD_SA follows on it" : ""));
                        return;
                    }
                    // RFC 7296 §1.3.1: a new CHILD_SA on the IKE SA that is up (strongSwan: CREATE_CHILD_SA on the
                    // connection's IKE SA for a trap of one of its children)
                    rt.log.line("ACQUIRE " + a.seq() + " for " + c.name() + "/" + ch.name()
                            + ": creating a CHILD_SA on " + "IKE SA " + s.name());
                    rt.feed(s, new IkeEvent.CreateChild(ch.name(), now), now);
                    return;
                }
                rt.initiate(c, ch, a.seq(), now);
                return;
            }
        }
        rt.log.line("ACQUIRE " + a.seq() + " for reqid " + r.reqid() + " "
                + r.selector().map(Object::toString).orElse("") + ": no trapped child has this policy");
    }

    record Found(IkeSaSlot slot, IkeSaSlot.Installed child) {}

    Found bySaSpi(int spi) {
        for (IkeSaSlot s : rt.sas.values()) {
            for (IkeSaSlot.Installed c : s.children.values()) {
                if (c.spiIn() == spi || c.spiOut() == spi) return new Found(s, c);
            }
        }
        return null;
    }
}
