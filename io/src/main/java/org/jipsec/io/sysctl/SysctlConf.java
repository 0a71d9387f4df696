package org.jipsec.io.sysctl;

import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlException;

/**
 * sysctl.conf(5)-style files for {@code jipsec gateway --sysctl FILE}: {@code name=value} lines, blanks around
 * {@code =} allowed, {@code #} comments, empty lines ignored. All-or-nothing: every line is checked against a fresh
 * tree (names, integers, the handlers' ranges) before any is written to the running one.
 */
public final class SysctlConf {
    private SysctlConf() {}

    public record Assignment(int line, String name, int value) {}

    /** A line that cannot be applied, with its number. */
    public static final class ConfException extends Exception {
        public ConfException(int line, String message) {
            super("line " + line + ": " + message, null, false, false);
        }
    }

    public static List<Assignment> parse(String text) throws ConfException {
        List<Assignment> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        Sysctl scratch = Sysctl.withNetbsdDefaults();
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            int hash = l.indexOf('#');
            if (hash >= 0) l = l.substring(0, hash);
            l = l.strip();
            if (l.isEmpty()) continue;
            int eq = l.indexOf('=');
            if (eq < 0) throw new ConfException(i + 1, "expected name=value: " + l);
            String name = l.substring(0, eq).strip();
            String v = l.substring(eq + 1).strip();
            int value;
            try {
                value = Integer.decode(v);
            } catch (NumberFormatException e) {
                throw new ConfException(i + 1, name + ": not an integer: " + v);
            }
            try {
                scratch.write(name, value);
            } catch (SysctlException e) {
                throw new ConfException(i + 1, e.getMessage());
            }
            out.add(new Assignment(i + 1, name, value));
        }
        return out;
    }

    /** Parses then applies every assignment to {@code tree}. */
    public static List<Assignment> apply(String text, Sysctl tree) throws ConfException {
        List<Assignment> all = parse(text);
        for (Assignment a : all) {
            try {
                tree.write(a.name(), a.value());
            } catch (SysctlException e) {
                throw new ConfException(a.line(), e.getMessage());
            }
        }
        return all;
    }
}
