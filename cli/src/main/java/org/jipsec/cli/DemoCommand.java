package org.jipsec.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jipsec.cli.lab.Demo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code jipsec demo}: two hosts as network namespaces, a jipsec gateway in each, traffic through their ESP tunnel,
 * what the wire shows and the SA counters; everything removed afterwards. Needs root.
 */
@Command(
        footerHeading = "%nExample:%n",
        footer = {"  sudo jipsec demo"},
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Show jipsec at work (as root): two hosts as network namespaces joined by a veth pair, a",
            "gateway in each with the built-in ESP AES-GCM tunnel configuration, a ping and 1 MiB of TCP through",
            "the tunnel, the ESP packets on the wire, the SA counters (setkey -D); then it removes everything."
        })
public final class DemoCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--print-config", description = "Print the built-in configuration and exit")
    boolean printConfig;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (printConfig) {
            out.print(Demo.builtInConfig());
            out.flush();
            return 0;
        }
        try {
            new Demo(
                            out,
                            (o, e, args) -> JipsecCommand.commandLine()
                                    .setOut(o)
                                    .setErr(e)
                                    .execute(args))
                    .run();
            return 0;
        } catch (Demo.StepFailed e) {
            err.println("jipsec demo: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
