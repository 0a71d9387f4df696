package org.jipsec.io.sysctl;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlException;
import org.jipsec.io.unix.PrivateSocketListener;

/**
 * jipsecd's sysctl endpoint: serves the running {@link Sysctl} tree on a Unix domain stream socket (default
 * {@code /run/jipsec/sysctl}) with the line protocol of {@link SysctlProtocol}, so that {@code jipsec sysctl -w}
 * changes the running daemon at once (the tree's listeners update the key engine's settings and the SPD).
 * As the PF_KEY server: socket file mode 0600, parent directory created 0700, and a client is served only when its
 * {@code SO_PEERCRED} uid is root's or the daemon's own. Each client is served by one virtual thread.
 */
public final class SysctlServer implements Closeable {
    private static final Logger LOG = System.getLogger(SysctlServer.class.getName());

    private final Sysctl tree;
    private final Path path;
    private final Map<SocketChannel, Boolean> clients = new ConcurrentHashMap<>();
    private final PrivateSocketListener listener;
    private volatile boolean closed;

    private SysctlServer(Sysctl tree, Path path) throws IOException {
        this.tree = tree;
        this.path = path;
        listener = PrivateSocketListener.open(path, "sysctl", this::accepted);
    }

    public static SysctlServer start(Sysctl tree, Path path) throws IOException {
        return new SysctlServer(tree, path);
    }

    public Path path() {
        return path;
    }

    /** Connections refused by the SO_PEERCRED check. */
    public long refusedPeers() {
        return listener.refusedPeers();
    }

    /** A connection the listener let through: served by its own virtual thread. */
    private void accepted(SocketChannel ch) {
        clients.put(ch, Boolean.TRUE);
        Thread.ofVirtual().name("sysctl-client").start(() -> serve(ch));
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            OutputStream out = Channels.newOutputStream(ch);
            while (true) {
                String line = readLine(in);
                if (line == null) return;
                out.write(answer(tree, line).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // client went away or sent an over-long line: nothing to do but close
        } finally {
            clients.remove(ch);
        }
    }

    /** A line of at most MAX_LINE characters; null at end of stream; an over-long line ends the connection. */
    private static String readLine(BufferedReader in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) return b.isEmpty() ? null : b.toString();
            if (c == '\n') return b.toString();
            if (b.length() >= SysctlProtocol.MAX_LINE) throw new IOException("request line too long");
            b.append((char) c);
        }
    }

    /** One request → its whole answer (status line, data lines, empty line). Package-private for tests. */
    static String answer(Sysctl tree, String line) {
        String[] w = line.strip().split("\\s+", -1);
        try {
            return switch (w[0]) {
                case "list" -> {
                    if (w.length != 1) yield err("EINVAL", "usage: list");
                    StringBuilder b = new StringBuilder("ok\n");
                    for (String l : tree.listing()) b.append(l).append('\n');
                    yield b.append('\n').toString();
                }
                case "get" -> {
                    if (w.length != 2) yield err("EINVAL", "usage: get NAME");
                    yield "ok\n" + tree.read(w[1]) + "\n\n";
                }
                case "set" -> {
                    if (w.length != 3) yield err("EINVAL", "usage: set NAME VALUE");
                    int v;
                    try {
                        v = Integer.parseInt(w[2]);
                    } catch (NumberFormatException e) {
                        yield err("EINVAL", w[1] + ": not an integer: " + w[2]);
                    }
                    synchronized (tree) {
                        int old = tree.read(w[1]);
                        tree.write(w[1], v);
                        yield "ok\n" + old + "\n" + tree.read(w[1]) + "\n\n";
                    }
                }
                case "struct" -> {
                    if (w.length != 2) yield err("EINVAL", "usage: struct NAME");
                    byte[] b = tree.readStruct(w[1]);
                    try {
                        yield "ok\n" + HexFormat.of().formatHex(b) + "\n\n";
                    } finally {
                        java.util.Arrays.fill(b, (byte) 0); // net.key.dumpsa carries keys
                    }
                }
                default -> err("EINVAL", "unknown request: " + w[0]);
            };
        } catch (SysctlException e) {
            return err(e.errno().name(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "sysctl request failed", e);
            return err("EINVAL", "request failed");
        }
    }

    private static String err(String errno, String message) {
        return "err " + errno + " " + message.replace('\n', ' ') + "\n\n";
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        listener.close();
        for (SocketChannel c : clients.keySet()) {
            try {
                c.close();
            } catch (IOException ignored) {
                // shutting down: the client is gone either way
            }
        }
    }
}
