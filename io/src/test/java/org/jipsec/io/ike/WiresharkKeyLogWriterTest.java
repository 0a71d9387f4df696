package org.jipsec.io.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.jipsec.core.ike.crypto.IkeTransforms;
import org.jipsec.core.ike.engine.IkeAction;
import org.jipsec.core.ike.keylog.WiresharkKeyLog;
import org.jipsec.core.ike.proposal.Negotiated;
import org.jipsec.core.ike.proposal.SaProtocol;
import org.jipsec.io.unix.SocketPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key log files: created private, appended to, and never written where others could read them. */
class WiresharkKeyLogWriterTest {
    @TempDir
    Path tmp;

    static IkeTransforms.Encryption enc(String name) {
        return IkeTransforms.encryption().stream()
                .filter(e -> e.strongSwanName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    static IkeAction.IkeKeysForLog ikeKeys(String encryption, long spiI) {
        return new IkeAction.IkeKeysForLog(
                spiI,
                2,
                new Negotiated(SaProtocol.IKE, 1, enc(encryption), null, null, null, false),
                new byte[20],
                new byte[20],
                new byte[0],
                new byte[0]);
    }

    static IkeAction.InstallChild child() {
        return new IkeAction.InstallChild(
                "net",
                new Negotiated(SaProtocol.ESP, 1, enc("aes128gcm16"), null, null, null, false),
                0x100,
                0x200,
                new byte[20],
                new byte[0],
                new byte[20],
                new byte[0],
                List.of(),
                List.of());
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void createsPrivateFilesAndAppends() throws Exception {
        Path dir = tmp.resolve("keys");
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        try (WiresharkKeyLogWriter w = WiresharkKeyLogWriter.open(dir)) {
            assertEquals("rwx------", mode(dir));
            assertEquals("rw-------", mode(dir.resolve("ikev2_decryption_table")));
            assertEquals("rw-------", mode(dir.resolve("esp_sa")));
            w.ike(ikeKeys("aes128gcm16", 1));
            w.child(child(), a, b);
            w.ike(ikeKeys("chacha20poly1305", 3)); // Wireshark has no name for it: skipped, counted
            assertEquals(3, w.linesWritten());
            assertEquals(1, w.skipped());
        }
        try (WiresharkKeyLogWriter w = WiresharkKeyLogWriter.open(dir)) { // a restart appends
            w.ike(ikeKeys("aes256gcm16", 5));
        }
        List<String> ike = Files.readAllLines(dir.resolve("ikev2_decryption_table"));
        assertEquals(
                List.of(
                        WiresharkKeyLog.ikeLine(ikeKeys("aes128gcm16", 1)).orElseThrow(),
                        WiresharkKeyLog.ikeLine(ikeKeys("aes256gcm16", 5)).orElseThrow()),
                ike);
        assertEquals(WiresharkKeyLog.espLines(child(), a, b), Files.readAllLines(dir.resolve("esp_sa")));
    }

    @Test
    void refusesFilesOthersCouldReadOrThatAreNotOurs() throws Exception {
        Path dir = tmp.resolve("keys");
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path ike = dir.resolve("ikev2_decryption_table");
        Files.writeString(ike, "old\n");
        Files.setPosixFilePermissions(ike, PosixFilePermissions.fromString("rw-r--r--"));
        String m = assertThrows(
                        WiresharkKeyLogWriter.UnsafeKeyLogException.class, () -> WiresharkKeyLogWriter.open(dir))
                .getMessage();
        assertEquals(
                ike + " is readable or writable by group or others (mode 644); it will hold keys: chmod 600 it or"
                        + " remove it",
                m);
        assertEquals("old\n", Files.readString(ike), "left alone");

        Files.delete(ike);
        Path elsewhere = tmp.resolve("elsewhere");
        Files.writeString(elsewhere, "");
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(ike, elsewhere);
        m = assertThrows(WiresharkKeyLogWriter.UnsafeKeyLogException.class, () -> WiresharkKeyLogWriter.open(dir))
                .getMessage();
        assertEquals(ike + " exists and is not a regular file (a symbolic link); not written to", m);

        Files.delete(ike);
        Files.writeString(ike, "");
        Files.setPosixFilePermissions(ike, PosixFilePermissions.fromString("rw-------"));
        if (SocketPaths.euid() == 0) {
            Files.setAttribute(ike, "unix:uid", 65534);
            m = assertThrows(WiresharkKeyLogWriter.UnsafeKeyLogException.class, () -> WiresharkKeyLogWriter.open(dir))
                    .getMessage();
            assertEquals(ike + " is owned by uid 65534, not by this process's uid 0; not written to", m);
        }
        assertEquals(0, Files.size(elsewhere));
    }

    @Test
    void refusesADirectoryOthersCanWriteTo() throws Exception {
        Path dir = tmp.resolve("open");
        Files.createDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        String m = assertThrows(
                        WiresharkKeyLogWriter.UnsafeKeyLogException.class, () -> WiresharkKeyLogWriter.open(dir))
                .getMessage();
        assertTrue(m.startsWith("key log directory: " + dir + " is writable by everybody"), m);
        assertTrue(Files.notExists(dir.resolve("esp_sa")));
    }
}
