package org.jipsec.cli;

import java.io.PrintWriter;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.AlgorithmTable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jipsec algorithms}: prints the one algorithm table. */
@Command(name = "algorithms", mixinStandardHelpOptions = true,
        description = "Print every algorithm jipsec knows: PF_KEY number, setkey names, key lengths, sizes.")
public final class AlgorithmsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        for (AlgorithmKind kind : AlgorithmKind.values()) {
            out.println(kind.name().toLowerCase(java.util.Locale.ROOT) + ":");
            out.printf("  %-5s %-22s %-28s %-16s %5s %4s %4s  %s%n",
                    "num", "setkey name", "aliases", "key bits", "block", "iv", "icv", "source");
            for (Algorithm a : AlgorithmTable.all(kind)) {
                out.printf("  %-5d %-22s %-28s %-16s %5d %4d %4d  %s%s%n",
                        a.number(), a.name(), String.join(",", a.aliases()), a.keyBits().describe(),
                        a.blockBytes(), a.ivBytes(), a.icvBytes(), a.reference(), a.netbsd() ? "" : " (jipsec)");
            }
        }
        out.flush();
    }
}
