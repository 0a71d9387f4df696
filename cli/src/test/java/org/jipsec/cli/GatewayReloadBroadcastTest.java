package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.pfkey.PfkeyCodec;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.io.netns.Commands;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.pfkey.PfkeyClient;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SIGHUP reload seen from PF_KEY: a key daemon watching the socket learns what the reload removed and added, as it
 * would from NetBSD's kernel when setkey changes the databases (SADB_DELETE, SADB_X_SPDDELETE2, SADB_ADD without
 * keys, SADB_X_SPDADD to every socket; promiscuous sockets get each message wrapped). Also: SIGTERM keeps the
 * policy guard's nftables table (fail closed; {@link GatewayFailClosedTest}). The real command in a child process,
 * in a namespace (root only).
 */
@RequiresRoot
class GatewayReloadBroadcastTest {

    static final String K = GatewayEndToEndTest.K_AB;

    @TempDir
    Path dir;

    @BeforeAll
    static void needRoot() {
        Assumptions.assumeTrue(NetnsLab.available(), "needs root and iproute2 (network namespaces)");
    }

    /** Collects the raw messages a client receives, on a thread of its own (reads block). */
    static LinkedBlockingQueue<byte[]> collect(PfkeyClient c) {
        LinkedBlockingQueue<byte[]> q = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                byte[] m;
                while ((m = c.receiveRaw()) != null) q.add(m);
            } catch (java.io.IOException e) {
                // closed
            }
        });
        return q;
    }

    static int wrapped;

    static List<PfkeyMessage> take(LinkedBlockingQueue<byte[]> q, int n, boolean unwrap) throws Exception {
        List<PfkeyMessage> out = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (out.size() < n) {
            byte[] raw = q.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (raw == null) throw new AssertionError("only " + out.size() + " of " + n + " messages: " + out);
            byte[] m = unwrap ? PfkeyCodec.unwrapPromisc(raw).orElse(raw) : raw;
            if (unwrap && m != raw) wrapped++;
            out.add(PfkeyCodec.decode(m));
        }
        return out;
    }

    @Test
    void reloadIsAnnouncedToPfkeyListenersAndSigtermKeepsTheGuardTable() throws Exception {
        try (GatewayLab g = new GatewayLab(dir)) {
            String ns = g.lab.namespace();
            Path conf = dir.resolve("gw.conf");
            Files.writeString(
                    conf,
                    "add 10.85.0.1 10.85.0.2 esp 0x1001 -E aes-gcm-16 " + K + " ;\n"
                            + "spdadd 10.85.0.1 10.85.0.2 any -P out ipsec esp/transport//require ;\n");
            Path pfkey = dir.resolve("run/pfkey");
            String javaBin = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(
                            "ip",
                            "netns",
                            "exec",
                            ns,
                            javaBin,
                            "--enable-native-access=ALL-UNNAMED",
                            "-cp",
                            System.getProperty("java.class.path"),
                            "org.jipsec.cli.Main",
                            "gateway",
                            "--config",
                            conf.toString(),
                            "--pfkey",
                            pfkey.toString(),
                            "--tun",
                            "jiptest1",
                            "--state-dir",
                            dir.resolve("state").toString())
                    .redirectOutput(dir.resolve("gw.out").toFile())
                    .redirectError(dir.resolve("gw.err").toFile())
                    .start();
            try (PfkeyClient promisc = waitAndConnect(dir.resolve("gw.out"), pfkey, p)) {
                promisc.promisc(true); // before the listener connects: its echo goes to ALL
                int oldPolicyId =
                        promisc.spdDump().next().policy().orElseThrow().policy().id();
                PfkeyClient listener = PfkeyClient.connect(pfkey);
                boolean nft = Commands.run(List.of("nft", "--version"), Duration.ofSeconds(10))
                        .ok();
                if (nft) {
                    assertTrue(
                            g.exec(ns, 10, "nft", "list", "tables").stdout().contains("table inet jipsec_jiptest1"),
                            read(dir.resolve("gw.err")));
                }
                LinkedBlockingQueue<byte[]> plain = collect(listener);
                LinkedBlockingQueue<byte[]> copies = collect(promisc);

                Files.writeString(
                        conf,
                        "add 10.85.0.1 10.85.0.2 esp 0x1011 -E aes-gcm-16 " + K + " ;\n"
                                + "spdadd 10.85.0.2 10.85.0.1 any -P in ipsec esp/transport//require ;\n");
                Commands.check(List.of("kill", "-HUP", Long.toString(p.pid())), Duration.ofSeconds(10));

                List<PfkeyMessage> seen = take(plain, 4, false);
                assertEquals(
                        List.of(Sadb.SADB_DELETE, Sadb.SADB_X_SPDDELETE2, Sadb.SADB_ADD, Sadb.SADB_X_SPDADD),
                        seen.stream().map(PfkeyMessage::type).toList(),
                        seen.toString());
                PfkeyMessage del = seen.get(0);
                assertEquals(Sadb.SADB_SATYPE_ESP, del.satype());
                assertEquals(0x1001, del.sa().orElseThrow().spi());
                assertTrue(del.has(Sadb.SADB_EXT_ADDRESS_SRC) && del.has(Sadb.SADB_EXT_ADDRESS_DST));
                assertEquals(0, del.errno());
                assertEquals(
                        oldPolicyId, seen.get(1).policy().orElseThrow().policy().id());
                PfkeyMessage add = seen.get(2);
                assertEquals(0x1011, add.sa().orElseThrow().spi());
                assertFalse(add.has(Sadb.SADB_EXT_KEY_ENCRYPT), "keys are stripped from the ADD broadcast");
                assertEquals(
                        PolicyDirection.INBOUND,
                        seen.get(3).policy().orElseThrow().policy().direction());

                // the promiscuous socket: the same four, and wrapped copies of what went to other sockets (setkey's)
                List<Integer> types = new ArrayList<>();
                wrapped = 0;
                while (types.size() < 8 || !types.contains(Sadb.SADB_X_SPDADD)) {
                    types.add(take(copies, 1, true).get(0).type());
                    assertTrue(types.size() < 50, types.toString());
                }
                assertTrue(
                        types.containsAll(List.of(Sadb.SADB_DELETE, Sadb.SADB_X_SPDDELETE2, Sadb.SADB_ADD)),
                        types.toString());
                assertTrue(wrapped >= 4, "promiscuous copies (SADB_X_PROMISC-wrapped): " + wrapped + " of " + types);
                assertTrue(
                        read(dir.resolve("gw.err"))
                                .contains(
                                        "reload: configuration applied: kept 0 SAs and 0 policies, removed 1 SAs and 1 policies, added 1 SAs and 1 policies"),
                        read(dir.resolve("gw.err")));

                listener.close();
                p.destroy(); // SIGTERM
                assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stops on SIGTERM");
                if (nft) { // fail closed: kept until --cleanup
                    assertTrue(
                            g.exec(ns, 10, "nft", "list", "tables").stdout().contains("jipsec_jiptest1"),
                            "guard table removed by SIGTERM\n" + read(dir.resolve("gw.err")));
                }
            } finally {
                p.destroyForcibly();
            }
        }
    }

    /** Connects once the command says it runs (the guard table is in place by then). */
    private static PfkeyClient waitAndConnect(Path out, Path pfkey, Process p) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (read(out).contains("running on jiptest1")) return PfkeyClient.connect(pfkey);
            if (!p.isAlive()) break;
            Thread.sleep(50);
        }
        throw new AssertionError("gateway did not start");
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
