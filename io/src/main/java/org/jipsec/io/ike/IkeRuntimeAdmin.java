package org.jipsec.io.ike;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.config.IkeConfigDiff;
import org.jipsec.core.ike.control.AdminResult;
import org.jipsec.core.ike.control.IkeStatus;
import org.jipsec.core.ike.engine.IkeEvent;
import org.jipsec.core.ike.engine.IkeSaEngine;
import org.jipsec.core.ikekernel.GetSa;
import org.jipsec.core.ikekernel.SaId;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.SaType;

/**
 * The admin commands (swanctl's --initiate/--terminate/--rekey/--list-sas), SIGHUP reload and shutdown, run on the
 * event loop against an {@link IkeRuntime}. {@code name} is a connection name or, failing that, a child name.
 */
public final class IkeRuntimeAdmin {

    private final IkeRuntime rt;

    public IkeRuntimeAdmin(IkeRuntime rt) {
        this.rt = rt;
    }

    private record Target(IkeConfig.Connection connection, IkeConfig.Child child) {}

    private Optional<Target> resolve(String name) {
        for (IkeConfig.Connection c : rt.config.connections()) {
            if (c.name().equals(name)) return Optional.of(new Target(c, null));
        }
        for (IkeConfig.Connection c : rt.config.connections()) {
            for (IkeConfig.Child ch : c.children()) if (ch.name().equals(name)) return Optional.of(new Target(c, ch));
        }
        return Optional.empty();
    }

    private List<IkeSaSlot> slotsOf(String connection) {
        return rt.sas.values().stream()
                .filter(s -> s.connection.name().equals(connection))
                .toList();
    }

    public AdminResult initiate(String name, long now) {
        Optional<Target> t = resolve(name);
        if (t.isEmpty()) return AdminResult.refused("no connection or child named '" + name + "'");
        IkeConfig.Connection c = t.get().connection();
        IkeConfig.Child ch =
                t.get().child() != null ? t.get().child() : c.children().getFirst();
        for (IkeSaSlot s : slotsOf(c.name())) {
            if (s.children.values().stream().anyMatch(i -> i.child().equals(ch.name()))) {
                return AdminResult.ok("CHILD_SA " + ch.name() + " is already up on IKE SA " + s.name());
            }
            // RFC 7296 §1.3.1: the child with CREATE_CHILD_SA on the connection's IKE SA (once it is up)
            if (s.establishedAt < 0) {
                if (!s.child.name().equals(ch.name())) s.childrenToCreate.add(ch.name());
                return AdminResult.ok(
                        "IKE SA " + s.name() + " is being negotiated; CHILD_SA " + ch.name() + " follows on it");
            }
            rt.feed(s, new IkeEvent.CreateChild(ch.name(), now), now);
            return AdminResult.ok("creating CHILD_SA " + ch.name() + " on IKE SA " + s.name());
        }
        IkeSaSlot s = rt.initiate(c, ch, 0, now);
        return s == null
                ? AdminResult.refused("cannot initiate " + c.name() + " (see the log)")
                : AdminResult.ok("IKE SA " + s.name() + " initiated");
    }

    public AdminResult terminate(String name, long now) {
        Optional<Target> t = resolve(name);
        if (t.isEmpty()) return AdminResult.refused("no connection or child named '" + name + "'");
        int n = 0;
        for (IkeSaSlot s : slotsOf(t.get().connection().name())) {
            if (t.get().child() == null) {
                rt.feed(s, new IkeEvent.DeleteIke(now), now);
                n++;
            } else {
                for (IkeSaSlot.Installed i : List.copyOf(s.children.values())) {
                    if (i.child().equals(t.get().child().name())) {
                        rt.feed(s, new IkeEvent.DeleteChild(i.spiIn(), now), now);
                        n++;
                    }
                }
            }
        }
        return n == 0
                ? AdminResult.refused("nothing to terminate for '" + name + "'")
                : AdminResult.ok("terminating " + n + (t.get().child() == null ? " IKE SA(s)" : " CHILD_SA(s)"));
    }

    public AdminResult rekey(String name, long now) {
        Optional<Target> t = resolve(name);
        if (t.isEmpty()) return AdminResult.refused("no connection or child named '" + name + "'");
        int n = 0;
        for (IkeSaSlot s : slotsOf(t.get().connection().name())) {
            if (s.establishedAt < 0) continue;
            if (t.get().child() == null) {
                rt.feed(s, new IkeEvent.RekeyIke(now), now);
                n++;
            } else {
                for (IkeSaSlot.Installed i : List.copyOf(s.children.values())) {
                    if (i.child().equals(t.get().child().name())) {
                        rt.feed(s, new IkeEvent.RekeyChild(i.spiIn(), now), now);
                        n++;
                    }
                }
            }
        }
        return n == 0
                ? AdminResult.refused("no established SA to rekey for '" + name + "'")
                : AdminResult.ok("rekeying " + n + (t.get().child() == null ? " IKE SA(s)" : " CHILD_SA(s)"));
    }

