package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Issue #18 item 4: `--help` of every command (and `jipsec` itself) ends with an example of its use. */
class HelpExampleTest {

    @Test
    void everyCommandsHelpShowsAnExample() {
        CommandLine root = JipsecCommand.commandLine();
        List<CommandLine> all = new ArrayList<>(List.of(root));
        root.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) all.add(sub);
        });
        assertTrue(all.size() >= 9, "the full tree: " + root.getSubcommands().keySet());
        for (CommandLine cl : all) {
            String usage = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
            String name = cl.getCommandSpec().qualifiedName();
            int at = usage.indexOf("\nExample:\n");
            assertTrue(at >= 0, name + " --help has no example:\n" + usage);
            String example = usage.substring(at);
            assertTrue(example.contains("jipsec "), name + ": the example runs no jipsec command:\n" + example);
            assertFalse(example.isBlank(), name);
        }
    }
}
