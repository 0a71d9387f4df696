package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.Errno;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.PfkeyException;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.pfkey.SpdPolicyStore;
import org.jipsec.core.spd.Spd;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.io.pfkey.PfkeyClient;
import org.jipsec.io.pfkey.PfkeyServer;
import org.jipsec.io.sysctl.SysctlServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jipsec sysctl} against a running jipsecd's sysctl socket: reads, writes, refusals, effect on the engine. */
class SysctlCommandTest {

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_764_324_000L);
    private final Sysctl tree = Sysctl.withNetbsdDefaults();
    private final KeyEngine engine = new KeyEngine(
            new KeySettings().bindTo(tree),
            clock::get,
            new SplittableRandom(5),
            new SpdPolicyStore(new Spd(() -> Instant.ofEpochSecond(clock.get()), tree)),
            AlgorithmCatalog.TABLE);

    @Test
    void readWriteListAndRefuse() throws Exception {
        try (SysctlServer s = SysctlServer.start(tree, dir.resolve("sysctl"))) {
            String p = s.path().toString();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.path())));
            assertEquals(
                    new MainTest.Result(0, "net.key.larval_lifetime = 30\n", ""),
                    MainTest.run("sysctl", "--socket", p, "net.key.larval_lifetime"));
            assertEquals(
                    new MainTest.Result(0, "30\n", ""),
                    MainTest.run("sysctl", "--socket", p, "-n", "net.key.larval_lifetime"));
            assertEquals(
                    new MainTest.Result(0, "net.inet.ipsec.def_policy: 1 -> 0\n", ""),
                    MainTest.run("sysctl", "--socket", p, "-w", "net.inet.ipsec.def_policy=0"));
            assertEquals(0, tree.intValue("net.inet.ipsec.def_policy"));
            MainTest.Result bad = MainTest.run("sysctl", "--socket", p, "-w", "net.inet.ipsec.esp_trans_deflev=3");
            assertEquals(
                    new MainTest.Result(
                            1, "", "sysctl: net.inet.ipsec.esp_trans_deflev: invalid value 3 (allowed: 1 2)\n"),
                    bad);
            MainTest.Result ro = MainTest.run("sysctl", "--socket", p, "-w", "net.inet.ipsec.used=1");
            assertEquals(1, ro.status());
            assertTrue(ro.err().contains("read-only"), ro.err());
            MainTest.Result unknown = MainTest.run("sysctl", "--socket", p, "net.key.nonesuch");
            assertEquals(1, unknown.status());
            assertEquals("sysctl: third level name 'nonesuch' in 'net.key.nonesuch' is invalid\n", unknown.err());
            MainTest.Result notInt = MainTest.run("sysctl", "--socket", p, "-w", "net.key.debug=lots");
            assertEquals(new MainTest.Result(1, "", "sysctl: lots: not a number\n"), notInt);
            tree.bindStruct("net.key.dumpsp", () -> new byte[] {2, 18, 0, 0});
            assertEquals(
                    new MainTest.Result(0, "net.key.dumpsp = 02120000\n", ""),
                    MainTest.run("sysctl", "--socket", p, "-x", "net.key.dumpsp"));
            MainTest.Result st = MainTest.run("sysctl", "--socket", p, "net.key.dumpsp");
            assertEquals(
                    new MainTest.Result(1, "", "sysctl: net.key.dumpsp: use 'setkey' to view this information\n"), st);
            MainTest.Result all = MainTest.run("sysctl", "--socket", p, "-a");
            assertEquals(tree.listing(), all.out().lines().toList());
            assertTrue(all.out().contains("net.key.prefered_oldsa = 0\n"));
            assertTrue(all.out().contains("net.inet6.ipsec6.def_policy = 1\n"));
        }
    }

    @Test
    void aWriteChangesTheRunningEngineAtOnce() throws Exception {
        // a larval SA (GETSPI) lives net.key.larval_lifetime seconds (spec §4.7): 30 by default
        try (PfkeyServer pf = PfkeyServer.start(engine, dir.resolve("pfkey"), 1 << 20, false);
                SysctlServer ctl = SysctlServer.start(tree, dir.resolve("sysctl"));
                PfkeyClient c = PfkeyClient.connect(pf.path())) {
            PfkeyMessage getspi = PfkeyMessage.of(
                    Sadb.SADB_GETSPI,
                    Sadb.SADB_SATYPE_ESP,
                    c.nextSeq(),
                    c.pid(),
                    List.of(
                            Extension.Address.of(
                                    Sadb.SADB_EXT_ADDRESS_SRC,
                                    new Endpoint(java.net.InetAddress.getByName("10.0.0.1"))),
                            Extension.Address.of(
                                    Sadb.SADB_EXT_ADDRESS_DST,
                                    new Endpoint(java.net.InetAddress.getByName("10.0.0.2"))),
                            new Extension.SpiRange(0x4242, 0x4242)));
            c.request(getspi);
            clock.addAndGet(10);
            pf.withEngine(KeyEngine::tick, true);
            assertEquals(1, (int) pf.<Integer>withEngine(e -> e.sad().size()), "10 s < 30 s: still larval");
            MainTest.Result w =
                    MainTest.run("sysctl", "--socket", ctl.path().toString(), "-w", "net.key.larval_lifetime=5");
            assertEquals("net.key.larval_lifetime: 30 -> 5\n", w.out());
            pf.withEngine(KeyEngine::tick, true);
            assertEquals(0, (int) pf.<Integer>withEngine(e -> e.sad().size()), "10 s > 5 s: the larval SA is gone");
            PfkeyMessage get = PfkeyMessage.of(
                    Sadb.SADB_GET,
                    Sadb.SADB_SATYPE_ESP,
                    c.nextSeq(),
                    c.pid(),
                    List.of(
                            new Extension.Sa(0x4242, 0, 0, 0, 0, 0),
                            Extension.Address.of(
                                    Sadb.SADB_EXT_ADDRESS_SRC,
                                    new Endpoint(java.net.InetAddress.getByName("10.0.0.1"))),
                            Extension.Address.of(
                                    Sadb.SADB_EXT_ADDRESS_DST,
                                    new Endpoint(java.net.InetAddress.getByName("10.0.0.2")))));
            PfkeyException e = assertThrows(PfkeyException.class, () -> c.request(get));
            assertEquals(Errno.ENOENT, e.errno());
        }
    }

    @Test
    void embeddedAndNoDaemon() {
        assertEquals(
                new MainTest.Result(0, "net.key.spi_try = 1000\n", ""),
                MainTest.run("sysctl", "--embedded", "net.key.spi_try"));
        MainTest.Result r =
                MainTest.run("sysctl", "--socket", dir.resolve("none").toString(), "-a");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("sysctl: cannot reach jipsecd on "), r.err());
        assertTrue(r.err().contains("--embedded"), r.err());
    }
}
