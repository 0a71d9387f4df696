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
 * {@code net.key}) of the running jipsecd, through its sysctl socket. sysctl's own flags ({@code -a}, {@code -e},
 * {@code -f FILE}, {@code -n}, {@code -q}, {@code -w}, {@code -x[x]}, and jipsec's {@code -s}: the statistics as
 * netstat prints them, {@link NetstatLines}) are read with getopt semantics by {@link SysctlOptions} and run by
 * {@link SysctlRunner}; picocli takes only {@code --socket PATH} and {@code --embedded} (a fresh tree with NetBSD's
 * defaults in this process: reads and checks; nothing persists).
 */
@Command(
        footerHeading = "%nExample:%n",
        footer = {
            "  jipsec sysctl -a                          # every variable",
            "  jipsec sysctl net.inet.ipsec.def_policy",
            "  jipsec sysctl -w net.inet.ipsec.esp_trans_deflev=2",
            "  jipsec sysctl -f /etc/jipsec/sysctl.conf"
        },
        name = "sysctl",
        description = {
            "NetBSD sysctl(8) for jipsecd's IPsec variables (net.inet.ipsec, net.inet6.ipsec6, net.key).",
            "sysctl's own options (-a, -e, -f FILE, -n, -q, -w, -x[x]; jipsec's -s) follow the long ones."
        })
public final class SysctlCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--socket",
            paramLabel = "PATH",
            description = "sysctl socket of jipsecd (default: the one beside --pfkey, else /run/jipsec/sysctl)")
    Path socket;

    @Option(
            names = "--pfkey",
            paramLabel = "PATH",
            description = "PF_KEY socket of jipsecd: its sysctl socket is the one the gateway derives from it "
                    + "(pfkey -> sysctl, gw1.pfkey -> gw1.sysctl, gw1 -> gw1.sysctl)")
    Path pfkey;

    @Option(names = "--embedded", description = "Use an in-process tree with NetBSD's defaults instead of jipsecd")
    boolean embedded;

    @Option(names = "--help", usageHelp = true, description = "Show this help")
    boolean help;

    @Parameters(arity = "0..*", paramLabel = "ARG", description = "sysctl's options, then NAME or NAME=VALUE ...")
    List<String> argv = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        return run(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** Runs with the options already set (by picocli, or by {@link QuickStart} without it). */
    int run(PrintWriter out, PrintWriter err) throws IOException {
        try {
            SysctlOptions o;
            try {
                o = SysctlOptions.parse(argv);
            } catch (SysctlOptions.UsageException e) {
                err.println("sysctl: " + e.getMessage());
                err.print(SysctlOptions.usage());
                return 1;
            }
            if (!o.all() && o.args().isEmpty() && o.file() == null && !o.netstat()) {
                err.print(SysctlOptions.usage());
                return 1;
            }
            List<String> lines = List.of();
            if (o.file() != null) {
                try {
                    lines = SysctlRunner.fileLines(java.nio.file.Files.readString(Path.of(o.file())));
                } catch (IOException | java.nio.file.InvalidPathException e) {
                    err.println("sysctl: " + o.file() + ": No such file or directory");
                    return 1;
                }
            }
            if (embedded) return new SysctlRunner(o, embeddedTree(Sysctl.withNetbsdDefaults()), out, err).run(lines);
            Path socket = this.socket != null
                    ? this.socket
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
                return new SysctlRunner(o, socketTree(c), out, err).run(lines);
            }
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static SysctlRunner.Tree embeddedTree(Sysctl s) {
        return new SysctlRunner.Tree() {
            @Override
            public int get(String name) throws SysctlException {
                return s.read(name);
            }

            @Override
            public byte[] struct(String name) throws SysctlException {
                return s.readStruct(name);
            }

            @Override
            public int[] set(String name, int value) throws SysctlException {
                int old = s.read(name);
                s.write(name, value);
                return new int[] {old, s.read(name)};
            }
        };
    }

    private static SysctlRunner.Tree socketTree(SysctlClient c) {
        return new SysctlRunner.Tree() {
            @Override
            public int get(String name) throws IOException, SysctlException {
                try {
                    return c.get(name);
                } catch (SysctlClient.RefusedException e) {
                    throw refused(e, name);
                }
            }

            @Override
            public byte[] struct(String name) throws IOException, SysctlException {
                try {
                    return c.struct(name);
                } catch (SysctlClient.RefusedException e) {
                    throw refused(e, name);
                }
            }

            @Override
            public int[] set(String name, int value) throws IOException, SysctlException {
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
