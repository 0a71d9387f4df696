package org.jipsec.io.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jipsec.core.guard.GuardSnapshot;
import org.jipsec.core.guard.NftRuleset;

/**
 * Applies the policy guard ({@link NftRuleset}) with {@code nft}: the table is replaced in one transaction
 * ({@code nft -f -}) at start — a stale table of the same name included — and again whenever the SPD or the sysctl
 * defaults change (checked every {@value #PERIOD_MS} ms, so at most one re-apply per period, off the packet thread).
 *
 * <p>Fail closed: {@link #close()} (the gateway stops) leaves the table in place. Its rules match interface names
 * ({@code iifname}/{@code oifname}), which need no existing device, so once the TUN and its routes are gone the
 * packets the SPD says must be protected — now routed out of another interface — meet the same drop rules and never
 * leave in clear; what passes (ESP, AH, IPComp, IKE and NAT-T, neighbour discovery, bypass policies) is unchanged,
 * and nothing is accepted for the daemon's mark, which no packet carries once the daemon is gone. The table is
 * removed only by {@link #remove} ({@code jipsec gateway --cleanup}) or replaced atomically by the next start. Its
 * drop counters ({@code in_polvio}, {@code out_polvio}) are read with
 * {@code nft -j list counters}; counts of a table replaced by a re-apply are carried over.
 *
 * <p>Namespaces: {@code nft} must run in the gateway's network namespace, which is the namespace of the thread that
 * called {@link #start} (a thread's namespace is per thread; a thread it creates and a process it spawns inherit it).
 * So every {@code nft} call after the first runs on the guard's own thread, created in {@link #start}; other threads
 * hand it their requests.
 *
 * <p>Failures never stop the gateway: a missing or failing {@code nft} gives one warning line (repeated only when
 * the message changes), and the guard keeps trying on the next change.
 */
public final class PolicyGuard implements AutoCloseable {

    static final int PERIOD_MS = 200;
    private static final Pattern COUNTER = Pattern.compile(
            "\\{\"counter\":\\s*\\{[^{}]*?\"name\":\\s*\"(in_polvio|out_polvio)\"[^{}]*?\"packets\":\\s*(\\d{1,18})");

    private final NftRuleset.Config config;
    private final Supplier<GuardSnapshot> snapshot;
    private final Supplier<Object> version;
    private final GatewayDaemon.Log log;
    private final String nftCommand;
    private final LinkedBlockingQueue<Runnable> requests = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean stopping;
    private Object appliedVersion;
    private boolean installed;
    private String lastWarning;
    /** Drops counted by tables this guard replaced (touched by the guard thread only). */
    private long baseIn, baseOut;

    private PolicyGuard(
            NftRuleset.Config config,
            Supplier<GuardSnapshot> snapshot,
            Supplier<Object> version,
            GatewayDaemon.Log log,
            String nftCommand) {
        this.nftCommand = nftCommand;
        this.config = config;
        this.snapshot = snapshot;
        this.version = version;
        this.log = log;
        this.thread = Thread.ofPlatform().name("jipsec-guard").daemon().unstarted(this::loop);
    }

    /**
     * Applies the guard once (on the calling thread, which must be in the gateway's namespace) and starts the thread
     * that follows the SPD.
     *
     * @param snapshot the SPD resolved now (the caller takes whatever lock the engine needs)
     * @param version  a cheap value that changes whenever the snapshot would (SPD generation, sysctl defaults)
     */
    public static PolicyGuard start(
            NftRuleset.Config config,
            Supplier<GuardSnapshot> snapshot,
            Supplier<Object> version,
            GatewayDaemon.Log log) {
        return start(config, snapshot, version, log, "nft");
    }

    /** {@link #start} with another nft executable (tests: a missing one). */
    static PolicyGuard start(
            NftRuleset.Config config,
            Supplier<GuardSnapshot> snapshot,
            Supplier<Object> version,
            GatewayDaemon.Log log,
            String nftCommand) {
        PolicyGuard g = new PolicyGuard(
                Objects.requireNonNull(config),
                Objects.requireNonNull(snapshot),
                Objects.requireNonNull(version),
                Objects.requireNonNull(log),
                Objects.requireNonNull(nftCommand));
        g.applyIfChanged();
        if (g.installed)
            log.line("policy guard: nftables table " + NftRuleset.table(config)
                    + " enforces the SPD on traffic outside " + config.tun());
        g.thread.start();
        return g;
    }

    /** The table, as nft names it ({@code inet jipsec_<tun>}). */
    public String table() {
        return NftRuleset.table(config);
    }

    /** Whether the last apply succeeded (the table is in place). */
    public boolean installed() {
        return installed;
    }

    private void loop() {
        while (!stopping) {
            try {
                Runnable r = requests.poll(PERIOD_MS, TimeUnit.MILLISECONDS);
                if (r != null) r.run();
                if (!stopping) applyIfChanged();
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                warn("policy guard: " + e);
            }
        }
        Runnable r;
        while ((r = requests.poll()) != null) r.run();
    }

    private void applyIfChanged() {
        Object v = version.get();
        if (installed && v.equals(appliedVersion)) return;
        if (!installed && lastWarning != null && v.equals(appliedVersion))
            return; // failed for this version: wait for a change
        appliedVersion = v;
        long[] before = installed ? readCounters() : null;
        String text = NftRuleset.transaction(config, snapshot.get());
        String error = nft(text, "-f", "-");
        if (error == null) {
            if (before != null) {
                baseIn += before[0];
                baseOut += before[1];
            }
            installed = true;
            lastWarning = null;
        } else {
            installed = false;
            warn("policy guard: " + error + "; cleartext traffic outside " + config.tun()
                    + " is NOT checked against the SPD");
        }
    }

