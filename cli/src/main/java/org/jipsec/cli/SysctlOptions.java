package org.jipsec.cli;

import java.util.List;

/**
 * sysctl(8)'s command line, read with getopt(3) semantics over NetBSD's {@code "Aabdef:Mnqrwx"} (sbin/sysctl/sysctl.c
 * {@code main}), plus jipsec's {@code -s} (statistics as netstat prints them). Flags may be grouped ({@code -nw},
 * {@code -xx}); {@code -f} takes the rest of its word or the next word; {@code --} or the first operand ends the options.
 * The combinations sysctl.c refuses ({@code -x} with {@code -r}, {@code -a}/{@code -A} with {@code -q}) and the
 * options jipsec does not implement ({@code -d}, {@code -M}, {@code -r}/{@code -b}) are usage errors.
 *
 * @param all     {@code -a} (or {@code -A}): every variable
 * @param eq      what separates name and value when printing ({@code " = "}, or {@code "="} with {@code -e})
 * @param file    {@code -f FILE}: one request per line (implies {@code -w}); null without
 * @param names   {@code -n}: values only
 * @param quiet   {@code -q}: print nothing for successful writes and reads, nothing for unknown names
 * @param write   {@code -w}: {@code name=value} writes are allowed
 * @param hex     {@code -x} count: 1 prints integers as {@code 0x%08x}, 2 as a hex dump
 * @param netstat jipsec's {@code -s}
 */
public record SysctlOptions(
        boolean all,
        String eq,
        String file,
        boolean names,
        boolean quiet,
        boolean write,
        int hex,
        boolean netstat,
        List<String> args) {

    public SysctlOptions {
        args = List.copyOf(args);
    }

    /** A command line sysctl.c answers with its usage text and status 1. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message, null, false, false);
        }
    }

    /** sysctl.c usage(), to standard error. */
    public static String usage() {
        String p = "sysctl";
        return "usage:\t" + p + " [-dneq] [-x[x]|-r] variable ...\n"
                + "\t" + p + " [-ne] [-q] -w variable=value ...\n"
                + "\t" + p + " [-dne] -a\n"
                + "\t" + p + " [-dne] -A\n"
                + "\t" + p + " [-ne] -M\n"
                + "\t" + p + " [-dne] [-q] -f file\n"
                + "\t" + p + " -s (jipsec: the statistics as netstat -s prints them)\n";
    }

    public static SysctlOptions parse(List<String> argv) throws UsageException {
        boolean a = false, n = false, q = false, w = false, s = false;
        String eq = " = ", file = null;
        int x = 0;
        int i = 0;
        for (; i < argv.size(); i++) {
            String word = argv.get(i);
            if (word.equals("--")) {
                i++;
                break;
            }
            if (!word.startsWith("-") || word.length() == 1) break;
            for (int j = 1; j < word.length(); j++) {
                char c = word.charAt(j);
                switch (c) {
                    case 'a', 'A' -> a = true;
                    case 'e' -> eq = "=";
                    case 'f' -> {
                        if (j + 1 < word.length()) file = word.substring(j + 1);
                        else if (i + 1 < argv.size()) file = argv.get(++i);
                        else throw new UsageException("option requires an argument -- f");
                        w = true;
                        j = word.length();
                    }
                    case 'n' -> n = true;
                    case 'q' -> q = true;
                    case 'w' -> w = true;
                    case 'x' -> x++;
                    case 's' -> s = true;
                    case 'd', 'M', 'r', 'b' -> throw new UsageException("-" + c + " is not implemented by jipsec");
                    default -> throw new UsageException("unknown option -- " + c);
                }
            }
        }
        if (a && q) throw new UsageException("-a and -q do not go together");
        return new SysctlOptions(a, eq, file, n, q, w, x, s, argv.subList(i, argv.size()));
    }
}
