package org.jipsec.core.engine.socket;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import org.jipsec.core.engine.DropCause;
import org.jipsec.core.engine.Flow;
import org.jipsec.core.engine.InPlaceOutput;
import org.jipsec.core.engine.OutputDecision;
import org.jipsec.core.engine.SocketPolicy;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.spd.PolicyFormatter;
import org.jipsec.core.spd.PolicyParseException;
import org.jipsec.core.spd.PolicyParser;
import org.jipsec.core.spd.SocketPolicyResolver;
import org.jipsec.core.spd.SpdException;
import org.jipsec.core.xform.Xform;

/**
 * A UDP socket of a {@link JipsecHost}, with NetBSD's per-socket IPsec policy
 * ({@code setsockopt(IP_IPSEC_POLICY / IPV6_IPSEC_POLICY)}, spec §4.2, ipsec_set_policy(3) strings).
 *
 * <p>{@link #setPolicy} validates as the kernel does: direction {@code in}/{@code out} only, {@code discard} and
 * {@code none} refused (EINVAL), {@code bypass} only on a privileged socket (EPERM) — privilege is fixed when the
 * socket is created. On output the socket's policy is resolved against the SPD by NetBSD's table
 * ({@link SocketPolicyResolver}); on input the packet the engine delivered is checked again with the socket's
 * inbound policy (needport = 1). Not thread-safe: the host's caller serialises.
 */
public final class JipsecDatagramSocket implements AutoCloseable {

    /** Datagrams kept in the receive queue; more are dropped (as a full socket buffer). */
    public static final int RECEIVE_QUEUE = 256;

    private final JipsecHost host;
    private final boolean privileged;
    private SocketPolicy policy;
    private InetSocketAddress local;
    private final ArrayDeque<Datagram> queue = new ArrayDeque<>();
    private long overflows;
    private boolean closed;

    JipsecDatagramSocket(JipsecHost host, boolean privileged) {
        this.host = host;
        this.privileged = privileged;
        this.policy = SocketPolicy.entrust(privileged);
    }

    public boolean privileged() {
        return privileged;
    }

    /** The bound local address, or null before {@link #bind}. */
    public InetSocketAddress localAddress() {
        return local;
    }

    /** Binds to a local address of the host (or the wildcard) and port (0 = an ephemeral port). */
    public void bind(InetSocketAddress localAddress) throws JipsecSocketException {
        checkOpen();
        if (local != null) throw new JipsecSocketException("EINVAL", "already bound");
        host.bind(this, Objects.requireNonNull(localAddress));
    }

    void bound(InetSocketAddress a) {
        this.local = a;
    }

    /**
     * {@code setsockopt(IP_IPSEC_POLICY)} with an ipsec_set_policy(3) string, e.g.
     * {@code "out ipsec esp/transport//require"}; the direction in the string picks the slot.
     *
     * @throws JipsecSocketException EINVAL (syntax, direction, discard/none, request rules), EPERM (bypass unprivileged)
     */
    public void setPolicy(String policyText) throws JipsecSocketException {
        checkOpen();
        XPolicy parsed;
        try {
            parsed = PolicyParser.parse(Objects.requireNonNull(policyText));
        } catch (PolicyParseException e) {
            throw new JipsecSocketException("EINVAL", e.getMessage(), e);
        }
        try {
            policy = policy.with(SocketPolicyResolver.validateForSocket(parsed, privileged, host::newReqid));
        } catch (SpdException e) {
            throw new JipsecSocketException(e.errno().name(), e.getMessage(), e);
        }
        // ipsec.c ipsec_set_policy → key_socksplist_add → key_update_used: a socket policy puts IPsec in use
        host.engine().sysctl().updateUsed(true);
    }

    /** {@code getsockopt(IP_IPSEC_POLICY)}: the policy of one direction as ipsec_dump_policy(3) prints it. */
    public String getPolicy(PolicyDirection direction) {
        try {
            return PolicyFormatter.dump(policy.policy(direction), " ");
        } catch (PolicyParseException e) {
            throw new IllegalStateException(e); // a validated policy always formats
        }
    }

    /** The socket's policy (both directions and the privilege) as the engine takes it. */
    public SocketPolicy policy() {
        return policy;
    }

    /**
     * Sends a datagram: builds the IP + UDP packet (checksums), runs the engine's output path with this socket's
     * policy and hands the wire packets to the link. Binds to the wildcard and an ephemeral port first if unbound.
     *
     * @return the engine's decision (a drop for a missing SA or a DISCARD policy is not an error, as in NetBSD)
     * @throws JipsecSocketException EINVAL when the socket policy refuses the packet (unprivileged bypass with no SPD
     *                               match), EMSGSIZE for a datagram that does not fit
     */
    public OutputDecision send(byte[] data, InetSocketAddress remote) throws JipsecSocketException {
        checkOpen();
        Objects.requireNonNull(remote);
        boolean v6 = remote.getAddress() instanceof Inet6Address;
        if (data.length > 65535 - 8 - (v6 ? 0 : 20)) throw new JipsecSocketException("EMSGSIZE", "datagram too large");
        if (local == null) {
            bind(new InetSocketAddress(wildcard(v6), 0));
        }
        InetAddress src =
                local.getAddress().isAnyLocalAddress() ? host.sourceFor(remote.getAddress()) : local.getAddress();
        if ((src instanceof Inet6Address) != v6)
            throw new JipsecSocketException("EAFNOSUPPORT", "address family mismatch");
        byte[] pkt = UdpPackets.build(new InetSocketAddress(src, local.getPort()), remote, data, host.nextIpId(), 64);
        PacketBuffer f = PacketBuffer.copyOf(pkt, Xform.HEADROOM, Xform.TAILROOM);
        InPlaceOutput r = new InPlaceOutput();
        host.engine().output(f, Flow.of(policy), r);
        OutputDecision d = r.toDecision(f);
        if (d instanceof OutputDecision.Drop drop && drop.cause() == DropCause.SOCKET_POLICY_REFUSED)
            throw new JipsecSocketException("EINVAL", drop.detail());
        host.transmit(d);
        return d;
    }

    private static InetAddress wildcard(boolean v6) {
        try {
            return InetAddress.getByAddress(new byte[v6 ? 16 : 4]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next received datagram, if any (the core has no threads: nothing blocks). */
    public Optional<Datagram> receive() {
        return Optional.ofNullable(queue.pollFirst());
    }

    /** Datagrams dropped because the receive queue was full. */
    public long receiveOverflows() {
        return overflows;
    }

    void enqueue(Datagram d) {
        if (queue.size() >= RECEIVE_QUEUE) {
            overflows++;
            return;
        }
        queue.addLast(d);
    }

    private void checkOpen() throws JipsecSocketException {
        if (closed) throw new JipsecSocketException("EBADF", "socket closed");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        local = null;
        queue.clear();
        host.closed(this);
    }
}
