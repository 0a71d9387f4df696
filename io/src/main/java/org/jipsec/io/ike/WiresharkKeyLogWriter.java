package org.jipsec.io.ike;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jipsec.core.ike.engine.IkeAction;
import org.jipsec.core.ike.keylog.WiresharkKeyLog;
import org.jipsec.io.unix.SocketPaths;

/**
 * {@code jipsec iked --keylog DIR} (issue #15 item 4; debugging only, off by default): appends the key of every IKE
 * SA to {@code DIR/ikev2_decryption_table} and of every CHILD_SA to {@code DIR/esp_sa}, the two files Wireshark reads
 * from its profile directory — the layout of strongSwan's {@code charon.plugins.save-keys.wireshark_keys}.
 *
 * <p>The files hold keys, so: the directory must be one only root or our user can write to ({@link SocketPaths}'
 * rule; a missing one is created 0700), a new file is created 0600, and an existing file is appended to only when
 * it is a regular file (not a symbolic link) owned by us that neither group nor others may read or write — anything
 * else is refused at start with a message saying what was found. A failing write is logged and counted, never
 * thrown into the daemon; no log line carries key bytes.
 *
 * <p>Wiring in the daemon: with {@code --keylog DIR} it opens this writer at start (refusing to start on
 * {@link UnsafeKeyLogException}), builds every engine's config with {@code IkeSaConfig.withKeyLog(true)}, hands each
 * {@link IkeAction.IkeKeysForLog} to {@link #ike} and each {@link IkeAction.InstallChild} also to {@link #child}
 * with the IKE SA's current local and remote addresses, and closes it at exit.
 */
public final class WiresharkKeyLogWriter implements Closeable {
    private static final Logger LOG = System.getLogger(WiresharkKeyLogWriter.class.getName());

    public static final String IKE_FILE = "ikev2_decryption_table";
    public static final String ESP_FILE = "esp_sa";

    /** A key log file or directory jipsec will not write to; the message says why. */
    public static final class UnsafeKeyLogException extends IOException {
        public UnsafeKeyLogException(String message) {
            super(message);
        }
    }

    private final Path dir;
    private final FileChannel ike;
    private final FileChannel esp;
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();

    private WiresharkKeyLogWriter(Path dir, FileChannel ike, FileChannel esp) {
        this.dir = dir;
        this.ike = ike;
        this.esp = esp;
    }

    /** Checks or creates {@code dir} and opens (creating 0600) its two files for appending. */
    public static WiresharkKeyLogWriter open(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = abs.getParent();
            if (parent == null) throw new UnsafeKeyLogException(abs + ": not a directory for a key log");
            SocketPaths.checkDirectory(parent);
            Files.createDirectory(
                    abs, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        try {
            SocketPaths.checkDirectory(abs);
        } catch (SocketPaths.UnsafePathException e) {
            throw new UnsafeKeyLogException("key log directory: " + e.getMessage());
        }
        FileChannel ike = openPrivate(abs.resolve(IKE_FILE));
        try {
            FileChannel esp = openPrivate(abs.resolve(ESP_FILE));
            LOG.log(
                    Level.WARNING,
                    "WRITING IKE AND ESP KEYS to " + abs + " (--keylog: for debugging with Wireshark only)");
            return new WiresharkKeyLogWriter(abs, ike, esp);
        } catch (IOException e) {
            ike.close();
            throw e;
        }
    }

    /** Opens {@code file} for appending: a new file 0600, or an existing private regular file of ours. */
    static FileChannel openPrivate(Path file) throws IOException {
        try {
            FileChannel ch = FileChannel.open(
                    file, CREATE, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return ch;
        } catch (FileAlreadyExistsException e) {
            Map<String, Object> a = Files.readAttributes(file, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            int uid = (Integer) a.get("uid");
            if ((mode & 0170000) != 0100000)
                throw new UnsafeKeyLogException(file + " exists and is not a regular file"
                        + ((mode & 0170000) == 0120000 ? " (a symbolic link)" : "") + "; not written to");
            if (uid != SocketPaths.euid())
                throw new UnsafeKeyLogException(file + " is owned by uid " + uid + ", not by this process's uid "
                        + SocketPaths.euid() + "; not written to");
            if ((mode & 077) != 0)
                throw new UnsafeKeyLogException(file + " is readable or writable by group or others" + " (mode "
                        + Integer.toOctalString(mode & 07777) + "); it will hold keys: chmod 600 it or remove it");
            return FileChannel.open(
                    file, StandardOpenOption.WRITE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
        }
    }

    private static final java.util.Set<StandardOpenOption> CREATE =
            java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);

    public Path directory() {
        return dir;
    }

    /** Lines written so far. */
    public long linesWritten() {
        return lines.get();
    }

    /** Writes that failed (logged). */
    public long failures() {
        return failures.get();
    }

    /** SAs Wireshark cannot decrypt (no name for their algorithm), so no line was written. */
    public long skipped() {
        return skipped.get();
    }

    /** Appends the IKE SA's line (RFC 7296 §2.14 keys); an algorithm Wireshark does not know is logged and skipped. */
    public void ike(IkeAction.IkeKeysForLog k) {
        Optional<String> line = WiresharkKeyLog.ikeLine(k);
        if (line.isEmpty()) {
            skipped.incrementAndGet();
            LOG.log(Level.INFO, "key log: Wireshark cannot decrypt " + k.ike() + "; no " + IKE_FILE + " line");
            return;
        }
        append(ike, List.of(line.get()), IKE_FILE);
    }

    /**
     * Appends the CHILD_SA's two lines; {@code local}/{@code remote} are the outer addresses of its packets as seen
     * on this host.
     */
    public void child(IkeAction.InstallChild c, InetAddress local, InetAddress remote) {
        List<String> l = WiresharkKeyLog.espLines(c, local, remote);
        if (l.isEmpty()) {
            skipped.incrementAndGet();
            LOG.log(Level.INFO, "key log: Wireshark cannot decrypt " + c.esp() + "; no " + ESP_FILE + " lines");
            return;
        }
        append(esp, l, ESP_FILE);
    }

    private void append(FileChannel ch, List<String> l, String name) {
        byte[] b = (String.join("\n", l) + "\n").getBytes(StandardCharsets.US_ASCII);
        try {
            synchronized (ch) {
                ByteBuffer buf = ByteBuffer.wrap(b);
                while (buf.hasRemaining()) ch.write(buf);
            }
            lines.addAndGet(l.size());
        } catch (IOException e) {
            failures.incrementAndGet();
            LOG.log(Level.WARNING, "key log: writing " + dir.resolve(name) + " failed: " + e.getMessage());
        } finally {
            Arrays.fill(b, (byte) 0);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            ike.close();
        } finally {
            esp.close();
        }
    }
}
