package org.jipsec.io.sockpolicy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import jdk.net.ExtendedSocketOptions;
import org.jipsec.core.engine.IpsecEngine;
import org.jipsec.core.engine.SocketPolicy;
import org.jipsec.core.engine.socket.EchoFlowTable;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.pfkey.PfkeyCodec;
import org.jipsec.core.pfkey.PfkeyException;
import org.jipsec.core.spd.PolicyParseException;
import org.jipsec.core.spd.PolicyParser;
import org.jipsec.core.spd.SocketPolicyResolver;
import org.jipsec.core.spd.SpdException;
import org.jipsec.io.unix.PrivateSocketListener;

/**
 * Serves {@link SocketPolicyProtocol} for a gateway: validates a registration as setsockopt({@code IP_IPSEC_POLICY})
 * does (spec §4.2; {@link SocketPolicyResolver#validateForSocket}: in/out only, no discard/none, bypass only for a
 * privileged socket — here a client whose SO_PEERCRED uid is 0, as NetBSD's kauth check of the socket's creator),
 * stores it in the data plane's {@link EchoFlowTable} and answers whether the engine would give the socket a
 * cleartext echo reply ({@link IpsecEngine#checkSocketInboundClear}). Like NetBSD's {@code key_socksplist_add},
 * a registration puts IPsec in use ({@code net.inet.ipsec.used}). The registration ends when the client's
 * connection closes.
 *
 * <p>Bad input of any kind gets one {@code error} line and a closed connection; a client that sends nothing for
 * {@value #REQUEST_MILLIS} ms is disconnected. Nothing here can stop the gateway.
 */
public final class SocketPolicyServer implements AutoCloseable {

    static final int REQUEST_MILLIS = 5000;

    private final PrivateSocketListener listener;
    private final IpsecEngine engine;
    private final ReentrantLock lock;
    private final EchoFlowTable flows;
    private final String tun;
    private final AtomicLong refused = new AtomicLong();
    private volatile java.util.function.BooleanSupplier guardSync = () -> true;

    private SocketPolicyServer(Path path, IpsecEngine engine, ReentrantLock lock, EchoFlowTable flows, String tun)
            throws IOException {
        this.engine = Objects.requireNonNull(engine);
        this.lock = Objects.requireNonNull(lock);
        this.flows = Objects.requireNonNull(flows);
        this.tun = Objects.requireNonNull(tun);
        this.listener = PrivateSocketListener.open(path, "sockpolicy", this::accepted);
    }

    /** Listens on {@code path}; {@code lock} is the engine lock, {@code tun} the gateway's TUN device. */
    public static SocketPolicyServer start(
            Path path, IpsecEngine engine, ReentrantLock lock, EchoFlowTable flows, String tun) throws IOException {
        return new SocketPolicyServer(path, engine, lock, flows, tun);
    }

    public Path path() {
        return listener.path();
    }

    /**
     * The gateway's policy guard re-render (PolicyGuard.sync): run after a registration with a {@code bypass}
     * policy and before its {@code ok}, so the socket's hole is in the nftables table before its first packet. It
     * returns false when the guard's table could not be applied; the registration then stands (the engine applies
     * it) and the daemon's log says why.
     */
    public void guardSync(java.util.function.BooleanSupplier sync) {
        this.guardSync = Objects.requireNonNull(sync);
    }

    /** Registrations refused (bad request, invalid policy, flow in use). */
    public long refused() {
        return refused.get();
    }

