package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.ListPolicyStore;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.io.pfkey.PfkeyClient;
import org.jipsec.io.pfkey.PfkeyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GatewayAndMonitorTest {

    @TempDir
    Path dir;

    @Test
    void gatewayWithDataPlaneRefusesBadOptionsBeforeOpeningAnything() throws Exception {
        MainTest.Result r = MainTest.run("gateway", "--pfkey", dir.resolve("p").toString(), "--mark", "nine");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--mark nine: not a number"), r.err());
        MainTest.Result m = MainTest.run("gateway", "--pfkey", dir.resolve("p").toString(), "--mtu", "100");
        assertEquals(2, m.status());
        assertTrue(m.err().contains("MTU 100"), m.err());
        for (String mode : new String[] {"--no-tun", "--tun=jipbad1"}) {
            MainTest.Result k =
                    MainTest.run("gateway", "--pfkey", dir.resolve("p").toString(), mode, "--nat-keepalive", "-5");
            assertEquals(2, k.status(), k.err());
            assertTrue(k.err().contains("--nat-keepalive must be a positive number of seconds"), k.err());
            assertFalse(java.nio.file.Files.exists(dir.resolve("p")), "nothing opened");
        }
        java.nio.file.Files.writeString(dir.resolve("bad.conf"), "add 10.0.0.1 10.0.0.2 esp 0x100 -E nosuch 0x00 ;\n");
        MainTest.Result c = MainTest.run(
                "gateway",
                "--pfkey",
                dir.resolve("p").toString(),
                "--config",
                dir.resolve("bad.conf").toString(),
                "--tun",
                "jipbad0",
                "--state-dir",
                dir.resolve("state").toString());
        assertEquals(1, c.status(), c.err());
        assertTrue(c.err().contains("not applied"), c.err());
    }

    @Test
    void gatewayRefusesToStartWithAConfigItCannotApply() throws Exception {
        MainTest.Result r = MainTest.run(
                "gateway",
                "--no-tun",
                "--config",
                dir.resolve("x.conf").toString(),
                "--pfkey",
                dir.resolve("p").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("No such file or directory"), r.err());
        assertTrue(r.err().contains("not applied; not starting"), r.err());
        java.nio.file.Files.writeString(
                dir.resolve("bad.conf"), "flush;\nadd 10.0.0.1 10.0.0.2 esp 0x1000 -E aes-cbc 0x00;\n");
        MainTest.Result b = MainTest.run(
                "gateway",
                "--no-tun",
                "--config",
                dir.resolve("bad.conf").toString(),
                "--pfkey",
                dir.resolve("p").toString());
        assertEquals(1, b.status());
        // the first line names the build (issue #18 item 5); the refusal follows it, whole
        assertTrue(b.err().startsWith("jipsec gateway: starting jipsec "), b.err());
        assertTrue(
                b.err()
                        .contains("\njipsec gateway: " + dir.resolve("bad.conf") + ": line 2: Invalid key length "
                                + "(aes-cbc, 8-bit key); configuration not applied; not starting\n"),
                b.err());
        java.nio.file.Files.writeString(
                dir.resolve("bad.sysctl"), "net.key.larval_lifetime=10\nnet.inet.ipsec.def_policy=9\n");
        MainTest.Result s = MainTest.run(
                "gateway",
                "--no-tun",
                "--sysctl",
                dir.resolve("bad.sysctl").toString(),
                "--pfkey",
                dir.resolve("p").toString());
        assertEquals(1, s.status());
        assertTrue(s.err().contains("line 2: net.inet.ipsec.def_policy: invalid value 9 (allowed: 0 1)"), s.err());
    }

    @Test
    void gatewayConfigIsValidatedWholeAndAppliedAsOneChange() throws Exception {
        KeyEngine engine = SetkeyCommand.newEngine();
        java.nio.file.Files.writeString(dir.resolve("ok.conf"), """
                add 10.0.11.41 10.0.11.33 esp 0x10001 -E aes-cbc 0x00112233445566778899aabbccddeeff ;
                spdadd 10.0.11.41 10.0.11.33 any -P out ipsec esp/transport//require ;
                """);
        List<String> log = new java.util.ArrayList<>();
        new org.jipsec.io.gateway.ConfigReloader(GatewayConfigFile.of(dir.resolve("ok.conf")), engine, log::add)
                .loadAtStart();
        assertEquals(1, engine.sad().size());
        assertEquals(1, engine.policies().size());
        // a second file whose line 2 takes an SPI the engine already holds: refused as a whole, line 1 not applied
        java.nio.file.Files.writeString(dir.resolve("half.conf"), """
                add 10.0.0.1 10.0.0.2 esp 0x20001 -E aes-cbc 0x00112233445566778899aabbccddeeff ;
                add 10.0.11.41 10.0.11.33 esp 0x10001 -E aes-cbc 0x00112233445566778899aabbccddeefe ;
                """);
        var second = new org.jipsec.io.gateway.ConfigReloader(
                GatewayConfigFile.of(dir.resolve("half.conf")), engine, log::add);
        java.io.IOException e =
                org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, second::loadAtStart);
        assertTrue(
                e.getMessage().startsWith("line 2: SPI 0x10001 is in use by an SA this configuration did not install"),
                e.getMessage());
        assertFalse(e.getMessage().contains("eefe"), "no key material: " + e.getMessage());
        assertEquals(1, engine.sad().size(), "nothing of half.conf applied");
        assertEquals(List.of(), log);
    }

    @Test
    void monitorPrintsWhatTheEngineSends() throws Exception {
        KeyEngine engine = new KeyEngine(
                new KeySettings(),
                () -> 1_700_000_000L,
                new SplittableRandom(3),
                new ListPolicyStore(() -> 1_700_000_000L, () -> 1000),
                AlgorithmCatalog.of(List.of()));
        try (PfkeyServer server = PfkeyServer.start(engine, dir.resolve("pfkey"), 1 << 20, false)) {
            StringWriter out = new StringWriter();
            CommandLine cl = JipsecCommand.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(new StringWriter(), true));
            Thread monitor = Thread.ofPlatform()
                    .start(() ->
                            cl.execute("pfkey-monitor", "--pfkey", server.path().toString(), "--count", "4"));
            for (int i = 0; i < 500 && !out.toString().contains("type=11"); i++) Thread.sleep(10);
            try (PfkeyClient c = PfkeyClient.connect(server.path())) {
                c.request(PfkeyMessage.of(Sadb.SADB_FLUSH, 0, c.nextSeq(), c.pid(), List.of()));
            }
            monitor.join(10_000);
            String text = out.toString();
            assertTrue(text.contains("sadb_msg{ version=2 type=9 errno=0 satype=0"), text);
            assertTrue(
                    text.lines().anyMatch(l -> l.matches("[A-Z][a-z]{2} \\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}")), text);
        }
    }
}
