package org.jipsec.io.sysctl;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jipsec.io.unix.PeerCredentials;

/** A client of jipsecd's sysctl socket ({@link SysctlProtocol}); what {@code jipsec sysctl} uses. Blocking. */
public final class SysctlClient implements Closeable {

    /** A request the daemon refused: the errno name (ENOENT, EPERM, EINVAL, EBUSY) and its message. */
    public static final class RefusedException extends Exception {
        private final String errno;

        public RefusedException(String errno, String message) {
            super(message, null, false, false);
            this.errno = errno;
        }

        public String errno() {
            return errno;
        }
    }

    /** Old and new value of a write. */
    public record Change(int oldValue, int newValue) {}

    private final SocketChannel ch;
    private final BufferedReader in;
    private final OutputStream out;

    private SysctlClient(SocketChannel ch) {
        this.ch = ch;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(ch);
    }

    /**
     * Connects to jipsecd's sysctl socket, refusing a server whose {@code SO_PEERCRED} user is neither root nor this
     * process's ({@link PeerCredentials}) before any request is sent.
     */
    public static SysctlClient connect(Path path) throws IOException {
        return new SysctlClient(PeerCredentials.connectTrusted(path));
    }

    private List<String> request(String line) throws IOException, RefusedException {
        if (line.indexOf('\n') >= 0 || line.length() > SysctlProtocol.MAX_LINE)
            throw new IllegalArgumentException("bad request");
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        String status = in.readLine();
        if (status == null) throw new EOFException("jipsecd closed the sysctl connection");
        List<String> data = new ArrayList<>();
        String l;
        while ((l = in.readLine()) != null && !l.isEmpty()) data.add(l);
        if (l == null) throw new EOFException("jipsecd closed the sysctl connection");
        if (status.startsWith("err ")) {
            String[] p = status.split(" ", 3);
            throw new RefusedException(p.length > 1 ? p[1] : "EINVAL", p.length > 2 ? p[2] : "refused");
        }
        if (!status.equals("ok")) throw new IOException("unexpected answer: " + status);
        return data;
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' '))
            throw new IllegalArgumentException("bad name: " + name);
    }

    /** {@code name = value} lines of every integer variable. */
    public List<String> list() throws IOException, RefusedException {
        return request("list");
    }

    public int get(String name) throws IOException, RefusedException {
        checkName(name);
        return parse(request("get " + name));
    }

    public Change set(String name, int value) throws IOException, RefusedException {
        checkName(name);
        List<String> d = request("set " + name + " " + value);
        if (d.size() != 2) throw new IOException("unexpected answer to set");
        try {
            return new Change(Integer.parseInt(d.get(0)), Integer.parseInt(d.get(1)));
        } catch (NumberFormatException e) {
            throw new IOException("unexpected answer to set");
        }
    }

    public byte[] struct(String name) throws IOException, RefusedException {
        checkName(name);
        List<String> d = request("struct " + name);
        try {
            return d.isEmpty() ? new byte[0] : HexFormat.of().parseHex(d.get(0));
        } catch (IllegalArgumentException e) {
            throw new IOException("unexpected answer to struct");
        }
    }

    private static int parse(List<String> d) throws IOException {
        try {
            if (d.size() != 1) throw new NumberFormatException();
            return Integer.parseInt(d.get(0));
        } catch (NumberFormatException e) {
            throw new IOException("unexpected answer from jipsecd");
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
