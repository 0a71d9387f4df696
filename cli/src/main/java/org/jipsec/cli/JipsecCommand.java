package org.jipsec.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code jipsec} command: each job of the stack is a subcommand. */
@Command(
        name = "jipsec",
        mixinStandardHelpOptions = true,
        versionProvider = JipsecCommand.Version.class,
        description = "IPsec as NetBSD/KAME built it (ESP, AH, IPComp, PF_KEY v2, setkey), in userspace on the JVM.",
        subcommands = {
            CommandLine.HelpCommand.class,
            AlgorithmsCommand.class,
            GatewayCommand.class,
            PfkeyMonitorCommand.class,
            PcapCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            SetkeyCommand.class,
            SysctlCommand.class,
        })
public final class JipsecCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A command line with jipsec's error handling: a user error prints one line and exits 2, never a stack trace. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new JipsecCommand());
        // setkey reads its own getopt-style flags (-DP, -xx, -f FILE): picocli passes them through as arguments
        cl.getSubcommands().get("setkey").setUnmatchedOptionsArePositionalParams(true);
        // an unknown command or argument is an error (exit 2, with picocli's suggestion) even when --help is also
        // given: picocli would otherwise print the parent's usage and exit 0 (`jipsec iked --help`)
        cl.setExecutionStrategy(parseResult -> {
            CommandLine.ParseResult last = parseResult;
            while (last.hasSubcommand()) last = last.subcommand();
            if (!last.unmatched().isEmpty()) {
                throw new CommandLine.UnmatchedArgumentException(last.commandSpec().commandLine(), last.unmatched());
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("jipsec: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return 1;
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = JipsecCommand.class.getResourceAsStream("version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"jipsec " + p.getProperty("version", "unknown") + " (commit "
                    + p.getProperty("commit", "unknown") + ")",
                "JDK " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
                    + System.getProperty("java.vm.vendor") + ") at " + System.getProperty("java.home")};
        }
    }
}
