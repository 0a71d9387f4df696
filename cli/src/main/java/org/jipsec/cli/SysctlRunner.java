package org.jipsec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlException;
import org.jipsec.core.sysctl.SysctlNames;
import org.jipsec.core.sysctl.SysctlNode;

/**
 * NetBSD's sysctl(8) over jipsec's tree (sbin/sysctl/sysctl.c {@code main}, {@code parse}, {@code print_tree},
 * {@code write_number}, {@code display_number}, {@code sysctlerror}, {@code sysctlparseerror}), for the IPsec
 * variables jipsecd serves. What a script sees is NetBSD's:
 * <ul>
 *   <li>{@code name = value} ({@code name=value} with {@code -e}; the value alone with {@code -n}; {@code 0x%08x}
 *       with {@code -x}, a hex dump with {@code -xx}); a write prints {@code name: old -> new} ({@code new} with
 *       {@code -n}); {@code -q} prints nothing for either;</li>
 *   <li>{@code name=value} without {@code -w}: {@code Must specify -w to set variables}, status 1 at once;</li>
 *   <li>an unknown name: {@code <level> level name '<part>' in '<arg>' is invalid} (silent with {@code -q}) and
 *       status 1 at once — except under {@code -f}, where every line is tried and the status is 1 at the end; a
 *       refused write ({@code sysctlerror(0)}) and a value that is not a number likewise;</li>
 *   <li>a structure read without {@code -x}: {@code this type is unknown to this program}, or for
 *       {@code net.key.dumpsa}/{@code dumpsp} {@code use 'setkey' to view this information}; the request fails but the
 *       other arguments are still read (status 1 at the end);</li>
 *   <li>a name that is a node prints every variable under it; {@code -a} prints them all and exits 0.</li>
 * </ul>
 * jipsec differs on purpose in two places: a refused write says why ({@code invalid value 3 (allowed: 1 2)}) where
 * NetBSD prints strerror ({@code Invalid argument}), and {@code -x} on a structure prints all of it in hex (NetBSD
 * prints the first 16 bytes and {@code ...(N more bytes)}), which is what jipsec's statistics tools read.
 */
final class SysctlRunner {

    /** The operations, over the daemon's socket or an embedded tree. */
    interface Tree {
        int get(String name) throws IOException, SysctlException;

        int[] set(String name, int value) throws IOException, SysctlException;

        byte[] struct(String name) throws IOException, SysctlException;
    }

    private static final String[] LEVEL = {
        "top",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth"
    };

    /** Names and kinds of the nodes: the same tree shape jipsecd builds (SysctlTreeBuilder). */
    private final Sysctl shape = Sysctl.withNetbsdDefaults();

    private final SysctlOptions o;
    private final Tree tree;
    private final PrintWriter out;
    private final PrintWriter err;
    private int errs;
    private String fileLine; // "FILE#N: " while -f runs

    /** sysctl.c EXIT(n) when reading arguments: stop at once with status n. */
    private static final class Exit extends Exception {
        Exit() {
            super(null, null, false, false);
        }
    }

    SysctlRunner(SysctlOptions o, Tree tree, PrintWriter out, PrintWriter err) {
        this.o = o;
        this.tree = tree;
        this.out = out;
        this.err = err;
    }

    int run(List<String> fileLines) throws IOException {
        if (o.netstat()) {
            try {
                for (String l : NetstatLines.of(tree::struct)) out.println(l);
            } catch (SysctlException e) {
                perror(e.getMessage());
                return 1;
            }
            if (!o.all() && o.args().isEmpty() && o.file() == null) return 0;
        }
        if (o.all()) {
            for (SysctlNode n : shape.nodes()) printLeaf(n, false);
            return 0; // sysctl.c: -a returns 0
        }
        if (o.file() != null) {
            for (int i = 0; i < fileLines.size(); i++) {
                fileLine = o.file() + "#" + (i + 1) + ": ";
                String l = fileLines.get(i);
                if (l.isEmpty()) continue;
                try {
                    parse(l);
                } catch (Exit e) {
                    // sysctl.c EXIT(): with -f the next line is read
                }
            }
            return errs != 0 ? 1 : 0;
        }
        try {
            for (String a : o.args()) parse(a);
        } catch (Exit e) {
            return 1;
        }
        return errs != 0 ? 1 : 0;
    }

