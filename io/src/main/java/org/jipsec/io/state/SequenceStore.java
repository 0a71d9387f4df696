package org.jipsec.io.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jipsec.core.seqstate.KeyFingerprint;
import org.jipsec.core.seqstate.SequenceRecord;
import org.jipsec.core.seqstate.SequenceStateTable;
import org.jipsec.core.seqstate.StateFileCodec;
import org.jipsec.core.seqstate.StateFileException;

/**
 * A state directory ({@code --state-dir}, default {@value #DEFAULT}) and its writer: the directory is created 0700,
 * its files 0600; {@code lock} keeps a second gateway out, {@code salt} keys the fingerprints, {@code sequence.state}
 * holds the marks. Every write goes to {@code sequence.state.tmp}, is fsync'd, renamed over the file, and the
 * directory fsync'd — so the file on disk is always a whole one — and only then may the packet path use what it
 * reserved ({@link SequenceStateTable#written}).
 *
 * <p>The writer thread sleeps until the table wakes it (the packet path calls {@link LockSupport#unpark}: it never
 * waits for the disk). A failed write is logged once (and its recovery), retried every second; meanwhile the SAs
 * stop at the end of their reserved blocks ({@code SEQ_UNSAVED} drops) instead of reusing numbers later.
 *
 * <p>A state file that does not decode (torn, altered) stops the start: jipsecd never guesses sequence numbers.
 */
public final class SequenceStore implements AutoCloseable {

    public static final String DEFAULT = "/var/lib/jipsec";
    static final String LOCK = "lock", SALT = "salt", STATE = "sequence.state", TMP = "sequence.state.tmp";
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final SequenceStateTable table;
    private final Consumer<String> log;
    private volatile Thread writer;
    private volatile boolean running;
    private volatile boolean closed;
    private volatile boolean failing;
    private long writes;

