package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.pfkey.Errno;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyException;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.pfkey.PfkeyClient;
import org.jipsec.io.state.SequenceStore;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14 (found building {@code jipsec iked}; issue #12's {@code --strict-keys}): AES-GCM SAs an IKE daemon installs
 * as racoon and charon do — SADB_REGISTER for ESP, then SADB_GETSPI + SADB_UPDATE for the inbound SA and SADB_ADD for
 * the outbound one — are negotiated: {@code jipsec gateway --strict-keys} accepts them without a warning and writes
 * no state for them, while the same ADD from setkey (not registered) is still refused with EPERM. The real gateway in
 * a child process, in a namespace; the key-management daemon is the project's PF_KEY client.
 */
@RequiresRoot
class GatewayNegotiatedSaStrictKeysTest {

    static final int AES_GCM_16 = 20; // SADB_X_EALG_AESGCM16
    static final String LOCAL = "10.89.0.1", PEER = "10.89.0.2";

    @TempDir
    Path dir;

    @BeforeAll
    static void needRoot() {
        boolean ok = NetnsLab.available();
        if (!ok && "true".equals(System.getenv("CI")))
            throw new AssertionError("root and iproute2 are required under CI");
        org.junit.jupiter.api.Assumptions.assumeTrue(ok, "needs root and iproute2 (network namespaces)");
    }

    Process gateway(String ns, String tag, Path state) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(
                "ip",
                "netns",
                "exec",
                ns,
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "org.jipsec.cli.Main",
                "gateway",
                "--config",
                dir.resolve("gw.conf").toString(),
                "--pfkey",
                pfkey().toString(),
                "--tun",
                "jipnego0",
                "--no-policy-guard",
                "--state-dir",
                state.toString(),
                "--strict-keys"));
        return new ProcessBuilder(cmd)
                .redirectOutput(dir.resolve(tag + ".out").toFile())
                .redirectError(dir.resolve(tag + ".err").toFile())
                .start();
    }

    Path pfkey() {
        return dir.resolve("run/pfkey");
    }

    String err(String tag) {
        return GatewaySequenceStateRestartTest.read(dir.resolve(tag + ".err"));
    }

    boolean running(Process p, String tag) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (GatewaySequenceStateRestartTest.read(dir.resolve(tag + ".out")).contains("running on")) return true;
            if (!p.isAlive()) return false;
            Thread.sleep(50);
        }
        return false;
    }

    static void stop(Process p) throws Exception {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the gateway did not stop");
        }
    }

    static Extension.Address addr(int type, String a) throws Exception {
        return Extension.Address.of(type, new Endpoint(InetAddress.getByName(a)));
    }

    /** An ESP SA message (UPDATE or ADD) for AES-GCM-16 with a 160-bit key (128 + salt) of bytes {@code k}. */
    static PfkeyMessage gcm(int type, int spi, String src, String dst, int seq, int pid, int k) throws Exception {
        byte[] key = new byte[20];
        java.util.Arrays.fill(key, (byte) k);
        return PfkeyMessage.of(
                type,
                Sadb.SADB_SATYPE_ESP,
                seq,
                pid,
                List.of(
                        new Extension.Sa(spi, 0, 0, 0, AES_GCM_16, 0),
                        new Extension.Sa2(IpsecMode.TRANSPORT.number(), 0, 0),
                        addr(Sadb.SADB_EXT_ADDRESS_SRC, src),
                        addr(Sadb.SADB_EXT_ADDRESS_DST, dst),
                        new Extension.Key(Sadb.SADB_EXT_KEY_ENCRYPT, 160, key)));
    }

    @Test
    void anIkeDaemonsGcmSasAreAcceptedUnderStrictKeysAndSetkeysAddIsStillRefused() throws Exception {
        Files.writeString(dir.resolve("gw.conf"), "");
        Path state = dir.resolve("state");
        int inbound;
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace();
            Process gw = gateway(ns, "gw1", state);
            try {
                assertTrue(running(gw, "gw1"), err("gw1"));
                try (PfkeyClient iked = PfkeyClient.connect(pfkey())) {
                    iked.register(Sadb.SADB_SATYPE_ESP); // "I am a key-management daemon for ESP"
                    PfkeyMessage spi = iked.request(PfkeyMessage.of(
                            Sadb.SADB_GETSPI,
                            Sadb.SADB_SATYPE_ESP,
                            iked.nextSeq(),
                            iked.pid(),
                            List.of(
                                    new Extension.Sa2(IpsecMode.TRANSPORT.number(), 0, 0),
                                    addr(Sadb.SADB_EXT_ADDRESS_SRC, PEER),
                                    addr(Sadb.SADB_EXT_ADDRESS_DST, LOCAL),
                                    new Extension.SpiRange(0xc0000000, 0xcfffffff))));
                    inbound = spi.sa().orElseThrow().spi();
                    assertEquals(
                            0,
                            iked.request(gcm(Sadb.SADB_UPDATE, inbound, PEER, LOCAL, spi.seq(), iked.pid(), 1))
                                    .errno(),
                            "the inbound SA (GETSPI + UPDATE)");
                    assertEquals(
                            0,
                            iked.request(gcm(Sadb.SADB_ADD, 0x5001, LOCAL, PEER, iked.nextSeq(), iked.pid(), 2))
                                    .errno(),
                            "the outbound SA (ADD from the registered socket)");
                }
                // the same kind of ADD from a socket that is not a key-management daemon: refused as before
                try (PfkeyClient plain = PfkeyClient.connect(pfkey())) {
                    PfkeyException e = assertThrows(
                            PfkeyException.class,
                            () -> plain.request(
                                    gcm(Sadb.SADB_ADD, 0x5002, LOCAL, PEER, plain.nextSeq(), plain.pid(), 3)));
                    assertEquals(Errno.EPERM, e.errno());
                }
                Path cmds = dir.resolve("add.conf");
                Files.writeString(
                        cmds,
                        "add " + LOCAL + " " + PEER + " esp 0x5003 -E aes-gcm-16 " + GatewayEndToEndTest.K_BA + " ;\n");
                MainTest.Result r = MainTest.run("setkey", "--pfkey", pfkey().toString(), "-f", cmds.toString());
                assertTrue((r.err() + r.out()).contains("Operation not permitted"), r.toString());

                MainTest.Result dump = MainTest.run("setkey", "--pfkey", pfkey().toString(), "-D");
                String d = dump.out();
                assertTrue(d.contains(Integer.toHexString(inbound)) && d.contains("5001"), d);
                assertFalse(d.contains("5002") || d.contains("5003"), d);
                for (int i = 0; i < 100 && !err("gw1").contains("spi 0x5003"); i++) Thread.sleep(50);
                String e = err("gw1");
                assertTrue(
                        e.contains("refused (--strict-keys): esp SA spi 0x5002")
                                && e.contains("refused (--strict-keys): esp SA spi 0x5003"),
                        e);
                assertFalse(
                        e.contains("spi 0x" + Integer.toHexString(inbound)) || e.contains("spi 0x5001"),
                        "nothing said about the negotiated SAs\n" + e);
                assertFalse(e.contains("WARNING"), e);
            } finally {
                stop(gw);
            }

            // the negotiated SAs died with the SAD: no state was written for them, so nothing carries over
            try (SequenceStore s = SequenceStore.open(state, m -> {})) {
                byte[] k1 = new byte[20], k2 = new byte[20];
                java.util.Arrays.fill(k1, (byte) 1);
                java.util.Arrays.fill(k2, (byte) 2);
                assertFalse(
                        s.table()
                                .knows(s.table()
                                        .identity(
                                                Sadb.SADB_SATYPE_ESP,
                                                inbound,
                                                InetAddress.getByName(PEER),
                                                InetAddress.getByName(LOCAL),
                                                AES_GCM_16,
                                                k1,
                                                0,
                                                null)),
                        "no record of the inbound SA");
                assertFalse(
                        s.table()
                                .knows(s.table()
                                        .identity(
                                                Sadb.SADB_SATYPE_ESP,
                                                0x5001,
                                                InetAddress.getByName(LOCAL),
                                                InetAddress.getByName(PEER),
                                                AES_GCM_16,
                                                k2,
                                                0,
                                                null)),
                        "no record of the outbound SA");
            }
            Process again = gateway(ns, "gw2", state);
            try {
                assertTrue(running(again, "gw2"), err("gw2"));
                assertFalse(err("gw2").contains("sequence state: esp"), err("gw2"));
            } finally {
                stop(again);
            }
        }
    }
}
