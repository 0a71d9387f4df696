package org.jipsec.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jipsec.core.pfkey.PfkeyException;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.setkey.KeyChannel;
import org.jipsec.io.pfkey.PfkeyClient;

/**
 * setkey's PF_KEY channel to a running jipsecd ({@link PfkeyClient} over the Unix socket). Replies are the messages
 * of the request's type and pid; like setkey's sendkeymsg it keeps receiving while a reply carries seq ≠ 0 (a dump
 * chain) and stops at an error. Other messages (broadcasts to registered sockets) are skipped.
 *
 * <p>setkey.c sets SO_RCVTIMEO to 1 s; here each reply must arrive within {@link #DEFAULT_TIMEOUT_MILLIS} of the
 * previous one (a long dump keeps going), otherwise the connection is closed and the request fails with a clear
 * message instead of hanging. {@code setkey -x} ({@link #receive}) waits without limit.
 */
final class SocketKeyChannel implements KeyChannel {
    static final long DEFAULT_TIMEOUT_MILLIS = 10_000;

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("setkey-timeout").daemon().unstarted(r));

    private final PfkeyClient client;
    private final long timeoutMillis;
    private volatile boolean timedOut;

    private SocketKeyChannel(PfkeyClient client, long timeoutMillis) {
        this.client = client;
        this.timeoutMillis = timeoutMillis;
    }

    static SocketKeyChannel connect(Path path) throws IOException {
        return connect(path, DEFAULT_TIMEOUT_MILLIS);
    }

    static SocketKeyChannel connect(Path path, long timeoutMillis) throws IOException {
        try {
            return new SocketKeyChannel(PfkeyClient.connect(path), timeoutMillis);
        } catch (org.jipsec.io.unix.PeerCredentials.UntrustedServerException e) {
            throw e; // reached, and refused: not a server to start
        } catch (IOException e) {
            throw new IOException(
                    "cannot reach jipsecd on " + path + " (" + e.getMessage()
                            + "); start it with 'jipsec gateway --no-tun', or use --embedded",
                    e);
        }
    }

    int pid() {
        return client.pid();
    }

    @Override
    public List<PfkeyMessage> exchange(PfkeyMessage request) throws IOException {
        client.send(request);
        List<PfkeyMessage> replies = new ArrayList<>();
        while (true) {
            PfkeyMessage m;
            ScheduledFuture<?> alarm = WATCHDOG.schedule(
                    () -> {
                        timedOut = true;
                        try {
                            client.close();
                        } catch (IOException ignored) {
                            // the timeout is reported; a failed close changes nothing
                        }
                    },
                    timeoutMillis,
                    TimeUnit.MILLISECONDS);
            try {
                m = receive();
            } catch (IOException e) {
                if (timedOut) throw new IOException("no reply from jipsecd within " + timeoutMillis + " ms", e);
                throw e;
            } finally {
                alarm.cancel(false);
            }
            if (m == null && timedOut) throw new IOException("no reply from jipsecd within " + timeoutMillis + " ms");
            if (m == null) throw new IOException("jipsecd closed the PF_KEY connection");
            if (m.type() != request.type() || m.pid() != request.pid()) continue;
            replies.add(m);
            if (m.errno() != 0 || m.seq() == 0) return replies;
        }
    }

    @Override
    public PfkeyMessage receive() throws IOException {
        try {
            return client.receive();
        } catch (java.io.EOFException e) {
            return null;
        } catch (PfkeyException e) {
            throw new IOException("invalid message from jipsecd: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
