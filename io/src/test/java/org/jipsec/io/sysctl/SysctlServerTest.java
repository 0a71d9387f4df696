package org.jipsec.io.sysctl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jipsecd's sysctl socket and its client; sysctl.conf files for {@code gateway --sysctl}. */
class SysctlServerTest {

    @TempDir
    Path dir;

    @Test
    void clientReadsWritesAndSeesRefusals() throws Exception {
        Sysctl tree = Sysctl.withNetbsdDefaults();
        int[] seen = {-1};
        tree.addListener(SysctlNames.KEY_PREFERED_OLDSA, (n, o, v) -> seen[0] = v);
        tree.bindStruct(SysctlNames.KEY_DUMPSP, () -> new byte[] {1, 2, 3});
        try (SysctlServer s = SysctlServer.start(tree, dir.resolve("run/sysctl"));
                SysctlClient c = SysctlClient.connect(s.path())) {
            assertEquals(
                    "rwx------",
                    java.nio.file.attribute.PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(dir.resolve("run"))));
            assertEquals(0, c.get("net.key.prefered_oldsa"));
            assertEquals(new SysctlClient.Change(0, 1), c.set("net.key.prefered_oldsa", 1));
            assertEquals(1, seen[0], "the listener (the engine's settings) ran at once");
            assertEquals(tree.listing(), c.list());
            assertArrayEquals(new byte[] {1, 2, 3}, c.struct(SysctlNames.KEY_DUMPSP));
            SysctlClient.RefusedException e =
                    assertThrows(SysctlClient.RefusedException.class, () -> c.set("net.inet.ipsec.def_policy", 2));
            assertEquals("EINVAL", e.errno());
            assertEquals("net.inet.ipsec.def_policy: invalid value 2 (allowed: 0 1)", e.getMessage());
            assertEquals(
                    "ENOENT",
                    assertThrows(SysctlClient.RefusedException.class, () -> c.get("net.key.x"))
                            .errno());
            assertEquals(
                    "EPERM",
                    assertThrows(SysctlClient.RefusedException.class, () -> c.set("net.inet.ipsec.used", 1))
                            .errno());
            assertEquals(1, tree.intValue("net.inet.ipsec.def_policy"), "refused writes change nothing");
        }
        assertFalse(Files.exists(dir.resolve("run/sysctl")), "close removes the socket file");
    }

    @Test
    void overLongAndGarbageRequests() throws Exception {
        Sysctl tree = Sysctl.withNetbsdDefaults();
        try (SysctlServer s = SysctlServer.start(tree, dir.resolve("sysctl"))) {
            assertEquals("err EINVAL unknown request: frob\n\n", SysctlServer.answer(tree, "frob"));
            assertEquals("err EINVAL usage: get NAME\n\n", SysctlServer.answer(tree, "get"));
            assertEquals(
                    "err EINVAL net.key.debug: not an integer: 1e3\n\n",
                    SysctlServer.answer(tree, "set net.key.debug 1e3"));
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(s.path()));
                ch.write(
                        ByteBuffer.wrap("x".repeat(SysctlProtocol.MAX_LINE + 10).getBytes(StandardCharsets.UTF_8)));
                ByteBuffer b = ByteBuffer.allocate(16);
                assertEquals(-1, ch.read(b), "an over-long request line closes the connection");
            }
            try (SysctlClient c = SysctlClient.connect(s.path())) {
                assertEquals(30, c.get("net.key.larval_lifetime"), "the server still serves others");
            }
        }
    }

    @Test
    void aSecondServerOnALiveSocketIsRefused() throws Exception {
        try (SysctlServer s = SysctlServer.start(Sysctl.withNetbsdDefaults(), dir.resolve("sysctl"))) {
            IOException e =
                    assertThrows(IOException.class, () -> SysctlServer.start(Sysctl.withNetbsdDefaults(), s.path()));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
    }

    @Test
    void confFilesAreAllOrNothing() throws Exception {
        Sysctl tree = Sysctl.withNetbsdDefaults();
        List<SysctlConf.Assignment> a = SysctlConf.apply("""
                # jipsecd start-up settings
                net.key.larval_lifetime = 60
                net.inet.ipsec.esp_trans_deflev=2   # require
                net.key.spi_min_value=0x1000
                """, tree);
        assertEquals(3, a.size());
        assertEquals(60, tree.intValue("net.key.larval_lifetime"));
        assertEquals(0x1000, tree.intValue("net.key.spi_min_value"));
        SysctlConf.ConfException e = assertThrows(
                SysctlConf.ConfException.class,
                () -> SysctlConf.apply("net.key.larval_lifetime=90\nnet.inet.ipsec.esp_net_deflev=5\n", tree));
        assertEquals("line 2: net.inet.ipsec.esp_net_deflev: invalid value 5 (allowed: 1 2)", e.getMessage());
        assertEquals(60, tree.intValue("net.key.larval_lifetime"), "nothing applied when a line is bad");
        assertEquals(
                "line 1: expected name=value: net.key.debug",
                assertThrows(SysctlConf.ConfException.class, () -> SysctlConf.parse("net.key.debug\n"))
                        .getMessage());
    }

    @FuzzTest(maxDuration = "20s")
    void confParserThrowsOnlyConfException(FuzzedDataProvider data) {
        try {
            SysctlConf.parse(data.consumeRemainingAsString());
        } catch (SysctlConf.ConfException expected) {
            assertTrue(expected.getMessage().startsWith("line "));
        }
    }

    @FuzzTest(maxDuration = "20s")
    void serverAnswersEveryRequestLine(FuzzedDataProvider data) {
        Sysctl tree = Sysctl.withNetbsdDefaults();
        String line = data.consumeRemainingAsString();
        if (line.isBlank()) return;
        String answer = SysctlServer.answer(tree, line);
        assertTrue(answer.startsWith("ok\n") || answer.startsWith("err "), answer);
        assertTrue(answer.endsWith("\n\n"), answer);
    }
}