    /** fparseln(3) as sysctl -f reads its file: {@code #} comments, {@code \} continuations, blanks trimmed. */
    static List<String> fileLines(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String raw : text.split("\n", -1)) {
            String l = raw;
            int hash = l.indexOf('#');
            if (hash >= 0) l = l.substring(0, hash);
            if (l.endsWith("\\")) {
                cur.append(l, 0, l.length() - 1);
                out.add(""); // keeps the line numbers of the lines after it
                continue;
            }
            cur.append(l);
            out.add(cur.toString().strip());
            cur.setLength(0);
        }
        return out;
    }

    // ---- sysctl.c parse() -----------------------------------------------------------------------------------

    private void parse(String l) throws IOException, Exit {
        String key = l, value = null;
        boolean optional = false;
        int eqAt = l.indexOf('=');
        if (eqAt >= 0) {
            key = l.substring(0, eqAt);
            value = l.substring(eqAt + 1);
            if (key.endsWith("?")) {
                key = key.substring(0, key.length() - 1);
                optional = true;
            }
            if (o.file() != null) {
                key = key.strip();
                value = value.strip();
            }
        }
        String name = key.replace('/', '.');
        while (name.startsWith(".")) name = name.substring(1);
        SysctlNode node = nodeOf(name);
        List<SysctlNode> below = node == null ? below(name) : List.of();
        if (node == null && below.isEmpty()) {
            if (optional) return;
            if (!o.quiet()) perror(levelError(name, l));
            else errs++;
            throw new Exit();
        }
        if (value == null || node == null || node instanceof SysctlNode.StructNode) {
            if (value != null && !o.write()) mustSpecifyW();
            if (node != null) printLeaf(node, true, name);
            else for (SysctlNode n : below) printLeaf(n, false);
            return;
        }
        if (!o.write()) mustSpecifyW();
        writeNumber(name, value);
    }

    private void mustSpecifyW() throws Exit {
        perror("Must specify -w to set variables");
        throw new Exit(); // sysctl.c: exit(EXIT_FAILURE), -f or not
    }

    /** The leaf of that name ({@code net.key.dumpsa.N} is the dumpsa node with its SA type), or null. */
    private SysctlNode nodeOf(String name) {
        SysctlNode n = shape.node(name);
        if (n != null) return n;
        if (name.startsWith(SysctlNames.KEY_DUMPSA + ".")) return shape.node(SysctlNames.KEY_DUMPSA);
        return null;
    }

    private List<SysctlNode> below(String name) {
        List<SysctlNode> out = new ArrayList<>();
        String prefix = name.isEmpty() ? "" : name + ".";
        for (SysctlNode n : shape.nodes()) if (n.name().startsWith(prefix)) out.add(n);
        return out;
    }

    /** sysctlparseerror: the first component that names nothing, and its level. */
    private String levelError(String name, String arg) {
        String[] parts = name.split("\\.", -1);
        StringBuilder known = new StringBuilder();
        int level = 0;
        for (; level < parts.length; level++) {
            String candidate = known.isEmpty() ? parts[level] : known + "." + parts[level];
            if (nodeOf(candidate) == null && below(candidate).isEmpty()) break;
            known.setLength(0);
            known.append(candidate);
        }
        if (level >= parts.length) level = parts.length - 1;
        String lname = level < LEVEL.length ? LEVEL[level] : "deeper";
        return lname + " level name '" + parts[level] + "' in '" + arg + "' is invalid";
    }

    // ---- printing -------------------------------------------------------------------------------------------

    private void printLeaf(SysctlNode n, boolean requested) throws IOException {
        printLeaf(n, requested, n.name());
    }

    /** print_tree for one leaf; {@code requested}: named on the command line (sysctl.c {@code req}). */
    private void printLeaf(SysctlNode n, boolean requested, String name) throws IOException {
        try {
            switch (n) {
                case SysctlNode.IntNode i -> displayValue(name, tree.get(name));
                case SysctlNode.StructNode s -> {
                    if (o.hex() == 0) {
                        // display_struct / printother: silent when listed, an error when asked for by name
                        if (!requested) return;
                        if (name.startsWith(SysctlNames.KEY_DUMPSA) || name.equals(SysctlNames.KEY_DUMPSP)) {
                            perror(name + ": use 'setkey' to view this information");
                        } else if (name.matches("net\\.(inet|inet6)\\.[^.]+\\.stats")) {
                            perror(name + ": use 'netstat' to view this information");
                        } else {
                            perror(name + ": this type is unknown to this program");
                        }
                        return;
                    }
                    byte[] b = tree.struct(name);
                    if (o.quiet()) return;
                    if (!o.names()) out.print(name + o.eq());
                    if (o.hex() > 1) {
                        out.println();
                        out.print(hexDump(b));
                    } else {
                        out.println(HexFormat.of().formatHex(b));
                    }
                }
            }
        } catch (SysctlException e) {
            // sysctlerror(1): a soft error on a read, counted; NetBSD says "the value is not available", jipsec why
            if (requested) perror(e.getMessage());
        }
    }

    /** display_number(DISPLAY_VALUE). */
    private void displayValue(String name, int v) {
        if (o.quiet()) return;
        if (!o.names()) out.print(name + o.eq());
        if (o.hex() > 1) {
            out.println();
            out.print(hexDump(le(v)));
            return;
        }
        out.println(number(v));
    }

    private String number(int v) {
        return o.hex() > 0 ? String.format("0x%08x", v) : Integer.toString(v);
    }

    /** write_number: strtouq(value, 0), range-checked to an int, then {@code name: old -> new}. */
    private void writeNumber(String name, String value) throws IOException, Exit {
        int v;
        try {
            v = parseNumber(value);
        } catch (NumberFormatException e) {
            perror(value + ": " + e.getMessage());
            throw new Exit();
        }
        int[] change;
        try {
            change = tree.set(name, v);
        } catch (SysctlException e) {
            perror(e.getMessage()); // sysctlerror(0): "name: reason"
            throw new Exit();
        }
        if (o.quiet()) return;
        if (o.hex() > 1) {
            if (!o.names()) {
                out.println(name + ": ");
                out.print(hexDump(le(change[0])));
            }
            out.print(hexDump(le(change[1])));
            return;
        }
        if (!o.names()) out.print(name + ": " + number(change[0]) + " -> ");
        out.println(number(change[1]));
    }

    /**
     * strtouq(value, &t, 0) as write_number uses it: optional sign, {@code 0x} hex, leading-0 octal, decimal; the
     * whole string must be used; the high 32 bits must be 0 or all ones (a negative int).
     */
    static int parseNumber(String value) {
        String s = value.strip();
        boolean neg = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            neg = s.startsWith("-");
            s = s.substring(1);
        }
        int radix = 10;
        if (s.length() > 1 && (s.startsWith("0x") || s.startsWith("0X"))) {
            radix = 16;
            s = s.substring(2);
        } else if (s.length() > 1 && s.startsWith("0")) {
            radix = 8;
            s = s.substring(1);
        }
        final int r = radix;
        if (s.isEmpty() || !s.chars().allMatch(c -> Character.digit(c, r) >= 0)) {
            throw new NumberFormatException("not a number");
        }
        java.math.BigInteger q = new java.math.BigInteger(s, radix);
        if (q.bitLength() > 64) throw new NumberFormatException("Result too large");
        long bits = q.longValue();
        if (neg) bits = -bits;
        long hi = bits >>> 32;
        if (hi != 0 && hi != 0xffffffffL) throw new NumberFormatException("Result too large");
        return (int) bits;
    }

    private static byte[] le(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    /** sysctl.c hex_dump: 16 bytes a line, offset, hex, {@code |printable|}, then the byte count. */
    static String hexDump(byte[] buf) {
        StringBuilder b = new StringBuilder();
        char[] line = blank();
        for (int i = 0; i < buf.length; i++) {
            int j = i % 16;
            if (j == 0) {
                line[58] = '|';
                line[77] = '|';
                String off = String.format("%07x", i);
                off.getChars(0, 7, line, 0);
            }
            String h = String.format("%02x", buf[i] & 0xff);
            h.getChars(0, 2, line, 9 + j * 3);
            int c = buf[i] & 0xff;
            line[60 + j] = c >= 0x20 && c < 0x7f ? (char) c : '.';
            if (j == 15) {
                b.append(line, 0, 78).append('\n');
                line = blank();
            }
        }
        if (line[0] != ' ') b.append(line, 0, 78).append('\n');
        b.append(String.format("%07d bytes%n", buf.length));
        return b.toString();
    }

    private static char[] blank() {
        char[] c = new char[80];
        java.util.Arrays.fill(c, ' ');
        return c;
    }

    /** sysctlperror: {@code sysctl: [FILE#N: ]message}, counted. */
    private void perror(String message) {
        err.println("sysctl: " + (fileLine == null ? "" : fileLine) + message);
        errs++;
    }
}