    /**
     * Applies the current snapshot now if its version changed, on the guard's thread, and waits for it (at most
     * 12 s): a registration that opens a hole ({@code bypass} socket) answers its client only once the hole is in
     * the table, so the socket's first packet is not dropped. Returns whether the table is installed.
     */
    public boolean sync() {
        if (Thread.currentThread() == thread) {
            applyIfChanged();
            return installed;
        }
        if (stopping || !thread.isAlive()) return false;
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        requests.add(() -> {
            try {
                applyIfChanged();
            } finally {
                f.complete(installed);
            }
        });
        try {
            return f.get(12, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    /**
     * Drops counted since start: {@code [in_polvio, out_polvio]} packets; zeros if the guard is not installed. Runs
     * {@code nft} on the guard's thread (at most 5 s).
     */
    public long[] counters() {
        if (Thread.currentThread() == thread) return total();
        CompletableFuture<long[]> f = new CompletableFuture<>();
        if (stopping || !thread.isAlive()) return new long[] {baseIn, baseOut};
        requests.add(() -> f.complete(total()));
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new long[] {baseIn, baseOut};
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return new long[] {baseIn, baseOut};
        }
    }

    private long[] total() {
        long[] now = installed ? readCounters() : new long[2];
        return new long[] {baseIn + now[0], baseOut + now[1]};
    }

    private long[] readCounters() {
        String[] out = new String[1];
        String error = run(null, out, "-j", "list", "counters", "table", "inet", config.tableName());
        return error != null ? new long[2] : parseCounters(out[0]);
    }

    /** {@code in_polvio} and {@code out_polvio} packets from {@code nft -j list counters} output. */
    static long[] parseCounters(String json) {
        long[] v = new long[2];
        Matcher m = COUNTER.matcher(json);
        while (m.find()) v[m.group(1).equals("in_polvio") ? 0 : 1] = Long.parseLong(m.group(2));
        return v;
    }

    /**
     * Stops following the SPD and leaves the table in place (fail closed, see the class comment): the gateway is
     * stopping, and cleartext the SPD forbids must stay dropped while it is down.
     */
    @Override
    public synchronized void close() {
        if (stopping) return;
        CompletableFuture<Void> done = new CompletableFuture<>();
        requests.add(
                () -> { // a last apply: an SPD change of the last period is in the kept table
                    try {
                        applyIfChanged();
                    } finally {
                        done.complete(null);
                    }
                });
        stopping = true; // then the loop applies nothing more
        try {
            done.get(15, TimeUnit.SECONDS); // an nft run finishes (at most 10 s) before the JVM exits
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.line("policy guard: last apply of " + table() + " did not finish in time");
        }
        if (installed) {
            log.line("policy guard: table " + table() + " kept: cleartext the SPD forbids stays dropped while the "
                    + "gateway is stopped (the next start replaces it; 'jipsec gateway --cleanup --tun " + config.tun()
                    + "' removes it)");
        } else {
            log.line("policy guard: the last apply of " + table() + " failed: cleartext the SPD forbids may NOT be "
                    + "blocked while the gateway is stopped");
        }
    }

    /** What {@link #remove} found. */
    public enum Removal {
        REMOVED,
        ABSENT
    }

    /**
     * Removes the table of the gateway on {@code config}'s TUN, in the calling thread's namespace: {@code jipsec
     * gateway --cleanup}, and a start with the guard turned off. {@link Removal#ABSENT} when there is none.
     *
     * @throws IOException when nft is missing or fails (the reason in one line)
     */
    public static Removal remove(NftRuleset.Config config) throws IOException {
        return remove(config, "nft");
    }

    static Removal remove(NftRuleset.Config config, String nftCommand) throws IOException {
        String[] out = new String[1];
        String error = run(nftCommand, null, out, "list", "tables", "inet");
        if (error != null) throw new IOException(error);
        if (!listsTable(out[0], config.tableName())) return Removal.ABSENT;
        error = run(nftCommand, NftRuleset.removal(config), null, "-f", "-");
        if (error != null) throw new IOException(error);
        return Removal.REMOVED;
    }

    /** Whether {@code nft list tables inet} output names {@code table} ("table inet NAME" lines). */
    static boolean listsTable(String listing, String table) {
        for (String line : listing.split("\n", -1)) {
            if (line.strip().equals("table inet " + table)) return true;
        }
        return false;
    }

    private void warn(String message) {
        if (message.equals(lastWarning)) return;
        lastWarning = message;
        log.line(message);
    }

    /** Runs nft with {@code stdin}; null when it succeeded, else a one-line reason. */
    private String nft(String stdin, String... args) {
        return run(stdin, null, args);
    }

    private String run(String stdin, String[] stdout, String... args) {
        return run(nftCommand, stdin, stdout, args);
    }

    private static String run(String nftCommand, String stdin, String[] stdout, String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = nftCommand;
        System.arraycopy(args, 0, argv, 1, args.length);
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(false).start();
        } catch (IOException e) {
            return "cannot run nft (" + e.getMessage() + ")";
        }
        try {
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            byte[] out = readAll(p.getInputStream());
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "nft did not finish in 10 s";
            }
            if (stdout != null) stdout[0] = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() == 0) return null;
            String e = new String(err.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip();
            int nl = e.indexOf('\n');
            return "nft failed (status " + p.exitValue() + "): " + (nl < 0 ? e : e.substring(0, nl));
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
            return "nft: " + e.getMessage();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static byte[] readAll(java.io.InputStream s) {
        try (s) {
            return s.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