    private SequenceStore(
            Path dir,
            FileChannel lockChannel,
            FileLock lock,
            byte[] salt,
            List<SequenceRecord> loaded,
            SequenceStateTable.Settings settings,
            Consumer<String> log) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.log = log;
        this.table = new SequenceStateTable(
                salt, loaded, settings, System::nanoTime, () -> System.currentTimeMillis() / 1000, this::wake);
    }

    /**
     * Opens (creating) {@code dir}, takes its lock, reads salt and state.
     *
     * @throws IOException with a message fit for the user: the directory is unusable, in use, or its state unreadable
     */
    public static SequenceStore open(Path dir, Consumer<String> log) throws IOException {
        return open(dir, SequenceStateTable.Settings.DEFAULTS, log);
    }

    public static SequenceStore open(Path dir, SequenceStateTable.Settings settings, Consumer<String> log)
            throws IOException {
        dir = dir.toAbsolutePath().normalize();
        // the path from / down must belong to root or us and be writable by nobody else (OpenSSH StrictModes, as
        // for the control sockets): checked on the deepest existing directory before anything is created in it
        Path existing = dir;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
        if (existing == null) throw new IOException(dir + ": no existing directory above it");
        org.jipsec.io.unix.SocketPaths.checkDirectory(existing);
        if (!existing.equals(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            Files.setPosixFilePermissions(dir, DIR_MODE); // whatever the umask
        }
        org.jipsec.io.unix.SocketPaths.checkDirectory(dir);
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (mode.contains(PosixFilePermission.OTHERS_WRITE) || mode.contains(PosixFilePermission.GROUP_WRITE))
            throw new IOException(
                    "state directory " + dir + " is writable by others (" + PosixFilePermissions.toString(mode)
                            + "): chmod 700 it"); // sticky or not: its files are ours alone
        FileChannel lc = FileChannel.open(
                dir.resolve(LOCK),
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(FILE_MODE));
        FileLock fl;
        try {
            fl = lc.tryLock();
        } catch (OverlappingFileLockException e) {
            fl = null;
        }
        if (fl == null) {
            lc.close();
            throw new IOException(
                    "state directory " + dir + " is in use by another jipsec gateway (give each its own --state-dir)");
        }
        try {
            Path statePath = dir.resolve(STATE);
            Path saltPath = dir.resolve(SALT);
            byte[] salt;
            if (Files.exists(saltPath)) {
                salt = Files.readAllBytes(saltPath);
                if (salt.length != KeyFingerprint.SALT_LENGTH)
                    throw new IOException(saltPath + ": " + salt.length
                            + " bytes, not a jipsec salt; move the state directory away to start without saved state");
            } else {
                if (Files.exists(statePath))
                    throw new IOException(
                            saltPath + " is missing but " + statePath + " exists: the saved marks cannot be matched "
                                    + "to any SA; move the state directory away to start without saved state (then rekey manually keyed SAs)");
                salt = new byte[KeyFingerprint.SALT_LENGTH];
                new SecureRandom().nextBytes(salt);
                writeAtomically(dir, saltPath, dir.resolve(SALT + ".tmp"), salt);
            }
            List<SequenceRecord> loaded = List.of();
            if (Files.exists(statePath)) {
                try {
                    loaded = StateFileCodec.decode(Files.readAllBytes(statePath));
                } catch (StateFileException e) {
                    throw new IOException(
                            statePath + ": " + e.getMessage() + "; jipsec will not guess sequence numbers. "
                                    + "Move the file away to start without saved state (then rekey every manually keyed SA: its "
                                    + "sequence numbers restart at 1)");
                }
            }
            Files.deleteIfExists(dir.resolve(TMP));
            return new SequenceStore(dir, lc, fl, salt, loaded, settings, log);
        } catch (IOException | RuntimeException e) {
            fl.release();
            lc.close();
            throw e;
        }
    }

    public Path directory() {
        return dir;
    }

    public SequenceStateTable table() {
        return table;
    }

    /** One line for SIGUSR1: where, how many writes, packets held back for want of saved numbers. */
    public String status() {
        return "sequence state " + dir + ": " + writes() + " writes, "
                + table.states().size() + " SAs, " + table.held() + " packets held back"
                + (failing ? " (writes failing)" : "");
    }

    /** Completed writes so far. */
    public synchronized long writes() {
        return writes;
    }

    /**
     * Writes every pending reservation now, on the calling thread (the start, before the data plane runs, so the
     * configured SAs have their first blocks before their first packet).
     *
     * @throws IOException when the directory cannot be written
     */
    public void flush() throws IOException {
        for (int i = 0; i < 8; i++) {
            SequenceStateTable.Plan p = table.plan();
            if (p == null) return;
            try {
                write(p);
            } catch (IOException e) {
                table.failed(p);
                throw new IOException("cannot write " + dir.resolve(STATE) + ": " + e.getMessage(), e);
            }
            table.written(p);
        }
    }

    /** Starts the writer thread. */
    public void start() {
        running = true;
        Thread t = Thread.ofPlatform().name("jipsec-seqstate").daemon().unstarted(this::run);
        writer = t;
        t.start();
    }

    private void wake() {
        Thread t = writer;
        if (t != null) LockSupport.unpark(t);
    }

    private void run() {
        long lastReport = 0;
        while (running) {
            SequenceStateTable.Plan p = table.plan();
            if (p == null) {
                LockSupport.parkNanos(250_000_000L);
                continue;
            }
            try {
                write(p);
                table.written(p);
                if (failing) {
                    failing = false;
                    log.accept("sequence state: writing " + dir.resolve(STATE) + " again; SAs continue");
                }
            } catch (IOException | RuntimeException e) {
                table.failed(p);
                long now = System.nanoTime();
                if (!failing || now - lastReport > 10_000_000_000L) {
                    log.accept("sequence state: cannot write " + dir.resolve(STATE) + ": " + e.getMessage()
                            + "; SAs stop sending and accepting at the end of their saved blocks instead of reusing "
                            + "sequence numbers (" + table.held() + " packets held back so far)");
                    lastReport = now;
                }
                failing = true;
                try {
                    Thread.sleep(1000); // not cut short by the packet path's wake-ups
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private synchronized void write(SequenceStateTable.Plan p) throws IOException {
        writeAtomically(dir, dir.resolve(STATE), dir.resolve(TMP), StateFileCodec.encode(p.records()));
        writes++;
    }

    /** tmp (0600) written and fsync'd, renamed over {@code target}, directory fsync'd. */
    static void writeAtomically(Path dir, Path target, Path tmp, byte[] bytes) throws IOException {
        Files.deleteIfExists(tmp);
        try (FileChannel c = FileChannel.open(
                tmp,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(FILE_MODE))) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) c.write(b);
            c.force(true);
        }
        Files.setPosixFilePermissions(tmp, FILE_MODE);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename atomically in " + dir, e);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /**
     * A clean stop: the writer stops, every SA's limits come down to the numbers it used, and those are written — the
     * next start continues exactly there. Then the lock is released.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        running = false;
        Thread t = writer;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        SequenceStateTable.Plan last = table.freeze();
        try {
            write(last);
        } catch (IOException e) {
            log.accept("sequence state: cannot write the final marks to " + dir.resolve(STATE) + ": " + e.getMessage()
                    + " (the marks written ahead stand: the next start skips ahead)");
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // the lock goes with the process anyway
        }
    }
}