    private void accepted(SocketChannel ch) {
        Thread.ofVirtual().name("sockpolicy-client").start(() -> serve(ch));
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            boolean privileged = isRoot(ch);
            InputStream in = Channels.newInputStream(ch);
            OutputStream out = Channels.newOutputStream(ch);
            Thread watchdog = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(REQUEST_MILLIS);
                    ch.close(); // a silent client: read() fails, the request ends
                } catch (InterruptedException | IOException ignored) {
                    // answered in time
                }
            });
            Registered r;
            try {
                r = register(in, privileged);
            } catch (Refusal e) {
                refused.incrementAndGet();
                watchdog.interrupt();
                reply(out, "error " + e.errno + " " + e.getMessage().replace('\n', ' '));
                return;
            } finally {
                watchdog.interrupt();
            }
            try {
                if (r.bypass) { // the hole first, then the client's first packet
                    var unused = guardSync.getAsBoolean(); // waits; the result only says whether it synced
                }
                java.util.HexFormat hex = java.util.HexFormat.of();
                reply(
                        out,
                        "ok clear=" + (r.clearAccepted ? "accept" : "reject") + " tun=" + tun
                                + " in=" + hex.formatHex(PfkeyCodec.encodePolicyExtension(r.policy.inbound()))
                                + " out=" + hex.formatHex(PfkeyCodec.encodePolicyExtension(r.policy.outbound())));
                while (in.read() >= 0) {} // held until the client closes its socket
            } finally {
                flows.unregister(r.peer, r.id, r.policy);
            }
        } catch (IOException | RuntimeException e) {
            // the client went away (or sent what nothing above expects): its registration, if any, is gone
        }
    }

    private record Registered(InetAddress peer, int id, SocketPolicy policy, boolean clearAccepted, boolean bypass) {}

    private static final class Refusal extends Exception {
        final String errno;

        Refusal(String errno, String message) {
            super(message);
            this.errno = errno;
        }
    }

    private Registered register(InputStream in, boolean privileged) throws Refusal, IOException {
        String first = line(in);
        String[] w = first.split(" ", -1);
        if (w.length != 4 || !w[0].equals("echo")) throw new Refusal("EINVAL", "expected: echo PEER ID LOCAL");
        InetAddress peer = literal(w[1]);
        InetAddress local = literal(w[3]);
        if (peer.getClass() != local.getClass())
            throw new Refusal("EAFNOSUPPORT", "peer and local address families differ");
        int id;
        try {
            id = Integer.parseInt(w[2]);
        } catch (NumberFormatException e) {
            id = -1;
        }
        if (id < 0 || id > 0xffff) throw new Refusal("EINVAL", "ICMP identifier must be 0-65535");
        List<String> policies = new ArrayList<>();
        while (true) {
            String l = line(in);
            if (l.equals("end")) break;
            if (!l.startsWith("policy ") && !l.startsWith("xpolicy ")) {
                throw new Refusal("EINVAL", "expected: policy POLICY, xpolicy HEX or end");
            }
            if (policies.size() == SocketPolicyProtocol.MAX_POLICIES)
                throw new Refusal("EINVAL", "more than two policies");
            policies.add(l);
        }
        List<XPolicy> parsed = new ArrayList<>();
        for (String l : policies) parsed.add(l.startsWith("policy ") ? text(l.substring(7)) : binary(l.substring(8)));
        lock.lock();
        try {
            SocketPolicy sp = SocketPolicy.entrust(privileged);
            for (XPolicy x : parsed) {
                try {
                    sp = sp.with(SocketPolicyResolver.validateForSocket(
                            x, privileged, engine.keyEngine().reqids()::next));
                } catch (SpdException e) {
                    throw new Refusal(e.errno().name(), e.getMessage());
                }
            }
            boolean clear = engine.checkSocketInboundClear(EchoFlowTable.echoReply(peer, local, id), sp)
                    .isEmpty();
            switch (flows.register(peer, id, local, sp)) {
                case IN_USE ->
                    throw new Refusal(
                            "EADDRINUSE",
                            "ICMP identifier " + id + " to " + peer.getHostAddress()
                                    + " is registered by another socket");
                case FULL -> throw new Refusal("ENOBUFS", "too many registered sockets");
                case REGISTERED -> {}
            }
            // ipsec.c ipsec_set_policy → key_socksplist_add → key_update_used: a socket policy puts IPsec in use
            engine.sysctl().updateUsed(true);
            boolean bypass = privileged
                    && (sp.inbound().type() == org.jipsec.core.ipsec.PolicyType.BYPASS
                            || sp.outbound().type() == org.jipsec.core.ipsec.PolicyType.BYPASS);
            return new Registered(peer, id, sp, clear, bypass);
        } finally {
            lock.unlock();
        }
    }

    private static XPolicy text(String p) throws Refusal {
        try {
            return PolicyParser.parse(p);
        } catch (PolicyParseException e) {
            throw new Refusal("EINVAL", e.getMessage() + " at [" + p + "]");
        }
    }

    /**
     * setsockopt(IP_IPSEC_POLICY) with a binary policy: ipsec_set_policy → key_msg2sp (spec §4.2), decoded by the
     * one PF_KEY codec — lengths, request lengths, protocols, modes, levels, endpoint families — with NetBSD's
     * errnos; the socket rules (direction, type, privilege) follow in validateForSocket.
     */
    private static XPolicy binary(String hex) throws Refusal {
        byte[] b;
        try {
            b = java.util.HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new Refusal("EINVAL", "xpolicy: not hex");
        }
        try {
            return PfkeyCodec.decodePolicyExtension(b);
        } catch (PfkeyException e) {
            throw new Refusal(e.errno().name(), "xpolicy: " + e.getMessage());
        }
    }

    private static String line(InputStream in) throws Refusal, IOException {
        String l;
        try {
            l = SocketPolicyProtocol.readLine(in);
        } catch (IOException e) {
            throw new Refusal("EINVAL", e.getMessage());
        }
        if (l == null) throw new IOException("end of request");
        return l;
    }

    private static InetAddress literal(String s) throws Refusal {
        try {
            return InetAddress.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            throw new Refusal("EINVAL", "not a numeric address: " + s);
        }
    }

    private static boolean isRoot(SocketChannel ch) throws IOException {
        UserPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED).user();
        UserPrincipal root = java.nio.file.FileSystems.getDefault()
                .getUserPrincipalLookupService()
                .lookupPrincipalByName("0");
        return peer.equals(root);
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        listener.close();
    }
}
