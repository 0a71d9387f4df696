package org.jipsec.io.ike;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.config.RekeyTimes;
import org.jipsec.core.ike.engine.IkeAction;
import org.jipsec.core.ikekernel.ChildSaInstall;
import org.jipsec.core.ikekernel.DeleteSa;
import org.jipsec.core.ikekernel.GetSpi;
import org.jipsec.core.ikekernel.Lifetimes;
import org.jipsec.core.ikekernel.NatT;
import org.jipsec.core.ikekernel.SaId;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;

/**
 * A CHILD_SA into and out of the kernel, in racoon's order (ikev2-notes §4): SADB_GETSPI for the inbound SA while
 * the exchange runs ({@link #allocate}), then on {@link IkeAction.InstallChild} SADB_UPDATE of that larval SA
 * (falling back to DELETE of the larval SA and SADB_ADD if the kernel refuses the UPDATE, strongSwan's path) and
 * SADB_ADD of the outbound SA, then the policies ({@link PolicyTable}); on {@link IkeAction.RemoveChild} SADB_DELETE
 * of both and the policies it added. NAT-T extensions with the IKE SA's floated ports when the engine said
 * {@code udpEncapsulation} (NAT detected, or {@code encap=yes}; RFC 7296 §2.23, RFC 3948). Keys are
 * wiped after the messages were sent.
 */
final class ChildInstaller {

    /** strongSwan's default {@code replay_window} (swanctl.conf(5)): 32 packets. */
    static final int REPLAY_WINDOW = 32;

    private final IkeKernelPort kernel;
    private final PolicyTable policies;
    private final IkeLog log;
    private final SecureRandom random;
    private final int ikePort;
    private final int natTPort;

    ChildInstaller(
            IkeKernelPort kernel, PolicyTable policies, IkeLog log, SecureRandom random, int ikePort, int natTPort) {
        this.kernel = kernel;
        this.policies = policies;
        this.log = log;
        this.random = random;
        this.ikePort = ikePort;
        this.natTPort = natTPort;
    }

    static IpsecMode mode(IkeConfig.Child c) {
        return c.mode() == IkeConfig.Mode.TRANSPORT ? IpsecMode.TRANSPORT : IpsecMode.TUNNEL;
    }

    /**
     * The peer's UDP port for ESP-in-UDP: the port of its IKE endpoint once the engine floated it (RFC 7296 §2.23;
     * a NAT's mapped port), the NAT-T port while it is still the IKE port (GETSPI during IKE_AUTH).
     */
    int natPeerPort(IkeSaSlot s) {
        return s.remote.port() == ikePort ? natTPort : s.remote.port();
    }

    /** Our UDP port for ESP-in-UDP: our floated IKE port, else the NAT-T port. */
    int natLocalPort(IkeSaSlot s) {
        return s.local.port() == ikePort ? natTPort : s.local.port();
    }

    /** SADB_GETSPI (src = peer, dst = us); a random SPI installed with ADD if the kernel refuses. */
    int allocate(IkeSaSlot s, int reqid, boolean udpEncap) {
        Optional<NatT> nat = udpEncap ? Optional.of(NatT.espInUdp(natPeerPort(s), natLocalPort(s))) : Optional.empty();
        GetSpi req = GetSpi.of(
                SaType.ESP,
                new Endpoint(s.remote.address()),
                new Endpoint(s.local.address()),
                mode(s.child),
                reqid,
                nat);
        try {
            PfkeyKernel.Allocated a = kernel.getSpi(req, s.acquireSeq);
            s.acquireSeq = 0;
            s.larval.put(a.spi(), a);
            return a.spi();
        } catch (IOException e) {
            int spi;
            do {
                spi = random.nextInt();
            } while (Integer.compareUnsigned(spi, 256) < 0);
            log.line(s.name() + ": " + e.getMessage() + "; inbound SPI " + Integer.toHexString(spi)
                    + " will be added without GETSPI");
            return spi;
        }
    }

