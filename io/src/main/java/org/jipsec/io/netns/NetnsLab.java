package org.jipsec.io.netns;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A disposable set of network namespaces joined by veth pairs, built with {@code ip} (iproute2), every command
 * bounded by a timeout. Names are unique per JVM and run ({@code jip<pid><random><n>}), so parallel tests and
 * leftovers of crashed runs never collide. {@link #close()} deletes every namespace it created (which also
 * destroys the veths and TUN devices inside) and reports, but does not stop at, individual failures. Needs
 * root (CAP_SYS_ADMIN).
 *
 * <pre>
 * try (NetnsLab lab = new NetnsLab()) {
 *     String a = lab.namespace(), b = lab.namespace();
 *     VethPair v = lab.veth(a, b);
 *     lab.address(a, v.a(), "10.1.0.1/24"); lab.address(b, v.b(), "10.1.0.2/24");
 *     lab.exec(a, Duration.ofSeconds(5), "ping", "-c1", "10.1.0.2");
 *     NetnsThread.call(b, () -> RawIpSocket.open(false, 50, RawIpSocket.Options.defaults()));
 * }
 * </pre>
 */
public final class NetnsLab implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private final String prefix;
    private final Duration timeout;
    private final List<String> namespaces = new ArrayList<>();
    private int veths;

    /** A lab whose {@code ip} commands time out after {@link Commands#DEFAULT_TIMEOUT}. */
    public NetnsLab() {
        this(Commands.DEFAULT_TIMEOUT);
    }

    /** A lab whose {@code ip} commands time out after {@code timeout}. */
    public NetnsLab(Duration timeout) {
        this.timeout = timeout;
        byte[] r = new byte[2];
        ThreadLocalRandom.current().nextBytes(r);
        this.prefix = "j" + Long.toString(ProcessHandle.current().pid() % 100000, 36)
                + HexFormat.of().formatHex(r) + Integer.toString(COUNTER.getAndIncrement() % 1296, 36);
    }

    /** True if this process may create namespaces here (root and {@code ip} present). */
    public static boolean available() {
        try {
            return "root".equals(System.getProperty("user.name"))
                    && Commands.run(List.of("ip", "netns", "list"), Duration.ofSeconds(5))
                            .ok();
        } catch (IOException e) {
            return false;
        }
    }

    /** Creates a new namespace with {@code lo} up; returns its name. */
    public synchronized String namespace() throws IOException {
        String ns = prefix + "n" + namespaces.size();
        Commands.check(List.of("ip", "netns", "add", ns), timeout);
        namespaces.add(ns);
        ip(ns, "link", "set", "lo", "up");
        return ns;
    }

    /** The namespaces created so far. */
    public synchronized List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    /** Creates a veth pair between two of the lab's namespaces and brings both ends up. */
    public VethPair veth(String nsA, String nsB) throws IOException {
        String base;
        synchronized (this) {
            base = (prefix + "v" + veths++);
        }
        if (base.length() > 14) {
            base = base.substring(base.length() - 14);
        }
        String a = base + "a";
        String b = base + "b";
        Commands.check(
                List.of("ip", "-n", nsA, "link", "add", a, "type", "veth", "peer", "name", b, "netns", nsB), timeout);
        ip(nsA, "link", "set", a, "up");
        ip(nsB, "link", "set", b, "up");
        return new VethPair(nsA, a, nsB, b);
    }

    /** Adds an address in CIDR form ({@code 10.0.0.1/24}, {@code fd00::1/64}; IPv6 without DAD). */
    public void address(String ns, String dev, String cidr) throws IOException {
        if (cidr.contains(":")) {
            ip(ns, "-6", "addr", "add", cidr, "dev", dev, "nodad");
        } else {
            ip(ns, "addr", "add", cidr, "dev", dev);
        }
    }

    /** Brings {@code dev} up in {@code ns}. */
    public void up(String ns, String dev) throws IOException {
        ip(ns, "link", "set", dev, "up");
    }

    /** {@code ip -n ns route add <args>} (e.g. {@code "10.2.0.0/24", "dev", "tun0"}). */
    public void route(String ns, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("route", "add"));
        argv.addAll(List.of(args));
        ip(ns, argv.toArray(String[]::new));
    }

    /** Runs {@code ip -n ns <args>}; throws with stderr on failure; returns stdout. */
    public String ip(String ns, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", ns));
        argv.addAll(List.of(args));
        return Commands.check(argv, timeout);
    }

    /** Runs a command inside {@code ns} ({@code ip netns exec}), bounded by {@code limit}; any exit status. */
    public CommandResult exec(String ns, Duration limit, String... command) throws IOException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(List.of(command));
        return Commands.run(argv, limit);
    }

    /** Deletes every namespace of the lab (newest first). */
    @Override
    public synchronized void close() throws IOException {
        IOException first = null;
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            try {
                Commands.check(List.of("ip", "netns", "delete", namespaces.get(i)), timeout);
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        namespaces.clear();
        if (first != null) {
            throw first;
        }
    }
}
