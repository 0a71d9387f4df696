package org.jipsec.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code jipsec} command: each job of the stack is a subcommand. */
@Command(
        name = "jipsec",
        mixinStandardHelpOptions = true,
        versionProvider = JipsecCommand.Version.class,
        description = "IPsec as NetBSD/KAME built it (ESP, AH, IPComp, PF_KEY v2, setkey), in userspace on the JVM.",
        subcommands = CommandLine.HelpCommand.class,
        footerHeading = "%nExample:%n",
        footer = {
            "  jipsec setkey -D                 # the SAD of the running gateway",
            "  jipsec help setkey               # one command's options",
            "  man jipsec-setkey                # its manual (installed package)"
        })
public final class JipsecCommand implements Runnable {

    /**
     * The subcommands, in the order the usage lists them. Added programmatically so that a run of one command
     * (setkey, sysctl: called dozens of times per NetBSD test script) builds only that command's picocli model
     * instead of reflecting over every command's options (issue #17 item 4: CLI start-up).
     */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("algorithms", AlgorithmsCommand::new);
        SUBCOMMANDS.put("gateway", GatewayCommand::new);
        SUBCOMMANDS.put("iked", IkedCommand::new);
        SUBCOMMANDS.put("pfkey-monitor", PfkeyMonitorCommand::new);
        SUBCOMMANDS.put("pcap", PcapCommand::new);
        SUBCOMMANDS.put("demo", DemoCommand::new);
        SUBCOMMANDS.put("bench", BenchCommand::new);
        SUBCOMMANDS.put("setkey", SetkeyCommand::new);
        SUBCOMMANDS.put("sysctl", SysctlCommand::new);
        SUBCOMMANDS.put("ike", IkeCommand::new);
        SUBCOMMANDS.put("stats", StatsCommand::new);
        SUBCOMMANDS.put("ping", PingCommand::new);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A command line with jipsec's error handling: a user error prints one line and exits 2, never a stack trace. */
    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * {@link #commandLine()} for the arguments {@code args}: when the first one names a subcommand exactly, only that
     * subcommand is built (the usage, suggestions and errors of a full tree are not needed to run it).
     */
    public static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new JipsecCommand());
        String first = args != null && args.length > 0 ? args[0] : null;
        if (first != null && SUBCOMMANDS.containsKey(first)) {
            cl.addSubcommand(first, SUBCOMMANDS.get(first).get());
        } else {
            SUBCOMMANDS.forEach((name, make) -> cl.addSubcommand(name, make.get()));
        }
        // setkey reads its own getopt-style flags (-DP, -xx, -f FILE): picocli passes them through as arguments
        CommandLine setkey = cl.getSubcommands().get("setkey");
        if (setkey != null) setkey.setUnmatchedOptionsArePositionalParams(true);
        // sysctl likewise (-nw, -xx, -f FILE: NetBSD's getopt set, read by SysctlOptions)
        CommandLine sysctl = cl.getSubcommands().get("sysctl");
        if (sysctl != null) sysctl.setUnmatchedOptionsArePositionalParams(true);
        // ping takes NetBSD's command lines, where getopt lets an option be given again (the last one counts)
        CommandLine ping = cl.getSubcommands().get("ping");
        if (ping != null) ping.setOverwrittenOptionsAllowed(true);
        // an unknown command or argument is an error (exit 2, with picocli's suggestion) even when --help is also
        // given: picocli would otherwise print the parent's usage and exit 0 (`jipsec racoon --help`)
        cl.setExecutionStrategy(parseResult -> {
            CommandLine.ParseResult last = parseResult;
            while (last.hasSubcommand()) last = last.subcommand();
            if (!last.unmatched().isEmpty()) {
                throw new CommandLine.UnmatchedArgumentException(
                        last.commandSpec().commandLine(), last.unmatched());
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("jipsec: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        return cl;
    }

    /** {@code jipsec --version}: version and commit of the build, then the JDK that runs it; also jipsecd's start line. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = new Properties();
            try (InputStream in = JipsecCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) p.load(in);
            } catch (IOException e) {
                // an unreadable resource of our own jar: "unknown", as for a build without one
            }
            return new String[] {
                "jipsec " + p.getProperty("version", "unknown") + " (commit " + p.getProperty("commit", "unknown")
                        + ")",
                "JDK " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
                        + System.getProperty("java.vm.vendor") + ") at " + System.getProperty("java.home")
            };
        }

        /** What {@code --version} prints, on one line: a daemon's first log line says which build and JDK run it. */
        static String oneLine() {
            return String.join(", ", new Version().getVersion());
        }
    }
}
