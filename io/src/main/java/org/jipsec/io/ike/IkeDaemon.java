package org.jipsec.io.ike;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.control.AdminResult;
import org.jipsec.core.ike.control.IkeAdmin;
import org.jipsec.core.ike.control.IkeStatus;

/**
 * {@code jipsec iked}'s event loop: ONE thread owns the {@link IkeRuntime} (and so every engine) and runs, in order,
 * the tasks posted to it — datagrams, PF_KEY events, admin commands, reloads — and the timers that are due. Sources
 * post from their own threads into a bounded queue (overflow is counted and dropped, never blocks a reader). Admin
 * calls wait for their answer at most {@link #ADMIN_WAIT}. A task that throws is logged and counted; the loop
 * goes on.
 */
public final class IkeDaemon implements IkeAdmin, AutoCloseable {

    public static final Duration ADMIN_WAIT = Duration.ofSeconds(5);
    private static final int QUEUE = 4096;

    /** Work for the loop: gets the runtime and the loop's {@code now}. */
    @FunctionalInterface
    public interface Task {
        void run(IkeRuntime runtime, long now);
    }

    private final IkeRuntime runtime;
    private final IkeRuntimeAdmin admin;
    private final LongSupplier clock;
    private final BlockingQueue<Task> tasks = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong droppedTasks = new AtomicLong();
    private final AtomicLong taskErrors = new AtomicLong();
    private final Thread loop;
    private volatile boolean running = true;

    public IkeDaemon(IkeRuntime runtime, LongSupplier clockMillis) {
        this.runtime = runtime;
        this.admin = new IkeRuntimeAdmin(runtime);
        this.clock = clockMillis;
        this.loop = Thread.ofPlatform().name("jipsec-iked-loop").unstarted(this::run);
    }

    /** Starts the loop; its first task is {@link IkeRuntime#start} (traps, start_action=start). */
    public void start() {
        post((rt, now) -> rt.start(now));
        loop.start();
    }

    /** Queues a task; false (counted) when the queue is full. */
    public boolean post(Task t) {
        if (tasks.offer(t)) return true;
        droppedTasks.incrementAndGet();
        return false;
    }

    private void run() {
        while (running) {
            long now = clock.getAsLong();
            long deadline = runtime.nextDeadline();
            long wait = Math.max(0, Math.min(1000, deadline == Long.MAX_VALUE ? 1000 : deadline - now));
            Task t;
            try {
                t = tasks.poll(wait, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                if (!running) return;
                continue;
            }
            if (t != null) guarded(t);
            guarded((rt, n) -> rt.timers(n));
        }
    }

    private void guarded(Task t) {
        try {
            t.run(runtime, clock.getAsLong());
        } catch (RuntimeException e) {
            taskErrors.incrementAndGet();
            runtime.log.line("internal error (event dropped): " + e);
        }
    }

    /** Runs {@code f} on the loop and waits for its answer (bounded). */
    public <T> T call(Function<Long, T> f, T onTimeout) {
        if (Thread.currentThread() == loop) return f.apply(clock.getAsLong());
        CompletableFuture<T> done = new CompletableFuture<>();
        if (!post((rt, now) -> {
            try {
                done.complete(f.apply(now));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                throw e;
            }
        })) {
            return onTimeout;
        }
        try {
            return done.get(ADMIN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return onTimeout;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return onTimeout;
        }
    }

    @Override
    public IkeStatus status() {
        return call(admin::status, new IkeStatus(java.util.List.of(), java.util.List.of()));
    }

    @Override
    public AdminResult initiate(String name) {
        return call(now -> admin.initiate(name, now), busy());
    }

    @Override
    public AdminResult terminate(String name) {
        return call(now -> admin.terminate(name, now), busy());
    }

    @Override
    public AdminResult rekey(String name) {
        return call(now -> admin.rekey(name, now), busy());
    }

    private static AdminResult busy() {
        return AdminResult.refused("iked did not answer within " + ADMIN_WAIT.toSeconds() + " s");
    }

    /** SIGHUP with a configuration that loaded: the diff is applied on the loop. */
    public void reload(IkeConfig next) {
        post((rt, now) -> admin.reload(next, now));
    }

    /** SIGHUP with re-read credentials (certificates, keys, CAs, CRLs). */
    public void reload(IkeConfig next, IkeCredentials credentials) {
        post((rt, now) -> admin.reload(next, credentials, now));
    }

    /** A reader thread that posts every datagram {@code transport} receives into the loop. */
    public void pump(IkeTransport transport) {
        Thread.ofPlatform().name("jipsec-iked-udp").daemon().start(() -> {
            while (running) {
                try {
                    transport
                            .receive(500)
                            .ifPresent(d -> post((rt, now) -> {
                                java.net.InetAddress to = d.local().getAddress().isAnyLocalAddress()
                                        ? rt.localAddress
                                        : d.local().getAddress();
                                rt.datagram(
                                        new org.jipsec.core.ike.engine.IkeEndpoint(
                                                d.remote().getAddress(),
                                                d.remote().getPort()),
                                        new org.jipsec.core.ike.engine.IkeEndpoint(
                                                to,
                                                d.natT()
                                                        ? rt.natTPort
                                                        : d.local().getPort()),
                                        d.message(),
                                        now);
                            }));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** A reader thread that posts every PF_KEY event (ACQUIRE, EXPIRE, DELETE, FLUSH) into the loop. */
    public void pump(PfkeyKernel kernel) {
        Thread.ofPlatform().name("jipsec-iked-kernel").daemon().start(() -> {
            while (running) {
                try {
                    kernel.nextEvent(Duration.ofMillis(500)).ifPresent(e -> post((rt, now) -> rt.kernelEvent(e, now)));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    public long droppedTasks() {
        return droppedTasks.get();
    }

    public long taskErrors() {
        return taskErrors.get();
    }

    /**
     * SIGTERM: sends a Delete for every IKE SA, waits up to {@code grace} for the peers' answers, then removes what
     * is left (SAs and policies) from the kernel and stops the loop.
     */
    public void shutdown(Duration grace) {
        call(
                now -> {
                    admin.shutdown(now);
                    return null;
                },
                null);
        long end = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < end && call(now -> runtime.saCount(), 0) > 0) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        call(
                now -> {
                    admin.forceClose();
                    return null;
                },
                null);
        close();
    }

    @Override
    public void close() {
        running = false;
        loop.interrupt();
        try {
            loop.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