    public IkeStatus status(long now) {
        List<IkeStatus.IkeSaStatus> out = new ArrayList<>();
        for (IkeSaSlot s : rt.sas.values()) {
            List<IkeStatus.ChildSaStatus> children = new ArrayList<>();
            for (IkeSaSlot.Installed i : s.children.values()) {
                Optional<GetSa.Usage> used = usage(new SaId(
                        SaType.ESP, i.spiIn(), new Endpoint(s.remote.address()), new Endpoint(s.local.address())));
                Optional<GetSa.Usage> sent = usage(new SaId(
                        SaType.ESP, i.spiOut(), new Endpoint(s.local.address()), new Endpoint(s.remote.address())));
                children.add(new IkeStatus.ChildSaStatus(
                        i.child(),
                        i.uniqueId(),
                        "INSTALLED",
                        ChildInstaller.mode(s.child).keyword().toUpperCase(java.util.Locale.ROOT),
                        i.udpEncap(),
                        hex8(i.spiIn()),
                        hex8(i.spiOut()),
                        i.esp().toString(),
                        i.localTs().stream().map(Object::toString).toList(),
                        i.remoteTs().stream().map(Object::toString).toList(),
                        used.map(GetSa.Usage::bytes).orElse(-1L),
                        used.map(GetSa.Usage::packets).orElse(-1L),
                        sent.map(GetSa.Usage::bytes).orElse(-1L),
                        sent.map(GetSa.Usage::packets).orElse(-1L),
                        (now - i.installedAt()) / 1000,
                        seconds(i.rekeyAt(), now)));
            }
            IkeSaEngine e = s.engine;
            out.add(new IkeStatus.IkeSaStatus(
                    s.connection.name(),
                    s.uniqueId,
                    e.state().name(),
                    e.role() == IkeSaEngine.Role.INITIATOR,
                    s.local.toString(),
                    s.remote.toString(),
                    s.connection.local().isEmpty()
                                    || s.connection.local().getFirst().id() == null
                            ? s.local.address().getHostAddress()
                            : s.connection.local().getFirst().id().toString(),
                    s.connection.remote().isEmpty()
                            ? "%any"
                            : s.connection.remote().getFirst().id().toString(),
                    String.format("%016x", e.spiI()),
                    String.format("%016x", e.spiR()),
                    s.ike == null ? "" : s.ike.toString(),
                    s.localBehindNat,
                    s.remoteBehindNat,
                    s.establishedAt < 0 ? -1 : (now - s.establishedAt) / 1000,
                    seconds(s.rekeyIkeAt, now),
                    children));
        }
        var adm = rt.admission();
        List<IkeStatus.Counter> counters = List.of(
                new IkeStatus.Counter("cookies_sent", adm.cookiesSent()),
                new IkeStatus.Counter("invalid_cookies", adm.invalidCookies()),
                new IkeStatus.Counter("blocked_half_open", adm.blocked()),
                new IkeStatus.Counter("over_half_open_limit", adm.overLimit()),
                new IkeStatus.Counter("half_open_dropped", rt.droppedHalfOpen()),
                new IkeStatus.Counter("malformed_init", rt.droppedMalformedInit()),
                new IkeStatus.Counter("no_connection", rt.droppedNoConnection()),
                new IkeStatus.Counter("unknown_spi", rt.droppedUnknownSpi()));
        return new IkeStatus(
                rt.config.connections().stream().map(IkeConfig.Connection::name).toList(), out, counters);
    }

    private Optional<GetSa.Usage> usage(SaId sa) {
        try {
            return rt.kernel.usage(sa);
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    private static String hex8(int v) {
        return String.format("%08x", v);
    }

    private static long seconds(long at, long now) {
        return at == Long.MAX_VALUE ? -1 : Math.max(0, (at - now) / 1000);
    }

    /**
     * SIGHUP with a configuration that parsed and validated: unchanged connections keep their SAs; removed ones are
     * terminated and their traps removed; changed ones are terminated and started again; added ones are started
     * ({@code start_action}). Returns the diff for the log.
     */
    public IkeConfigDiff reload(IkeConfig next, long now) {
        return reload(next, rt.credentials, now);
    }

    /**
     * As {@link #reload(IkeConfig, long)}, with the credentials re-read from the files: a connection whose
     * certificate, key, CAs or CRLs changed counts as changed.
     */
    public IkeConfigDiff reload(IkeConfig next, IkeCredentials credentials, long now) {
        IkeConfig before = rt.config;
        IkeConfigDiff d = IkeConfigDiff.between(before, next)
                .withChanged(credentials.changedSince(
                        rt.credentials, IkeConfigDiff.between(before, next).unchanged()));
        rt.credentials = credentials;
        List<String> gone = new ArrayList<>(d.removed());
        gone.addAll(d.changed());
        List<String> renegotiate = new ArrayList<>();
        for (String name : gone) {
            IkeConfig.Connection old = before.connections().stream()
                    .filter(c -> c.name().equals(name))
                    .findFirst()
                    .orElseThrow();
            for (IkeConfig.Child ch : old.children())
                if (ch.startAction() == IkeConfig.StartAction.TRAP) rt.untrap(old, ch);
            for (IkeSaSlot s : slotsOf(name)) {
                if (d.changed().contains(name) && s.engine.role() == IkeSaEngine.Role.INITIATOR) renegotiate.add(name);
                rt.feed(s, new IkeEvent.DeleteIke(now), now);
            }
        }
        rt.config = next;
        for (IkeConfig.Connection c : next.connections()) {
            if (d.added().contains(c.name()) || d.changed().contains(c.name())) {
                rt.startConnection(c, now);
                boolean started = c.children().stream().anyMatch(ch -> ch.startAction() == IkeConfig.StartAction.START);
                if (renegotiate.contains(c.name()) && !started)
                    rt.initiate(c, c.children().getFirst(), 0, now);
            }
        }
        rt.log.line("reload: " + d);
        return d;
    }

    /** SIGTERM: a Delete for every IKE SA (the peer is told, RFC 7296 §1.4.1); then {@link #forceClose}. */
    public void shutdown(long now) {
        for (IkeSaSlot s : List.copyOf(rt.sas.values())) rt.feed(s, new IkeEvent.DeleteIke(now), now);
    }

    /** Whatever is left after the Deletes had their chance: removed from the kernel, policies included. */
    public void forceClose() {
        for (IkeSaSlot s : List.copyOf(rt.sas.values())) rt.forget(s);
        rt.policies.removeAll();
    }
}
