package org.jipsec.core.setkey;

import java.util.ArrayList;
import java.util.List;

/**
 * setkey's command line, read with getopt(3) semantics over {@code "acdf:HlnvxDFPphVrk?"} (spec §2.1), plus
 * jipsec's {@code -s} (strict): flags may be
 * grouped ({@code -DP}, {@code -xx}), {@code -f} takes the rest of its word or the next word ({@code -ffile},
 * {@code -f file}), {@code --} ends the options, the first non-option word ends them too (POSIX order).
 *
 * @param strict jipsec's {@code -s}: read the whole input before sending anything, stop at the first error, report
 *               errors on standard error and exit 1 when a statement was refused ({@link SetkeyRunner}); without it
 *               setkey behaves as NetBSD's (not in NetBSD's option string, so no NetBSD script uses it)
 * @param files the words after the options: files of raw PF_KEY messages to print
 */
public record SetkeyOptions(
        boolean all,
        boolean stdin,
        String file,
        boolean hexdump,
        boolean loop,
        boolean noAction,
        boolean verbose,
        int promisc,
        boolean dump,
        boolean flush,
        boolean policy,
        boolean ports,
        boolean version,
        boolean rk,
        boolean usage,
        boolean strict,
        List<String> files) {

    public SetkeyOptions {
        files = List.copyOf(files);
    }

    /** Thrown for an unknown option or a missing {@code -f} argument (getopt prints the message, setkey its usage). */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message, null, false, false);
        }
    }

    public static SetkeyOptions parse(List<String> argv) throws UsageException {
        boolean a = false,
                c = false,
                h = false,
                l = false,
                n = false,
                v = false,
                d = false,
                fl = false,
                p = false,
                pp = false,
                ver = false,
                rk = false,
                usage = false,
                strict = false;
        int x = 0;
        String file = null;
        int i = 0;
        for (; i < argv.size(); i++) {
            String w = argv.get(i);
            if (w.equals("--")) {
                i++;
                break;
            }
            if (!w.startsWith("-") || w.length() == 1) break;
            for (int j = 1; j < w.length(); j++) {
                char ch = w.charAt(j);
                switch (ch) {
                    case 'a' -> a = true;
                    case 'c' -> c = true;
                    case 'd' -> {} // NetBSD: accepted, no effect
                    case 'f' -> {
                        if (j + 1 < w.length()) file = w.substring(j + 1);
                        else if (i + 1 < argv.size()) file = argv.get(++i);
                        else throw new UsageException("option requires an argument -- f");
                        j = w.length();
                    }
                    case 'H', 'h' -> h = true;
                    case 'l' -> l = true;
                    case 'n' -> n = true;
                    case 'v' -> v = true;
                    case 'x' -> x++;
                    case 'D' -> d = true;
                    case 'F' -> fl = true;
                    case 'P' -> p = true;
                    case 'p' -> pp = true;
                    case 'V' -> ver = true;
                    case 'r', 'k' -> rk = true;
                    case '?' -> usage = true;
                    case 's' -> strict = true; // jipsec only

                    default -> throw new UsageException("unknown option -- " + ch);
                }
            }
        }
        return new SetkeyOptions(
                a,
                c,
                file,
                h,
                l,
                n,
                v,
                x,
                d,
                fl,
                p,
                pp,
                ver,
                rk,
                usage,
                strict,
                new ArrayList<>(argv.subList(i, argv.size())));
    }
}
