package org.jipsec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlException;
import org.jipsec.io.sysctl.SysctlClient;
import org.jipsec.io.sysctl.SysctlProtocol;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jipsec sysctl}: NetBSD sysctl(8) for the IPsec variables ({@code net.inet.ipsec}, {@code net.inet6.ipsec6},
 * {@code net.key}) of the running jipsecd, through its sysctl socket. {@code -a} lists, {@code name} reads
 * ({@code name = value}), {@code -w name=value} writes ({@code name: old -> new}), {@code -n} prints values only,
 * {@code -x} prints structures in hex, {@code -s} prints the statistics structures as netstat does ({@link NetstatLines}).
 * With {@code --embedded}: a fresh tree with NetBSD's defaults in this process (reads and checks; nothing persists).
 */
@Command(
        footerHeading = "%nExample:%n",
        footer = {"  jipsec sysctl -a                          # every variable",
            "  jipsec sysctl net.inet.ipsec.def_policy",
            "  jipsec sysctl -w net.inet.ipsec.esp_trans_deflev=2"},
        name = "sysctl", description = "NetBSD sysctl(8) for jipsecd's IPsec variables (net.inet.ipsec, net.inet6.ipsec6, net.key).")
public final class SysctlCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "sysctl socket of jipsecd (default: the one beside --pfkey, else /run/jipsec/sysctl)")
    Path socket;

    @Option(names = "--pfkey", paramLabel = "PATH",
            description = "PF_KEY socket of jipsecd: its sysctl socket is the one the gateway derives from it "
                    + "(pfkey -> sysctl, gw1.pfkey -> gw1.sysctl, gw1 -> gw1.sysctl)")
    Path pfkey;

    @Option(names = "--embedded", description = "Use an in-process tree with NetBSD's defaults instead of jipsecd")
    boolean embedded;

    @Option(names = "-a", description = "List every variable")
    boolean all;

    @Option(names = "-n", description = "Print values only")
    boolean valuesOnly;

    @Option(names = "-w", description = "Write: arguments are name=value")
    boolean write;

    @Option(names = "-x", description = "Print structures (statistics, net.key.dumpsa.N, net.key.dumpsp) in hex")
    boolean hex;

    @Option(names = "-s", description = "Print the statistics structures as NetBSD's netstat -s -s does (ipsec: "
            + "ipsecstats, ah/esp/ipip/ipcomp_stats; pfkey: net.key.stats), non-zero counters only")
    boolean netstat;

    @Option(names = "--help", usageHelp = true, description = "Show this help")
    boolean help;

    @Parameters(arity = "0..*", paramLabel = "NAME[=VALUE]")
    List<String> names = new ArrayList<>();

    /** The operations, over the daemon's socket or an embedded tree. */
    private interface Tree {
        List<String> list() throws IOException, SysctlException;
        int get(String name) throws IOException, SysctlException;
        int[] set(String name, int value) throws IOException, SysctlException;
        byte[] struct(String name) throws IOException, SysctlException;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (!all && names.isEmpty() && !netstat) {
                err.println("usage: jipsec sysctl [-n] name ... | -w [-n] name=value ... | -a [-n] | -s");
                return 1;
            }
            if (embedded) return run(embeddedTree(Sysctl.withNetbsdDefaults()), out, err);
            Path socket = this.socket != null ? this.socket
                    : pfkey != null ? SysctlProtocol.besidePfkey(pfkey) : SysctlProtocol.DEFAULT_PATH;
            SysctlClient c;
            try {
                c = SysctlClient.connect(socket);
            } catch (org.jipsec.io.unix.PeerCredentials.UntrustedServerException e) {
                err.println("sysctl: " + e.getMessage());
                return 1;
            } catch (IOException e) {
                err.println("sysctl: cannot reach jipsecd on " + socket + " (" + e.getMessage()
                        + "); start it with 'jipsec gateway --no-tun', or use --embedded");
                return 1;
            }
            try (c) {
                return run(socketTree(c), out, err);
            }
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int run(Tree t, PrintWriter out, PrintWriter err) throws IOException {
        int status = 0;
        if (netstat) {
            try {
                for (String l : NetstatLines.of(t::struct)) out.println(l);
            } catch (SysctlException e) {
                err.println("sysctl: " + e.getMessage());
                return 1;
            }
        }
        if (all) {
            try {
                for (String l : t.list()) out.println(valuesOnly ? l.substring(l.indexOf(" = ") + 3) : l);
            } catch (SysctlException e) {
                err.println("sysctl: " + e.getMessage());
                return 1;
            }
        }
        for (String arg : names) {
            try {
                int eq = arg.indexOf('=');
                if (write || eq >= 0) {
                    if (eq < 0) throw new SysctlException(SysctlException.Errno.EINVAL, arg, "-w needs name=value");
                    String name = arg.substring(0, eq).strip();
                    String v = arg.substring(eq + 1).strip();
                    int value;
                    try {
                        value = Integer.decode(v);
                    } catch (NumberFormatException e) {
                        throw new SysctlException(SysctlException.Errno.EINVAL, name, "not an integer: " + v);
                    }
                    int[] change = t.set(name, value);
                    out.println(valuesOnly ? Integer.toString(change[1]) : name + ": " + change[0] + " -> " + change[1]);
                } else if (hex) {
                    String h = java.util.HexFormat.of().formatHex(t.struct(arg));
                    out.println(valuesOnly ? h : arg + " = " + h);
                } else {
                    int v = t.get(arg);
                    out.println(valuesOnly ? Integer.toString(v) : arg + " = " + v);
                }
            } catch (SysctlException e) {
                err.println("sysctl: " + e.getMessage());
                status = 1;
            }
        }
        return status;
    }

    private static Tree embeddedTree(Sysctl s) {
        return new Tree() {
            @Override public List<String> list() { return s.listing(); }
            @Override public int get(String name) throws SysctlException { return s.read(name); }
            @Override public byte[] struct(String name) throws SysctlException { return s.readStruct(name); }
            @Override public int[] set(String name, int value) throws SysctlException {
                int old = s.read(name);
                s.write(name, value);
                return new int[] {old, s.read(name)};
            }
        };
    }

    private static Tree socketTree(SysctlClient c) {
        return new Tree() {
            @Override public List<String> list() throws IOException, SysctlException {
                try {
                    return c.list();
                } catch (SysctlClient.RefusedException e) {
                    throw refused(e, "");
                }
            }
            @Override public int get(String name) throws IOException, SysctlException {
                try {
                    return c.get(name);
                } catch (SysctlClient.RefusedException e) {
                    throw refused(e, name);
                }
            }
            @Override public byte[] struct(String name) throws IOException, SysctlException {
                try {
                    return c.struct(name);
                } catch (SysctlClient.RefusedException e) {
                    throw refused(e, name);
                }
            }
            @Override public int[] set(String name, int value) throws IOException, SysctlException {
                try {
                    SysctlClient.Change ch = c.set(name, value);
                    return new int[] {ch.oldValue(), ch.newValue()};
                } catch (SysctlClient.RefusedException e) {
                    throw refused(e, name);
                }
            }
        };
    }

    /** The daemon's refusal as the same exception the embedded tree throws (its message already names the variable). */
    private static SysctlException refused(SysctlClient.RefusedException e, String name) {
        SysctlException.Errno errno;
        try {
            errno = SysctlException.Errno.valueOf(e.errno());
        } catch (IllegalArgumentException x) {
            errno = SysctlException.Errno.EINVAL;
        }
        String msg = e.getMessage();
        String prefix = name + ": ";
        return new SysctlException(errno, name, msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg);
    }
}
