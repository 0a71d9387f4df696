package org.jipsec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.setkey.EmbeddedKeyChannel;
import org.jipsec.core.setkey.HostResolver;
import org.jipsec.core.setkey.KeyChannel;
import org.jipsec.core.setkey.SetkeyOptions;
import org.jipsec.core.setkey.SetkeyRunner;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.io.pfkey.PfkeyServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jipsec setkey}: NetBSD's setkey(8) over PF_KEY. setkey's own flags ({@code -DP}, {@code -xx},
 * {@code -f file}, …) are read with getopt semantics by {@link SetkeyOptions}, not by picocli; picocli takes only
 * {@code --pfkey PATH} and {@code --embedded}, and hands every other word through unchanged.
 */
@Command(
        footerHeading = "%nExample:%n",
        footer = {
            "  jipsec setkey -D                 # dump the SAD",
            "  jipsec setkey -DP                # dump the SPD",
            "  jipsec setkey -f /etc/jipsec/ipsec.conf # load SAs and policies",
            "  echo 'add 10.0.0.1 10.0.0.2 esp 0x1000 -E aes-gcm-16 0x<40 hex digits>;' | jipsec setkey -c"
        },
        name = "setkey",
        description = {
            "NetBSD setkey(8): manage the SAD and SPD of jipsecd over PF_KEY.",
            "setkey's own options (-c, -f FILE, -D, -P, -F, -a, -v, -x, -l, -h/-H, -p, -n, -V, and jipsec's -s) follow the long ones."
        })
public final class SetkeyCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--pfkey",
            paramLabel = "PATH",
            description = "PF_KEY socket of jipsecd (default: ${DEFAULT-VALUE})")
    Path pfkey = Path.of(PfkeyServer.DEFAULT_PATH_NAME); // a constant: PfkeyServer is not initialised

    @Option(
            names = "--embedded",
            description = "Run against an in-process key engine (no daemon; state ends with the command)")
    boolean embedded;

    @Option(
            names = "--strict",
            description = "Same as -s: read the whole input before sending anything, stop at the "
                    + "first error, errors on standard error, status 1 when any statement was refused (default: as NetBSD's "
                    + "setkey, statement by statement, messages on standard output, -c always status 0)")
    boolean strict;

    @Option(names = "--help", usageHelp = true, description = "Show this help")
    boolean help;

    @Parameters(arity = "0..*", paramLabel = "ARG", description = "setkey's options and arguments")
    List<String> argv = new ArrayList<>();

    @Override
    public Integer call() {
        return run(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** Runs with the options already set (by picocli, or by {@link QuickStart} without it). */
    int run(PrintWriter out, PrintWriter err) {
        SetkeyOptions o;
        try {
            List<String> words = new ArrayList<>(argv);
            if (strict) words.add(0, "-s");
            o = SetkeyOptions.parse(words);
        } catch (SetkeyOptions.UsageException e) {
            err.println("setkey: " + e.getMessage());
            out.print(SetkeyRunner.usage());
            out.flush();
            err.flush();
            return 1;
        }
        if (argv.isEmpty()) {
            out.print(SetkeyRunner.usage());
            out.flush();
            return 1;
        }
        int pid = (int) ProcessHandle.current().pid();
        KeyEngine embeddedEngine = embedded ? newEngine() : null;
        SetkeyRunner.Environment env = new SetkeyRunner.Environment() {
            @Override
            public KeyChannel open() throws IOException {
                return embeddedEngine != null
                        ? new EmbeddedKeyChannel(embeddedEngine)
                        : SocketKeyChannel.connect(pfkey);
            }

            @Override
            public String readStdin() throws IOException {
                return new String(BoundedInput.readAll(System.in, "standard input"), StandardCharsets.UTF_8);
            }

            @Override
            public String readFile(String name) throws IOException {
                return new String(readBytes(name), StandardCharsets.UTF_8);
            }

            @Override
            public byte[] readBytes(String name) throws IOException {
                return name.equals("-") ? BoundedInput.readAll(System.in, "standard input") : readFileBytes(name);
            }

            @Override
            public HostResolver resolver() {
                return SetkeyCommand::resolve;
            }

            @Override
            public long nowMicros() {
                java.time.Instant t = java.time.Instant.now();
                return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
            }

            @Override
            public ZoneId zone() {
                return localZone();
            }

            @Override
            public void sleepOneSecond() throws InterruptedException {
                Thread.sleep(1000);
            }

            @Override
            public int pid() {
                return pid;
            }
        };
        return new SetkeyRunner(env, out, err).run(o);
    }

    /** Zone IDs that are UTC at every instant. */
    private static final java.util.Set<String> UTC_IDS = java.util.Set.of(
            "UTC",
            "Etc/UTC",
            "UCT",
            "Etc/UCT",
            "GMT",
            "Etc/GMT",
            "GMT0",
            "Etc/GMT0",
            "Etc/GMT+0",
            "Etc/GMT-0",
            "Universal",
            "Etc/Universal",
            "Zulu",
            "Etc/Zulu",
            "Greenwich",
            "Etc/Greenwich");

    /**
     * The zone dump times are shown in (ctime(3): the local one). On a machine set to UTC (servers, containers, CI)
     * that is {@link java.time.ZoneOffset#UTC}, the same times without {@link ZoneId#systemDefault}'s region, whose
     * rules provider reads and indexes the whole tz database at every {@code setkey -D} (issue #17 item 4).
     */
    static ZoneId localZone() {
        java.util.TimeZone tz = java.util.TimeZone.getDefault();
        return UTC_IDS.contains(tz.getID()) ? java.time.ZoneOffset.UTC : tz.toZoneId();
    }

    /**
     * A file's bytes, at most {@link BoundedInput#MAX_BYTES} ({@code /dev/zero} and FIFOs included: read as a stream,
     * never sized in advance); a missing file is reported as {@code name: No such file or directory}.
     */
    static byte[] readFileBytes(String name) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(Path.of(name))) {
            return BoundedInput.readAll(in, name);
        } catch (NoSuchFileException e) {
            throw new IOException(name + ": No such file or directory", e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IOException(name + ": Permission denied", e);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IOException(name + ": invalid file name", e);
        }
    }

    /** An in-process engine with jipsecd's defaults and the real SPD store. */
    static KeyEngine newEngine() {
        return Jipsecd.keyEngine(Sysctl.withNetbsdDefaults()).engine();
    }

    /** getaddrinfo with setkey's hints: numeric literals first; names through the JDK resolver unless -n. */
    static List<InetAddress> resolve(String host, int family, boolean numericOnly) throws UnknownHostException {
        try {
            return List.of(HostResolver.literal(host, family));
        } catch (UnknownHostException notNumeric) {
            if (numericOnly || host.matches("[0-9.]+") || host.contains(":")) throw notNumeric;
        }
        List<InetAddress> out = new ArrayList<>();
        for (InetAddress a : InetAddress.getAllByName(host)) {
            if ((family == 4 && !(a instanceof Inet4Address)) || (family == 6 && !(a instanceof Inet6Address)))
                continue;
            out.add(InetAddress.getByAddress(a.getAddress())); // drop the host name: numeric from here on
        }
        if (out.isEmpty()) throw new UnknownHostException("Address family for hostname not supported");
        return out;
    }
}