    /** Installs both SAs and the policies; the record, or null when the kernel refused (logged). */
    IkeSaSlot.Installed install(
            IkeSaSlot s, IkeAction.InstallChild c, int reqid, long uniqueId, long now, long rekeyAt) {
        IkeConfig.Child child = s.child(c.child());
        IpsecMode mode = mode(child);
        boolean encap = s.nat();
        int peerPort = natPeerPort(s);
        int localPort = natLocalPort(s);
        Endpoint local = new Endpoint(s.local.address());
        Endpoint remote = new Endpoint(s.remote.address());
        Duration rekey = child.rekeyTime();
        Lifetimes life = new Lifetimes(0, 0, 0, RekeyTimes.lifeSeconds(rekey));
        ChildSaInstall in = null;
        ChildSaInstall out = null;
        try {
            in = ChildSaInstall.esp(
                    remote,
                    local,
                    c.spiIn(),
                    mode,
                    reqid,
                    c.esp(),
                    c.encrIn(),
                    orEmpty(c.integIn()),
                    REPLAY_WINDOW,
                    life,
                    encap ? Optional.of(NatT.espInUdp(peerPort, localPort)) : Optional.empty());
            out = ChildSaInstall.esp(
                    local,
                    remote,
                    c.spiOut(),
                    mode,
                    reqid,
                    c.esp(),
                    c.encrOut(),
                    orEmpty(c.integOut()),
                    REPLAY_WINDOW,
                    life,
                    encap ? Optional.of(NatT.espInUdp(localPort, peerPort)) : Optional.empty());
            installInbound(s, in);
            kernel.add(out);
        } catch (IOException | IllegalArgumentException e) {
            log.line(s.name() + ": CHILD_SA " + c.child() + " not installed: " + e.getMessage());
            if (in != null) deleteQuietly(new SaId(SaType.ESP, c.spiIn(), remote, local));
            return null;
        } finally {
            if (in != null) in.wipe();
            if (out != null) out.wipe();
            wipe(c);
        }
        String key = policies.use(reqid, mode, c.localTs(), c.remoteTs(), local, remote);
        return new IkeSaSlot.Installed(
                c.child(),
                uniqueId,
                c.spiIn(),
                c.spiOut(),
                c.esp(),
                encap,
                peerPort,
                c.localTs(),
                c.remoteTs(),
                key,
                now,
                rekeyAt);
    }

    private void installInbound(IkeSaSlot s, ChildSaInstall in) throws IOException {
        PfkeyKernel.Allocated larval = s.larval.remove(in.sa().spi());
        if (larval == null) {
            kernel.add(in);
            return;
        }
        try {
            kernel.update(in, larval);
        } catch (KernelException e) {
            // strongSwan's add_sa: DELETE the larval SA, then ADD (UPDATE cannot change what GETSPI fixed)
            log.line(s.name() + ": " + e.getMessage() + "; deleting the larval SA and adding instead");
            deleteQuietly(in.sa());
            kernel.add(in);
        }
    }

    /** SADB_DELETE of both SAs of a removed CHILD_SA, then its policies. */
    void remove(IkeSaSlot s, IkeSaSlot.Installed c) {
        Endpoint local = new Endpoint(s.local.address());
        Endpoint remote = new Endpoint(s.remote.address());
        deleteQuietly(new SaId(SaType.ESP, c.spiIn(), remote, local));
        deleteQuietly(new SaId(SaType.ESP, c.spiOut(), local, remote));
        if (c.policyKey() != null) policies.release(c.policyKey());
    }

    /** Deletes the larval SAs GETSPI made for an exchange that did not install them. */
    void releaseLarval(IkeSaSlot s) {
        for (int spi : s.larval.keySet()) {
            deleteQuietly(new SaId(SaType.ESP, spi, new Endpoint(s.remote.address()), new Endpoint(s.local.address())));
        }
        s.larval.clear();
    }

    private void deleteQuietly(SaId sa) {
        try {
            kernel.delete(new DeleteSa(sa));
        } catch (IOException e) {
            log.line("SADB_DELETE of " + sa + ": " + e.getMessage());
        }
    }

    private static byte[] orEmpty(byte[] b) {
        return b == null ? new byte[0] : b;
    }

    private static void wipe(IkeAction.InstallChild c) {
        for (byte[] b : new byte[][] {c.encrIn(), c.integIn(), c.encrOut(), c.integOut()}) {
            if (b != null) Arrays.fill(b, (byte) 0);
        }
    }
}
