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
        // sysctl likewise (-nw, -xx, -f FILE, NetBSD's getopt set)
        cl.getSubcommands().get("sysctl").setUnmatchedOptionsArePositionalParams(true);
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
            return new String[] {"jipsec " + p.getProperty("version", "unknown"),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
