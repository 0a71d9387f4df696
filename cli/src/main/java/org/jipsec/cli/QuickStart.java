package org.jipsec.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Starts {@code jipsec setkey} and {@code jipsec sysctl} without building a picocli model (issue #17 item 4). Both
 * read their own NetBSD getopt-style flags; picocli only took their few long options, at the price of reflecting over
 * the command's annotations on every call — most of a setkey call's start-up, and NetBSD's test scripts call setkey
 * dozens of times per case. Anything this class does not recognise exactly ({@code --help}, an unknown long option,
 * {@code --}, a missing value) goes to picocli, so usage and errors stay picocli's. {@code QuickStartTest} checks that
 * the long options here are exactly the commands' picocli options.
 */
final class QuickStart {

    private QuickStart() {}

    /** The long options taking a value, and the flags, of each command (must equal its picocli options). */
    static final Set<String> SETKEY_VALUES = Set.of("--pfkey"), SETKEY_FLAGS = Set.of("--embedded", "--strict");

    static final Set<String> SYSCTL_VALUES = Set.of("--pfkey", "--socket"), SYSCTL_FLAGS = Set.of("--embedded");

    /** The exit status of running {@code args} directly, or empty when picocli must handle them. */
    static Optional<Integer> run(String[] args) {
        if (args.length == 0) return Optional.empty();
        try {
            return switch (args[0]) {
                case "setkey" -> setkey(args);
                case "sysctl" -> sysctl(args);
                case "aot-train" ->
                    args.length <= 2
                            ? Optional.of(AotTraining.run(args.length == 2 ? args[1] : null))
                            : Optional.empty();
                default -> Optional.empty();
            };
        } catch (IOException e) {
            System.err.println("jipsec: " + e.getMessage());
            return Optional.of(1);
        }
    }

    /**
     * Names the JDK's own selector provider so that the first {@code SocketChannel.open} (the PF_KEY and sysctl
     * sockets) takes it from this property instead of a {@link java.util.ServiceLoader} lookup, which opens the jar
     * and reads its whole index only to find no provider there (JDK {@code SelectorProvider.provider()}: the
     * property, then the service loader, then the default). {@code sun.nio.ch.EPollSelectorProvider} is that default
     * on Linux, the only system jipsec runs on; a provider the user named stays.
     */
    private static void defaultSelectorProvider() {
        String key = "java.nio.channels.spi.SelectorProvider";
        if (System.getProperty(key) == null && "Linux".equals(System.getProperty("os.name"))) {
            System.setProperty(key, "sun.nio.ch.EPollSelectorProvider");
        }
    }

    /** The long options of {@code args[1..]} (name → value, "" for a flag), the rest in order; null to decline. */
    private record Parsed(java.util.Map<String, String> longs, List<String> rest) {}

    private static Parsed parse(String[] args, Set<String> values, Set<String> flags) {
        java.util.Map<String, String> longs = new java.util.HashMap<>();
        List<String> rest = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                rest.add(a);
                continue;
            }
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            if (values.contains(name)) {
                String v;
                if (eq >= 0) v = a.substring(eq + 1);
                else if (i + 1 < args.length) v = args[++i];
                else return null; // picocli says "Missing required parameter"
                if (longs.put(name, v) != null) return null; // repeated: picocli's rules
            } else if (flags.contains(name) && eq < 0) {
                if (longs.put(name, "") != null) return null;
            } else {
                return null; // --help, --, unknown: picocli
            }
        }
        return new Parsed(longs, rest);
    }

    /** As picocli makes them: the stream's own charset, flushed at every println (setkey -x streams). */
    private static PrintWriter out() {
        return new PrintWriter(new OutputStreamWriter(System.out, System.out.charset()), true);
    }

    private static PrintWriter err() {
        return new PrintWriter(new OutputStreamWriter(System.err, System.err.charset()), true);
    }

    private static Path path(String v) {
        try {
            return Path.of(v);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** A command's run over stdout and stderr made as picocli makes them. */
    @FunctionalInterface
    private interface Run {
        int run(PrintWriter out, PrintWriter err) throws IOException;
    }

    private static int withStreams(Run r) throws IOException {
        PrintWriter out = out(), err = err();
        try {
            return r.run(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static Optional<Integer> setkey(String[] args) throws IOException {
        defaultSelectorProvider();
        Parsed p = parse(args, SETKEY_VALUES, SETKEY_FLAGS);
        if (p == null) return Optional.empty();
        SetkeyCommand c = new SetkeyCommand();
        if (p.longs().containsKey("--pfkey")) {
            c.pfkey = path(p.longs().get("--pfkey"));
            if (c.pfkey == null) return Optional.empty();
        }
        c.embedded = p.longs().containsKey("--embedded");
        c.strict = p.longs().containsKey("--strict");
        c.argv = p.rest();
        return Optional.of(withStreams(c::run));
    }

    private static Optional<Integer> sysctl(String[] args) throws IOException {
        defaultSelectorProvider();
        Parsed p = parse(args, SYSCTL_VALUES, SYSCTL_FLAGS);
        if (p == null) return Optional.empty();
        SysctlCommand c = new SysctlCommand();
        for (String name : List.of("--pfkey", "--socket")) {
            if (!p.longs().containsKey(name)) continue;
            Path v = path(p.longs().get(name));
            if (v == null) return Optional.empty();
            if (name.equals("--pfkey")) c.pfkey = v;
            else c.socket = v;
        }
        c.embedded = p.longs().containsKey("--embedded");
        c.argv = p.rest();
        return Optional.of(withStreams(c::run));
    }
}
