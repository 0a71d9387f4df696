package org.jipsec.io.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jipsec.core.seqstate.SaIdentity;
import org.jipsec.core.seqstate.SaSequenceState;
import org.jipsec.core.seqstate.SequenceStateTable;
import org.jipsec.core.xform.SequenceGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory's files, its refusals, and an SA that stops at the end of its block when writes fail. */
class SequenceStoreTest {

    static final SequenceStateTable.Settings SMALL = new SequenceStateTable.Settings(16, 8, 64, 8, 8, 64, 1000);

    @TempDir
    Path dir;

    final List<String> log = new CopyOnWriteArrayList<>();

    static SaIdentity id(SequenceStateTable t) throws Exception {
        return t.identity(
                3,
                0x1000,
                InetAddress.getByName("10.0.0.1"),
                InetAddress.getByName("10.0.0.2"),
                20,
                new byte[20],
                0,
                null);
    }

    static final class Live implements SequenceGuard.Live {
        volatile long used;

        @Override
        public long lastUsed() {
            return used;
        }

        @Override
        public long acceptedTop() {
            return 0;
        }

        @Override
        public Object windowLock() {
            return this;
        }
    }

    @Test
    void filesAreTheOwnersOnlyAndASecondGatewayIsKeptOut() throws Exception {
        Path d = dir.resolve("state");
        try (SequenceStore s = SequenceStore.open(d, SMALL, log::add)) {
            s.table().attach(id(s.table()), true);
            s.flush();
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
            for (String f : List.of("salt", "sequence.state", "lock"))
                assertEquals(
                        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.resolve(f))), f);
            IOException e = assertThrows(IOException.class, () -> SequenceStore.open(d, SMALL, log::add));
            assertTrue(e.getMessage().contains("in use by another jipsec gateway"), e.getMessage());
        }
        try (SequenceStore again = SequenceStore.open(d, SMALL, log::add)) {
            assertTrue(again.table().knows(id(again.table())), "the record and the salt survive the restart");
        }
    }

    @Test
    void aDamagedStateFileOrALostSaltStopsTheStart() throws Exception {
        Path d = dir.resolve("state");
        try (SequenceStore s = SequenceStore.open(d, SMALL, log::add)) {
            s.table().attach(id(s.table()), true);
            s.flush();
        }
        byte[] f = Files.readAllBytes(d.resolve("sequence.state"));
        f[20] ^= 1;
        Files.write(d.resolve("sequence.state"), f);
        IOException e = assertThrows(IOException.class, () -> SequenceStore.open(d, SMALL, log::add));
        assertTrue(
                e.getMessage().contains("checksum mismatch") && e.getMessage().contains("will not guess"),
                e.getMessage());
        f[20] ^= 1;
        Files.write(d.resolve("sequence.state"), f);
        Files.delete(d.resolve("salt"));
        e = assertThrows(IOException.class, () -> SequenceStore.open(d, SMALL, log::add));
        assertTrue(e.getMessage().contains("salt is missing"), e.getMessage());
        Path open = dir.resolve("open");
        Files.createDirectories(open);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        e = assertThrows(IOException.class, () -> SequenceStore.open(open, SMALL, log::add));
        assertTrue(e.getMessage().contains("writable by everybody"), e.getMessage());
        Path sticky = dir.resolve("sticky");
        Files.createDirectories(sticky);
        Files.setPosixFilePermissions(sticky, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(sticky, "unix:mode", 01777);
        e = assertThrows(IOException.class, () -> SequenceStore.open(sticky, SMALL, log::add));
        assertTrue(
                e.getMessage().contains("writable by others"),
                "a sticky directory is no state directory: " + e.getMessage());
        try (SequenceStore below = SequenceStore.open(sticky.resolve("jipsec"), SMALL, log::add)) {
            assertEquals(
                    "rwx------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(sticky.resolve("jipsec"))),
                    "a directory of its own below a sticky one (as under /tmp) is fine");
        }
    }

    @Test
    void whenWritesFailTheSaStopsAtTheEndOfItsBlockAndResumesWhenTheyWork() throws Exception {
        Path d = dir.resolve("state");
        try (SequenceStore s = SequenceStore.open(d, SMALL, log::add)) {
            SaSequenceState st = s.table().attach(id(s.table()), true).state();
            Live l = new Live();
            st.bind(l);
            s.flush();
            long limit = st.outLimit();
            // the disk refuses: the temporary file's place is taken by a non-empty directory
            Path tmp = d.resolve("sequence.state.tmp");
            Files.createDirectories(tmp.resolve("x"));
            s.start();
            int sent = 0;
            for (int i = 0; i < 1000; i++) {
                if (!st.mayUseOut(l.used + 1)) continue;
                l.used++;
                sent++;
            }
            assertEquals(limit, l.used, "stopped exactly at the end of the saved block");
            assertEquals(limit, sent);
            assertTrue(st.heldOut() > 0);
            for (int i = 0; i < 100 && log.stream().noneMatch(x -> x.contains("cannot write")); i++) Thread.sleep(20);
            assertTrue(
                    log.stream().anyMatch(x -> x.contains("cannot write") && x.contains("instead of reusing")),
                    log.toString());
            Files.delete(tmp.resolve("x"));
            Files.delete(tmp);
            for (int i = 0; i < 300 && !st.mayUseOut(l.used + 1); i++) Thread.sleep(20);
            assertTrue(st.mayUseOut(l.used + 1), "sends again once the disk takes the block");
            // the writer logs "again" just after it raised the limit: wait for the line, bounded
            for (int i = 0; i < 100 && log.stream().noneMatch(x -> x.contains("again")); i++) Thread.sleep(20);
            assertTrue(log.stream().anyMatch(x -> x.contains("again")), log.toString());
        }
        assertFalse(Files.exists(d.resolve("sequence.state.tmp")));
    }
}
