package org.jipsec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jipsec.core.ike.control.AdminResult;
import org.jipsec.core.ike.control.IkeControlCodec;
import org.jipsec.core.ike.control.IkeStatusFormat;
import org.jipsec.io.ike.IkeControlClient;
import org.jipsec.io.ike.IkeControlServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jipsec ike status|initiate NAME|terminate NAME|rekey NAME}: swanctl's {@code --list-sas}, {@code --initiate},
 * {@code --terminate} and {@code --rekey} for a running {@code jipsec iked}, over its control socket
 * ({@link IkeControlClient}; issue #14 item 5). Exit status: 0 done, 1 refused by the daemon or no daemon, 2 usage.
 */
@Command(
        name = "ike",
        mixinStandardHelpOptions = true,
        description = {
            "Operate a running jipsec iked: list its IKE and CHILD SAs, initiate, terminate or rekey a"
                    + " connection or child (as swanctl --list-sas, --initiate, --terminate, --rekey).",
            "NAME is a connection (connections.<name>) or, when no connection has that name, a child."
        },
        subcommands = {
            IkeCommand.Status.class,
            IkeCommand.Initiate.class,
            IkeCommand.Terminate.class,
            IkeCommand.Rekey.class
        },
        footerHeading = "%nExample:%n",
        footer = {
            "  jipsec ike status              # SAs, algorithms, rekey times, traffic",
            "  jipsec ike initiate home       # bring connection 'home' up now",
            "  jipsec ike rekey net           # rekey child 'net'",
            "  jipsec ike terminate home",
            "  jipsec ike --control /run/jipsec/gw1.ctl status",
            "",
            "Exit status: 0 done, 1 refused by iked or no iked listening, 2 usage error."
        })
public final class IkeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--control",
            paramLabel = "PATH",
            scope = CommandLine.ScopeType.INHERIT,
            description = "iked's control socket (default: " + IkeControlServer.DEFAULT + ")")
    Path control = IkeControlServer.DEFAULT_PATH;

    /** {@code jipsec ike} alone: the usage, as a usage error. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("jipsec ike: missing command (status, initiate, terminate or rekey)");
        spec.commandLine().usage(err);
        err.flush();
        return 2;
    }

    /** What a subcommand asks of the client. */
    @FunctionalInterface
    interface Action {
        int run(IkeControlClient client, PrintWriter out, PrintWriter err) throws IOException;
    }

    /** Connects, runs {@code a}, and maps a missing daemon or a broken connection to one line and exit 1. */
    int withClient(CommandLine.Model.CommandSpec sub, Action a) {
        PrintWriter out = sub.commandLine().getOut();
        PrintWriter err = sub.commandLine().getErr();
        try (IkeControlClient client = IkeControlClient.connect(control)) {
            return a.run(client, out, err);
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            err.println("jipsec ike: " + (m.contains(control.toString()) ? "" : control + ": ") + m);
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    static int result(AdminResult r, PrintWriter out, PrintWriter err) {
        if (r.ok()) {
            out.println(r.message());
            return 0;
        }
        err.println("jipsec ike: " + r.message());
        return 1;
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "List the IKE SAs with their CHILD SAs (as swanctl --list-sas) and the loaded connections.",
            footerHeading = "%nExample:%n",
            footer = {"  jipsec ike status"})
    static final class Status implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.ParentCommand
        IkeCommand parent;

        @Override
        public Integer call() {
            return parent.withClient(spec, (c, out, err) -> {
                out.print(IkeStatusFormat.format(c.status()));
                return 0;
            });
        }
    }

    /** The NAME argument of initiate, terminate and rekey, checked before anything is sent. */
    abstract static class Named implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.ParentCommand
        IkeCommand parent;

        @Parameters(index = "0", paramLabel = "NAME", description = "connection or child name")
        String name;

        abstract AdminResult act(IkeControlClient c, String name) throws IOException;

        @Override
        public Integer call() {
            if (!IkeControlCodec.validName(name)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "bad NAME '" + name + "': 1.." + IkeControlCodec.MAX_NAME
                                + " bytes without spaces or control characters");
            }
            return parent.withClient(spec, (c, out, err) -> result(act(c, name), out, err));
        }
    }

    @Command(
            name = "initiate",
            mixinStandardHelpOptions = true,
            description = "Start a connection (or a child on its established IKE SA) now.",
            footerHeading = "%nExample:%n",
            footer = {"  jipsec ike initiate home"})
    static final class Initiate extends Named {
        @Override
        AdminResult act(IkeControlClient c, String n) throws IOException {
            return c.initiate(n);
        }
    }

    @Command(
            name = "terminate",
            mixinStandardHelpOptions = true,
            description = "Delete the IKE SA(s) of a connection with their children, or just the named child.",
            footerHeading = "%nExample:%n",
            footer = {"  jipsec ike terminate home"})
    static final class Terminate extends Named {
        @Override
        AdminResult act(IkeControlClient c, String n) throws IOException {
            return c.terminate(n);
        }
    }

    @Command(
            name = "rekey",
            mixinStandardHelpOptions = true,
            description = "Rekey the IKE SA(s) of a connection, or the named child.",
            footerHeading = "%nExample:%n",
            footer = {"  jipsec ike rekey home"})
    static final class Rekey extends Named {
        @Override
        AdminResult act(IkeControlClient c, String n) throws IOException {
            return c.rekey(n);
        }
    }
}
