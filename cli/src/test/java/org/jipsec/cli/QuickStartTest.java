package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The picocli-free start of setkey and sysctl takes exactly the long options picocli defines for them. */
class QuickStartTest {

    private static void sameOptions(String command, Set<String> values, Set<String> flags) {
        CommandLine cl = JipsecCommand.commandLine().getSubcommands().get(command);
        Set<String> pv = new HashSet<>(), pf = new HashSet<>();
        for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
            if (o.usageHelp()) continue;
            for (String n : o.names()) (o.arity().max() > 0 ? pv : pf).add(n);
        }
        assertEquals(pv, values, command + " options taking a value");
        assertEquals(pf, flags, command + " flags");
    }

    @Test
    void longOptionsAreThePicocliOnes() {
        sameOptions("setkey", QuickStart.SETKEY_VALUES, QuickStart.SETKEY_FLAGS);
        sameOptions("sysctl", QuickStart.SYSCTL_VALUES, QuickStart.SYSCTL_FLAGS);
    }

    @Test
    void declinesWhatPicocliMustAnswer() {
        for (List<String> args : List.<List<String>>of(
                List.of("setkey", "--help"),
                List.of("setkey", "--pfkey"),
                List.of("setkey", "--bogus"),
                List.of("setkey", "--", "-D"),
                List.of("sysctl", "--help"),
                List.of("sysctl", "--embedded=1"),
                List.of("gateway", "--no-tun"),
                List.of())) {
            assertTrue(QuickStart.run(args.toArray(String[]::new)).isEmpty(), args.toString());
        }
    }

    @Test
    void runsEmbeddedSysctlDirectly() {
        assertEquals(
                0,
                QuickStart.run(new String[] {"sysctl", "--embedded", "-n", "net.inet.ipsec.esp_trans_deflev"})
                        .orElseThrow());
    }
}
