package org.jipsec.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.AlgorithmTable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jipsec algorithms}: prints the one algorithm table, one section per PF_KEY namespace. */
@Command(
        footerHeading = "%nExample:%n",
        footer = {"  jipsec algorithms          # the table setkey -E/-A names come from"},
        name = "algorithms",
        mixinStandardHelpOptions = true,
        description = "Print every algorithm jipsec knows: PF_KEY number, setkey names, key lengths, sizes.")
public final class AlgorithmsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final String[] HEADER = {
        "num", "setkey name", "also accepted", "key bits", "block", "iv", "icv", "salt", "source"
    };

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        for (AlgorithmKind kind : AlgorithmKind.values()) {
            out.println(title(kind));
            List<String[]> rows = new ArrayList<>();
            rows.add(HEADER);
            for (Algorithm a : AlgorithmTable.all(kind)) rows.add(row(a));
            print(out, rows, kind == AlgorithmKind.COMPRESSION);
            out.println();
        }
        out.println("Key bits include the salt of aes-ctr (4 bytes), aes-gcm/gmac (4), aes-ccm (3) and");
        out.println("chacha20-poly1305 (4). \"+DERIV\"/\"+IV4B\": the name also sets that SA flag. \"jipsec\": not in");
        out.println("NetBSD; \"setkey only\": NetBSD's kernel refuses the SA. iv/icv/block in bytes.");
        out.flush();
    }

    private static String title(AlgorithmKind kind) {
        return switch (kind) {
            case ENCRYPTION -> "Encryption (sadb_sa_encrypt, setkey -E):";
            case AUTHENTICATION -> "Authentication (sadb_sa_auth, setkey -A):";
            case COMPRESSION -> "Compression (IPComp CPI algorithm, setkey -C):";
        };
    }

    private static String[] row(Algorithm a) {
        List<String> also = new ArrayList<>(a.aliases());
        for (Algorithm.FlagAlias f : a.flagAliases()) {
            also.add(f.name()
                    + (f.saFlags() == 0x20
                            ? "(+DERIV)"
                            : f.saFlags() == 0x10 ? "(+IV4B)" : String.format("(+0x%x)", f.saFlags())));
        }
        String source = a.reference() + (!a.netbsd() ? " [jipsec]" : !a.implemented() ? " [setkey only]" : "");
        return new String[] {
            Integer.toString(a.number()),
            a.name(),
            also.isEmpty() ? "-" : String.join(" ", also),
            a.keyBits().describe(),
            dash(a.blockBytes()),
            dash(a.ivBytes()),
            dash(a.icvBytes()),
            dash(a.saltBytes()),
            source
        };
    }

    private static String dash(int n) {
        return n == 0 ? "-" : Integer.toString(n);
    }

    private static void print(PrintWriter out, List<String[]> rows, boolean compression) {
        // compression rows have no key, sizes or salt: print num, name, also, source only
        int[] cols = compression ? new int[] {0, 1, 2, 8} : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8};
        int[] width = new int[HEADER.length];
        for (String[] r : rows) for (int c : cols) width[c] = Math.max(width[c], r[c].length());
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder("  ");
            for (int i = 0; i < cols.length; i++) {
                int c = cols[i];
                boolean number = c == 0 || (c >= 4 && c <= 7);
                String cell = r[c];
                String pad = " ".repeat(width[c] - cell.length());
                sb.append(number && r != HEADER ? pad + cell : cell + (i == cols.length - 1 ? "" : pad));
                if (i < cols.length - 1) sb.append("  ");
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
