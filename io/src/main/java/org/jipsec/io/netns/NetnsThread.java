package org.jipsec.io.netns;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.jipsec.io.ffm.LibC;

/**
 * Runs code inside a named network namespace ({@code /run/netns/NAME}, as {@code ip netns add} creates)
 * without leaving the JVM.
 *
 * <p>How: a fresh platform thread calls {@code setns(fd, CLONE_NEWNET)} (setns(2)); Linux keeps the network
 * namespace per thread, so only that thread moves, and the rest of the JVM stays where it was. Sockets and
 * TUN devices opened on that thread belong to the namespace for their whole life — they can then be used from
 * any thread. Things that look names up in the <em>current</em> namespace ({@code ioctl(SIOCSIFMTU)},
 * {@code if_nametoindex}) must also run inside. The thread ends after the task, so no JVM thread is left in a
 * namespace that is later deleted.
 */
public final class NetnsThread {
    private NetnsThread() {}

    /** Runs {@code task} on a new thread inside namespace {@code ns} and returns its result (waits at most 60 s). */
    public static <T> T call(String ns, Callable<T> task) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("netns-" + ns).unstarted(() -> {
            try {
                enter(ns);
                result.set(task.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join(60_000);
        if (t.isAlive()) {
            throw new IOException("task in namespace " + ns + " did not finish within 60 s");
        }
        Throwable f = failure.get();
        if (f instanceof Exception e) {
            throw e;
        }
        if (f instanceof Error e) {
            throw e;
        }
        return result.get();
    }

    /**
     * Starts a platform thread that enters {@code ns} and then runs {@code body} (for long-running loops such as
     * a benchmark peer). If entering fails, the thread ends and the error goes to its uncaught-exception handler.
     */
    public static Thread start(String ns, String name, Runnable body) {
        Thread t = Thread.ofPlatform().name(name).daemon(true).unstarted(() -> {
            try {
                enter(ns);
            } catch (IOException e) {
                throw new IllegalStateException("cannot enter network namespace " + ns, e);
            }
            body.run();
        });
        t.start();
        return t;
    }

    /** Moves the calling thread into namespace {@code ns}. Only for threads the caller owns and will end. */
    public static void enter(String ns) throws IOException {
        if (ns.isEmpty() || ns.contains("/") || ns.startsWith(".")) {
            throw new IllegalArgumentException("bad namespace name: " + ns);
        }
        int fd = LibC.open("/run/netns/" + ns, LibC.O_CLOEXEC);
        try {
            LibC.setns(fd, LibC.CLONE_NEWNET);
        } finally {
            LibC.close(fd);
        }
    }
}
