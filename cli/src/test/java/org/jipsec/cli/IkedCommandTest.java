package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jipsec iked} refuses a configuration it cannot use before it opens anything: file:line, exit 1, no trace. */
class IkedCommandTest {

    @TempDir
    Path dir;

    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = JipsecCommand.commandLine(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void anUnsupportedKeyNamesFileAndLine() throws Exception {
        Path f = dir.resolve("iked.conf");
        Files.writeString(f, "connections {\n  gw {\n    remote_addrs = 10.0.0.2\n    aggressive = yes\n  }\n}\n");
        Run r = run(
                "iked", "--config", f.toString(), "--pfkey", dir.resolve("none").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains(f + ":4: unsupported key 'connections.gw.aggressive'; not starting"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void aMissingFileAndAFileWithoutALocalAddressAreRefused() throws Exception {
        Run r = run("iked", "--config", dir.resolve("nope.conf").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("nope.conf") && r.err().contains("cannot read"), r.err());

        Path f = dir.resolve("any.conf");
        Files.writeString(f, """
                connections { gw { remote_addrs = 10.0.0.2
                    local { auth = psk }
                    remote { auth = psk }
                    children { net { remote_ts = 10.2.0.0/24 } } } }
                secrets { ike-gw { secret = "x" } }
                """);
        r = run("iked", "--config", f.toString(), "--pfkey", dir.resolve("none").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("no connection names an address in local_addrs"), r.err());
    }

    @Test
    void noPfkeySocketIsAClearError() throws Exception {
        Path f = dir.resolve("ok.conf");
        Files.writeString(f, """
                connections { gw { local_addrs = 127.0.0.1
                    remote_addrs = 10.0.0.2
                    local { auth = psk }
                    remote { auth = psk }
                    children { net { remote_ts = 10.2.0.0/24 } } } }
                secrets { ike-gw { secret = "x" } }
                """);
        Run r = run(
                "iked",
                "--config",
                f.toString(),
                "--pfkey",
                dir.resolve("no-such-socket").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("cannot use PF_KEY socket " + dir.resolve("no-such-socket")), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void aKeyLogDirectoryOthersCanWriteIsRefused() throws Exception {
        Path f = dir.resolve("ok.conf");
        Files.writeString(f, """
                connections { gw { local_addrs = 127.0.0.1
                    remote_addrs = 10.0.0.2
                    local { auth = psk }
                    remote { auth = psk }
                    children { net { remote_ts = 10.2.0.0/24 } } } }
                secrets { ike-gw { secret = "x" } }
                """);
        Path keys = Files.createDirectory(dir.resolve("keys"));
        Files.setPosixFilePermissions(keys, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Run r = run(
                "iked",
                "--config",
                f.toString(),
                "--pfkey",
                dir.resolve("no-such-socket").toString(),
                "--keylog",
                keys.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("--keylog " + keys + ": ") && r.err().contains("; not starting"), r.err());
        assertFalse(r.err().contains("cannot use PF_KEY socket"), "the key log is checked first: " + r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertTrue(run("iked", "--help").out().contains("--keylog=DIR"));
    }
}
