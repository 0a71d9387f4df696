package org.jipsec.io.ike;

import java.io.IOException;
import java.util.List;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.config.RekeyTimes;
import org.jipsec.core.ike.engine.IkeAction;
import org.jipsec.core.ike.engine.IkeEvent;
import org.jipsec.core.ike.engine.IkeSaEngine;

/**
 * What the daemon does with one IKE SA engine's {@link IkeAction}s: send, arm timers, note endpoints, install and
 * remove CHILD_SAs through PF_KEY ({@link ChildInstaller}), write the key log, log, forget the SA, and retry or
 * restart per swanctl's {@code keyingtries} and {@code dpd_action}. Work that feeds an engine again goes to
 * {@code after}, run once the action list is done. Part of {@link IkeRuntime}, on its one thread.
 */
final class SlotActions {
    private final IkeRuntime rt;

    SlotActions(IkeRuntime rt) {
        this.rt = rt;
    }

    void apply(IkeSaSlot s, IkeAction a, long now, List<Runnable> after) {
        switch (a) {
            case IkeAction.Send m -> {
                try {
                    rt.network.send(m.from(), m.to(), m.bytes());
                    // RFC 3948 §4: a keepalive only when nothing else went to the peer within the interval; an
                    // IKE message on the NAT-T port refreshes the same NAT mapping (strongSwan does the same)
                    if (s.keepaliveAt != Long.MAX_VALUE && m.to().equals(s.remote)) {
                        s.keepaliveAt = now + IkeRuntime.KEEPALIVE_MILLIS;
                    }
                } catch (IOException ex) {
                    rt.log.line(s.name() + ": sending to " + m.to() + " failed: " + ex.getMessage());
                }
            }
            case IkeAction.ArmTimer t -> s.timerAt = t.at();
            case IkeAction.CancelTimer c -> s.timerAt = Long.MAX_VALUE;
            case IkeAction.Endpoints e -> {
                boolean moved = !e.local().equals(s.local) || !e.remote().equals(s.remote);
                s.local = e.local();
                s.remote = e.remote();
                s.udpEncap = e.udpEncapsulation();
                if (!e.keepalives()) s.keepaliveAt = Long.MAX_VALUE;
                else if (s.keepaliveAt == Long.MAX_VALUE) s.keepaliveAt = now + IkeRuntime.KEEPALIVE_MILLIS;
                if (moved) {
                    rt.log.line(s.name() + ": IKE endpoints " + s.local + "..." + s.remote
                            + (s.udpEncap ? ", ESP in UDP" : "") + (e.keepalives() ? ", NAT keepalives" : ""));
                }
            }
            case IkeAction.RedundantSa r -> {
                rt.bySpi.put(r.spiI(), s);
                rt.bySpi.put(r.spiR(), s);
                rt.redundant.put(r.spiI(), new Long[] {r.spiI(), r.spiR()});
                rt.redundant.put(r.spiR(), new Long[] {r.spiI(), r.spiR()});
                rt.log.line(s.name() + ": simultaneous IKE_SA rekey, SPIs " + Long.toHexString(r.spiI()) + "_i "
                        + Long.toHexString(r.spiR()) + "_r are the redundant SA (RFC 7296 §2.8.1), deleted");
            }
            case IkeAction.IkeKeysForLog k -> {
                if (rt.keyLog != null) rt.keyLog.ike(k);
            }
            case IkeAction.Established est -> {
                s.ike = est.ike();
                s.localBehindNat = est.localBehindNat();
                s.remoteBehindNat = est.remoteBehindNat();
                s.establishedAt = now;
                s.halfOpenUntil = Long.MAX_VALUE;
                s.tries = 0;
                long in = RekeyTimes.rekeyIn(s.connection.rekeyTime(), rt.jitter);
                s.rekeyIkeAt = in < 0 ? Long.MAX_VALUE : now + in;
                rt.log.line(s.name() + ": IKE_SA established between " + s.local + "..." + s.remote + " " + est.ike()
                        + (s.localBehindNat || s.remoteBehindNat
                                ? ", NAT detected (" + (est.localBehindNat() ? "local" : "remote") + " behind NAT)"
                                : "")
                        + (s.nat() ? ", UDP-encapsulated CHILD_SAs" : ""));
                for (String name : List.copyOf(s.childrenToCreate)) {
                    after.add(() -> {
                        if (rt.sas.containsKey(s.uniqueId)) rt.feed(s, new IkeEvent.CreateChild(name, now), now);
                    });
                }
                s.childrenToCreate.clear();
            }
            case IkeAction.InstallChild c -> {
                IkeConfig.Child child = s.child(c.child());
                long in = RekeyTimes.rekeyIn(child.rekeyTime(), rt.jitter);
                long id = rt.nextChildId++;
                // the key log before the install, which wipes the keys
                if (rt.keyLog != null) rt.keyLog.child(c, s.local.address(), s.remote.address());
                IkeSaSlot.Installed i = rt.installer.install(
                        s, c, rt.reqid(s.connection, child), id, now, in < 0 ? Long.MAX_VALUE : now + in);
                if (i != null) {
                    s.children.put(c.spiIn(), i);
                    rt.log.line(s.name() + ": CHILD_SA " + c.child() + "{" + id + "} established with SPIs "
                            + Integer.toHexString(c.spiIn()) + "_i " + Integer.toHexString(c.spiOut()) + "_o and TS "
                            + c.localTs() + " === " + c.remoteTs() + " " + c.esp()
                            + (i.udpEncap() ? " (UDP-encapsulated)" : ""));
                } else {
                    // the engine believes it installed: delete it at the peer too (RFC 7296 §1.4.1)
                    after.add(() -> rt.feed(s, new IkeEvent.DeleteChild(c.spiIn(), now), now));
                }
            }
            case IkeAction.ChildFailed f -> {
                rt.log.line(s.name() + ": CHILD_SA " + f.child() + " failed: " + f.reason());
                rt.installer.releaseLarval(s);
            }
            case IkeAction.RemoveChild r -> {
                IkeSaSlot.Installed i = s.children.remove(r.spiIn());
                if (i != null) {
                    rt.installer.remove(s, i);
                    rt.log.line(s.name() + ": CHILD_SA " + i.child() + "{" + i.uniqueId() + "} with SPIs "
                            + Integer.toHexString(r.spiIn()) + "_i " + Integer.toHexString(r.spiOut()) + "_o deleted");
                }
            }
            case IkeAction.IkeRekeyed r -> {
                rt.bySpi.put(r.spiI(), s);
                rt.bySpi.put(r.spiR(), s);
                s.ike = r.ike();
                long in = RekeyTimes.rekeyIn(s.connection.rekeyTime(), rt.jitter);
                s.rekeyIkeAt = in < 0 ? Long.MAX_VALUE : now + in;
                rt.log.line(s.name() + ": IKE_SA rekeyed, SPIs " + Long.toHexString(r.spiI()) + "_i "
                        + Long.toHexString(r.spiR()) + "_r " + r.ike());
            }
            case IkeAction.RekeyFailed f -> {
                s.rekeyIkeAt = now + 30_000;
                rt.log.line(s.name() + ": IKE_SA rekey failed (" + f.reason() + "), retrying in 30 s");
            }
            case IkeAction.Closed c -> {
                rt.log.line(s.name() + ": IKE_SA closed: " + c.reason());
                rt.forget(s);
            }
            case IkeAction.DeadPeer d -> {
                rt.log.line(s.name() + ": peer is dead: " + d.reason() + "; dpd_action=" + d.dpdAction());
                rt.forget(s);
                switch (d.dpdAction()) {
                    case TRAP -> after.add(() -> rt.trap(s.connection, s.child));
                    case RESTART -> after.add(() -> rt.initiate(s.connection, s.child, 0, now));
                    case CLEAR -> {}
                }
            }
            case IkeAction.Warning w -> rt.log.line(s.name() + ": " + w.message());
            case IkeAction.Failed f -> {
                rt.log.line(s.name() + ": IKE_SA failed: " + f.reason());
                rt.forget(s);
                retry(s, f.reason(), now, after);
            }
        }
    }

    /** keyingtries (swanctl.conf(5)): another initial sequence after the peer did not answer (0 = forever). */
    private void retry(IkeSaSlot s, String reason, long now, List<Runnable> after) {
        if (s.engine.role() != IkeSaEngine.Role.INITIATOR || s.establishedAt >= 0 || !reason.startsWith("giving up")) {
            return;
        }
        int tries = s.tries + 1;
        int max = s.connection.keyingtries();
        if (max != 0 && tries >= max) {
            rt.log.line(s.name() + ": giving up after " + tries + " keyingtries");
            return;
        }
        if (rt.config.connections().stream().noneMatch(c -> c.name().equals(s.connection.name()))) return;
        after.add(() -> {
            IkeSaSlot n = rt.initiate(s.connection, s.child, 0, now);
            if (n != null) n.tries = tries;
        });
    }
}
