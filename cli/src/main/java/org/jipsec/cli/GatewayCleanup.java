package org.jipsec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.List;
import org.jipsec.core.guard.NftRuleset;
import org.jipsec.io.gateway.PolicyGuard;
import org.jipsec.io.unix.SocketPaths;

/**
 * {@code jipsec gateway --cleanup}: removes what a stopped gateway leaves behind on purpose or by crashing — the
 * policy guard's nftables table for {@code --tun} (kept while the gateway is stopped, so cleartext the SPD forbids
 * stays dropped: fail closed) and the {@code --pfkey} / sysctl socket files when {@link SocketPaths#removeIfStale}
 * proves them stale (sockets of ours nobody answers on) — then exits. It refuses to touch anything while a gateway still runs: one answering on the PF_KEY socket, or the TUN
 * device present (a gateway's TUN exists only while it runs).
 */
final class GatewayCleanup {

    private GatewayCleanup() {}

    static int run(GatewayCommand c, PrintWriter out, PrintWriter err) {
        try {
            return cleanup(c, out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static int cleanup(GatewayCommand c, PrintWriter out, PrintWriter err) {
        NftRuleset.Config cfg;
        try {
            cfg = new NftRuleset.Config(c.tun, 0);
        } catch (IllegalArgumentException e) {
            err.println("jipsec gateway --cleanup: --tun " + c.tun + ": " + e.getMessage());
            return 2;
        }
        if (found(c.pfkey) == SocketPaths.Existing.LIVE_SOCKET) {
            err.println(
                    "jipsec gateway --cleanup: a gateway answers on " + c.pfkey + "; stop it first (nothing removed)");
            return 1;
        }
        if (interfaceExists(c.tun)) {
            err.println("jipsec gateway --cleanup: interface " + c.tun + " exists: a gateway still runs on it; stop it "
                    + "first (nothing removed)");
            return 1;
        }
        int status = 0;
        try {
            PolicyGuard.Removal r = PolicyGuard.remove(cfg);
            out.println(
                    r == PolicyGuard.Removal.REMOVED
                            ? "jipsec gateway --cleanup: policy guard table " + NftRuleset.table(cfg) + " removed"
                            : "jipsec gateway --cleanup: no policy guard table " + NftRuleset.table(cfg));
        } catch (IOException e) {
            err.println("jipsec gateway --cleanup: table " + NftRuleset.table(cfg) + " not removed: " + e.getMessage());
            status = 1;
        }
        for (Path p : List.of(c.pfkey, sysctlPath(c))) {
            SocketPaths.Existing found;
            try {
                found = SocketPaths.removeIfStale(p); // only a socket of ours nobody answers on
            } catch (IOException e) {
                err.println("jipsec gateway --cleanup: " + p + " not removed: " + e.getMessage());
                status = 1;
                continue;
            }
            switch (found) {
                case ABSENT -> {}
                case STALE_SOCKET -> out.println("jipsec gateway --cleanup: stale socket " + p + " removed");
                case LIVE_SOCKET -> {
                    err.println("jipsec gateway --cleanup: " + p + " is in use by a running server (or not provably "
                            + "stale); left alone");
                    status = 1;
                }
                default -> {
                    err.println("jipsec gateway --cleanup: " + p + " is not a stale socket of ours (" + found
                            + "); left alone");
                    status = 1;
                }
            }
        }
        return status;
    }

    /** The sysctl socket the gateway with these options serves (as {@link GatewayDataPlane} derives it). */
    static Path sysctlPath(GatewayCommand c) {
        return c.sysctlSocket != null ? c.sysctlSocket : org.jipsec.io.sysctl.SysctlProtocol.besidePfkey(c.pfkey);
    }

    private static SocketPaths.Existing found(Path p) {
        try {
            return SocketPaths.staleSocket(p);
        } catch (IOException e) {
            return SocketPaths.Existing.OTHER;
        }
    }

    private static boolean interfaceExists(String name) {
        try {
            return NetworkInterface.getByName(name) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
