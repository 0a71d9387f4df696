package org.jipsec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jipsec.core.sysctl.SysctlException;
import org.jipsec.io.sysctl.SysctlClient;
import org.jipsec.io.sysctl.SysctlProtocol;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jipsec stats}: NetBSD's {@code netstat -s -p ipsec} (usr.bin/netstat/fast_ipsec.c {@code fast_ipsec_stats})
 * and {@code netstat -s -p pfkey} for the running jipsecd, from the statistics nodes of its sysctl socket (what any
 * reader of {@code net.inet.ipsec.ipsecstats}, {@code net.inet.esp.esp_stats}, ... gets). As netstat, one {@code -s}
 * prints every counter and a second one ({@code jipsec stats -s}) only those that are not 0. {@code -p esp|ah|ipip|ipcomp}
 * prints that protocol's section of the ipsec statistics, as fast_ipsec.c prints it.
 */
@Command(
        name = "stats",
        footerHeading = "%nExample:%n",
        footer = {
            "  jipsec stats -p esp                       # netstat -s -p ipsec, the esp section",
            "  jipsec stats -s                           # every non-zero counter (netstat -s -s)",
            "  jipsec stats --pfkey /run/jipsec/gw1.pfkey -p ipsec"
        },
        description = {
            "IPsec statistics as NetBSD's netstat -s -p ipsec|pfkey prints them, from jipsecd's sysctl socket.",
            "-p esp, ah, ipip or ipcomp prints that section of the ipsec statistics."
        })
public final class StatsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "-p",
            paramLabel = "PROTOCOL",
            description = "ipsec, esp, ah, ipip, ipcomp or pfkey (default: ipsec and pfkey)")
    String protocol;

    @Option(names = "-s", description = "Only counters that are not 0 (netstat -s -s)")
    boolean nonZero;

    @Option(
            names = "--socket",
            paramLabel = "PATH",
            description = "sysctl socket of jipsecd (default: the one beside --pfkey, else /run/jipsec/sysctl)")
    Path socket;

    @Option(names = "--pfkey", paramLabel = "PATH", description = "PF_KEY socket of jipsecd, to find its sysctl socket")
    Path pfkey;

    @Option(names = "--help", usageHelp = true, description = "Show this help")
    boolean help;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        try {
            if (protocol != null && !NetstatLines.PROTOCOLS.contains(protocol)) {
                err.println("jipsec stats: -p " + protocol + ": unknown protocol; one of "
                        + String.join(", ", NetstatLines.PROTOCOLS));
                return 2;
            }
            Path path = socket != null
                    ? socket
                    : pfkey != null ? SysctlProtocol.besidePfkey(pfkey) : SysctlProtocol.DEFAULT_PATH;
            SysctlClient c;
            try {
                c = SysctlClient.connect(path);
            } catch (org.jipsec.io.unix.PeerCredentials.UntrustedServerException e) {
                err.println("jipsec stats: " + e.getMessage());
                return 1;
            } catch (IOException e) {
                err.println("jipsec stats: cannot reach jipsecd on " + path + " (" + e.getMessage() + ")");
                return 1;
            }
            try (c) {
                for (String l : NetstatLines.of(name -> read(c, name), !nonZero, protocol)) out.println(l);
                return 0;
            } catch (IOException | SysctlException e) {
                err.println("jipsec stats: " + e.getMessage());
                return 1;
            }
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static byte[] read(SysctlClient c, String name) throws IOException, SysctlException {
        try {
            return c.struct(name);
        } catch (SysctlClient.RefusedException e) {
            throw new IOException(e.getMessage());
        }
    }
}
