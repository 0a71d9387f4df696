package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.AlgorithmTable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AlgorithmsCommandTest {

    private static String run() {
        CommandLine cl = JipsecCommand.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        assertEquals(0, cl.execute("algorithms"));
        return out.toString();
    }

    /** The lines of one section (between its title and the next blank line). */
    private static List<String> section(String out, String titlePrefix) {
        List<String> lines = Arrays.asList(out.split("\n"));
        int start = 0;
        while (!lines.get(start).startsWith(titlePrefix)) start++;
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).isBlank()) end++;
        return lines.subList(start + 2, end); // skip title and header
    }

    @Test
    void listsEveryAlgorithmWithItsNumberAndKeyLengths() {
        String out = run();
        for (AlgorithmKind kind : AlgorithmKind.values()) {
            String title = switch (kind) {
                case ENCRYPTION -> "Encryption";
                case AUTHENTICATION -> "Authentication";
                case COMPRESSION -> "Compression";
            };
            List<String> lines = section(out, title);
            List<Algorithm> rows = AlgorithmTable.all(kind);
            assertEquals(rows.size(), lines.size(), title + ":\n" + String.join("\n", lines));
            for (int i = 0; i < rows.size(); i++) {
                Algorithm a = rows.get(i);
                String[] cells = lines.get(i).trim().split("\\s+");
                assertEquals(Integer.toString(a.number()), cells[0], lines.get(i));
                assertEquals(a.name(), cells[1], lines.get(i));
                if (kind != AlgorithmKind.COMPRESSION) {
                    assertTrue(lines.get(i).contains(" " + a.keyBits().describe() + " "), lines.get(i));
                }
            }
        }
    }

    @Test
    void showsAliasesFlagsAndOrigins() {
        String out = run();
        assertTrue(out.contains("rijndael-cbc"), out);
        assertTrue(out.contains("des-deriv(+DERIV)"), out);
        assertTrue(out.contains("hmac-sha2-256"), out);
        assertTrue(out.contains("RFC 7634 (jipsec private-use number) [jipsec]"), out);
        assertTrue(out.contains("[setkey only]"), out);
        assertTrue(out.contains("160/224/288"), out);
        assertTrue(out.contains("40 to 448"), out);
    }
}
