package org.jipsec.dist;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jipsec.cli.JipsecCommand;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build-time generator (exec-maven-plugin, process-classes): from {@link JipsecCommand#commandLine()}, the command
 * tree the CLI really runs (its subcommands are added programmatically, so picocli's class-name driven
 * ManPageGenerator main would miss them), writes
 * <ul>
 *   <li>{@code OUT/man/jipsec*.adoc}: picocli's AsciiDoc man pages, one per command, in section 8 (system
 *       administration, where NetBSD keeps setkey(8) and sysctl(8)); dist/src/man/ templates add hand-written
 *       DESCRIPTION, EXAMPLES, FILES and SEE ALSO sections around their tagged parts;</li>
 *   <li>{@code OUT/completion/jipsec}: picocli's bash completion script (zsh loads it through bashcompinit).</li>
 * </ul>
 */
public final class GenerateDocs {

    private static final Pattern TITLE = Pattern.compile("(?m)^= (jipsec[\\w-]*)\\(1\\)$");

    private GenerateDocs() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("usage: GenerateDocs OUTPUT-DIR");
        Path out = Path.of(args[0]);
        Path man = out.resolve("man");
        Files.createDirectories(man);
        CommandLine cl = JipsecCommand.commandLine();
        int rc = ManPageGenerator.generateManPage(man.toFile(), null, new boolean[0], false, cl.getCommandSpec());
        if (rc != 0) throw new IOException("ManPageGenerator failed with status " + rc);
        try (var pages = Files.list(man)) {
            for (Path page : pages.toList()) {
                String text = Files.readString(page);
                Matcher m = TITLE.matcher(text);
                if (!m.find()) throw new IOException(page + ": no '= NAME(1)' title");
                Files.writeString(page, m.replaceFirst("= $1(8)"));
            }
        }
        Path completion = out.resolve("completion");
        Files.createDirectories(completion);
        Files.writeString(completion.resolve("jipsec"), AutoComplete.bash("jipsec", cl));
        System.out.println("GenerateDocs: man pages and completion in " + new File(args[0]).getAbsolutePath());
    }
}
