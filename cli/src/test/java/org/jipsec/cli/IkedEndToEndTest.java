package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jipsec.io.netns.Commands;
import org.jipsec.io.netns.VethPair;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jipsec iked ↔ jipsec iked (issue #14): two namespaces, each with a {@code jipsec gateway} process (TUN) and a
 * {@code jipsec iked} process keyed by a PSK. A's child is {@code start_action=trap}, B only responds. The first
 * ping makes A's jipsecd send SADB_ACQUIRE; after IKE_SA_INIT/IKE_AUTH the ping goes through the tunnel;
 * {@code jipsec setkey -D} on each side shows the same SA pair; SIGHUP with an unchanged file keeps the SPIs, with
 * a broken one is refused naming file and line; {@code jipsec ike status} on A's control socket shows the SA with its
 * algorithms, {@code jipsec ike rekey net} gives the child new SPIs, {@code rekey ab} rekeys the IKE SA and
 * {@code terminate ab} deletes it on both sides;
 * SIGTERM of A's iked deletes the SAs on both sides (B logs the peer's Delete). {@code jipsec pfkey-monitor} on A's
 * PF_KEY socket shows the messages in racoon's order: REGISTER ESP/AH, X_SPDADD (trap), ACQUIRE, X_SPDGET, GETSPI,
 * UPDATE, ADD; at SIGTERM DELETE, then X_SPDDELETE2. Root only.
 */
@RequiresRoot
class IkedEndToEndTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void needRoot() throws Exception {
        DaemonProcess.need();
    }

    static String conf(String local, String remote, String localTs, String remoteTs, String start) {
        return """
                connections {
                    ab {
                        version = 2
                        local_addrs = %s
                        remote_addrs = %s
                        proposals = aes128gcm16-prfsha256-x25519
                        local {
                            auth = psk
                        }
                        remote {
                            auth = psk
                            id = %s
                        }
                        children {
                            net {
                                local_ts = %s
                                remote_ts = %s
                                esp_proposals = aes128gcm16
                                start_action = %s
                            }
                        }
                    }
                }
                secrets {
                    ike-ab {
                        id-a = %s
                        id-b = %s
                        secret = "iked-e2e-test-psk-not-real"
                    }
                }
                """.formatted(local, remote, remote, localTs, remoteTs, start, local, remote);
    }

    Process iked(String ns, String name, Path config, Path pfkey) throws Exception {
        return new ProcessBuilder(DaemonProcess.command(
                        ns,
                        "iked",
                        "--config",
                        config.toString(),
                        "--pfkey",
                        pfkey.toString(),
                        "--control",
                        dir.resolve(name + ".ctl").toString()))
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
    }

    String log(String name) {
        return DaemonProcess.read(dir.resolve(name + ".err"));
    }

    void waitLog(String name, String text, Process p) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (log(name).contains(text)
                    || DaemonProcess.read(dir.resolve(name + ".out")).contains(text)) return;
            if (p != null && !p.isAlive()) break;
            Thread.sleep(50);
        }
        throw new AssertionError(name + " never logged '" + text + "':\n" + log(name));
    }

    static final Pattern SPI = Pattern.compile("spi=\\d+\\(0x([0-9a-f]+)\\)");

    static TreeSet<String> spis(String dump) {
        TreeSet<String> s = new TreeSet<>();
        Matcher m = SPI.matcher(dump);
        while (m.find()) s.add(m.group(1));
        return s;
    }

    static final Pattern MSG = Pattern.compile("(?m)^sadb_msg\\{ version=2 type=(\\d+) errno=\\d+ satype=(\\d+)");

    /** The PF_KEY message types pfkey-monitor printed, consecutive repeats (request and reply) folded, DUMPs left out. */
    List<String> pfkeyTypes() {
        List<String> out = new java.util.ArrayList<>();
        Matcher m = MSG.matcher(DaemonProcess.read(dir.resolve("monitor.out")));
        while (m.find()) {
            String name = switch (Integer.parseInt(m.group(1))) {
                case 1 -> "GETSPI";
                case 2 -> "UPDATE";
                case 3 -> "ADD";
                case 4 -> "DELETE";
                case 6 -> "ACQUIRE";
                case 7 -> "REGISTER";
                case 8 -> "EXPIRE";
                case 10, 11 -> null; // setkey -D, the monitor's own
                case 14 -> "X_SPDADD";
                case 16 -> "X_SPDGET";
                case 22 -> "X_SPDDELETE2";
                default -> "type " + m.group(1);
            };
            if (name == null) continue;
            String sat = switch (Integer.parseInt(m.group(2))) {
                case 0 -> "";
                case 2 -> "/AH";
                case 3 -> "/ESP";
                default -> "/" + m.group(2);
            };
            if (out.isEmpty() || !out.getLast().equals(name + sat)) out.add(name + sat);
        }
        return out;
    }

    String setkeyDump(String ns, Path pfkey) throws Exception {
        return DaemonProcess.run(ns, "setkey", "--pfkey", pfkey.toString(), "-D")
                .stdout();
    }

    @Test
    void trapPingRekeyFreeReloadAndTerminate() throws Exception {
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), "10.87.0.1/24");
            g.lab.address(b, v.b(), "10.87.0.2/24");
            g.exec(a, 10, "ip", "addr", "add", "10.87.1.1/32", "dev", "lo");
            g.exec(b, 10, "ip", "addr", "add", "10.87.2.1/32", "dev", "lo");
            Path pa = dir.resolve("a/pfkey"), pb = dir.resolve("b/pfkey");
            Files.createDirectories(pa.getParent());
            Files.createDirectories(pb.getParent());
            Path ca = dir.resolve("a.conf"), cb = dir.resolve("b.conf");
            Files.writeString(ca, conf("10.87.0.1", "10.87.0.2", "10.87.1.0/24", "10.87.2.0/24", "trap"));
            Files.writeString(cb, conf("10.87.0.2", "10.87.0.1", "10.87.2.0/24", "10.87.1.0/24", "none"));
            Process ia = null, ib = null, monitor = null;
            try (DaemonProcess ga = DaemonProcess.start(dir, "gwa", a, "jipik0", "--pfkey", pa.toString());
                    DaemonProcess gb = DaemonProcess.start(dir, "gwb", b, "jipik0", "--pfkey", pb.toString())) {
                g.exec(a, 10, "ip", "route", "add", "10.87.2.0/24", "dev", "jipik0", "src", "10.87.1.1");
                g.exec(b, 10, "ip", "route", "add", "10.87.1.0/24", "dev", "jipik0", "src", "10.87.2.1");
                assertTrue(spis(setkeyDump(a, pa)).isEmpty());
                monitor = new ProcessBuilder(DaemonProcess.command(a, "pfkey-monitor", "--pfkey", pa.toString()))
                        .redirectOutput(dir.resolve("monitor.out").toFile())
                        .redirectErrorStream(false)
                        .start();
                Thread.sleep(1500);
                ib = iked(b, "ikedb", cb, pb);
                ia = iked(a, "ikeda", ca, pa);
                waitLog("ikedb", "jipsec iked: running on 10.87.0.2", ib);
                waitLog("ikeda", "trap policies installed", ia);

                // the first packet is trapped (ACQUIRE); the ping goes through once IKE has installed the SAs
                boolean pinged = false;
                for (int i = 0; i < 20 && !pinged; i++) {
                    pinged = g.exec(a, 10, "ping", "-c", "1", "-W", "1", "-I", "10.87.1.1", "10.87.2.1")
                            .ok();
                }
                assertTrue(
                        pinged,
                        "no ping through the tunnel\nA:\n" + log("ikeda") + "\nB:\n" + log("ikedb") + "\ngw A:\n"
                                + ga.stderr());
                assertTrue(log("ikeda").contains("(ACQUIRE "), log("ikeda"));
                assertTrue(log("ikeda").contains("CHILD_SA net{1} established"), log("ikeda"));
                assertTrue(log("ikedb").contains("CHILD_SA net{1} established"), log("ikedb"));
                String da = setkeyDump(a, pa), db = setkeyDump(b, pb);
                TreeSet<String> sa = spis(da), sb = spis(db);
                assertEquals(2, sa.size(), da);
                assertEquals(sa, sb, "both sides hold the same SA pair\n" + da + "\n" + db);
                assertTrue(da.contains("esp mode=tunnel") && da.contains("E: 20 "), da); // 20 = aes-gcm-16
                assertTrue(da.contains("10.87.0.2 10.87.0.1") && da.contains("10.87.0.1 10.87.0.2"), da);
                assertFalse(log("ikeda").contains("iked-e2e-test-psk")
                        || log("ikedb").contains("iked-e2e-test-psk"));

                // what A's iked and jipsecd said over PF_KEY (pfkey-monitor, promiscuous as setkey -x): racoon's order
                assertEquals(
                        List.of(
                                "REGISTER/ESP",
                                "REGISTER/AH",
                                "X_SPDADD",
                                "ACQUIRE/ESP",
                                "X_SPDGET",
                                "GETSPI/ESP",
                                "UPDATE/ESP",
                                "ADD/ESP"),
                        pfkeyTypes(),
                        DaemonProcess.read(dir.resolve("monitor.out")));
                // SIGHUP, file unchanged: nothing renegotiated
                Commands.check(List.of("kill", "-HUP", Long.toString(ia.pid())), Duration.ofSeconds(10));
                waitLog("ikeda", "reload: unchanged [ab]", ia);
                assertEquals(sa, spis(setkeyDump(a, pa)), "SPIs kept over SIGHUP");
                assertTrue(g.exec(a, 10, "ping", "-c", "1", "-W", "2", "-I", "10.87.1.1", "10.87.2.1")
                        .ok());

                // SIGHUP with a broken file: refused with file:line, nothing changes
                String good = Files.readString(ca);
                Files.writeString(ca, good.replace("start_action = trap", "start_action = trap\n        bogus = 1"));
                Commands.check(List.of("kill", "-HUP", Long.toString(ia.pid())), Duration.ofSeconds(10));
                waitLog("ikeda", "reload refused, nothing changed: " + ca + ":", ia);
                assertTrue(log("ikeda").contains("unsupported key 'connections.ab.children.net.bogus'"), log("ikeda"));
                assertEquals(sa, spis(setkeyDump(a, pa)), "SPIs kept over a refused reload");
                Files.writeString(ca, good);

                // jipsec ike over A's control socket: status shows the SA and its algorithms; rekey and terminate
                String ctl = dir.resolve("ikeda.ctl").toString();
                var st = DaemonProcess.run(a, "ike", "--control", ctl, "status");
                assertEquals(0, st.exitCode(), st.stdout() + st.stderr());
                assertTrue(
                        st.stdout().contains("ab: #1, ESTABLISHED, IKEv2")
                                && st.stdout().contains("PRF_HMAC_SHA2_256")
                                && st.stdout().contains("net: #1, INSTALLED, TUNNEL, ESP:")
                                && st.stdout().contains("AES_GCM_16"),
                        st.stdout());
                for (String spi : sa) assertTrue(st.stdout().contains(spi), spi + " in\n" + st.stdout());
                var rk = DaemonProcess.run(a, "ike", "--control", ctl, "rekey", "net");
                assertEquals(0, rk.exitCode(), rk.stdout() + rk.stderr());
                TreeSet<String> rekeyed = sa;
                for (int i = 0; i < 100 && (rekeyed.equals(sa) || rekeyed.size() != 2); i++) {
                    Thread.sleep(100);
                    rekeyed = spis(setkeyDump(a, pa));
                }
                assertEquals(2, rekeyed.size(), "after 'jipsec ike rekey net': " + rekeyed + "\n" + log("ikeda"));
                assertTrue(java.util.Collections.disjoint(sa, rekeyed), "new SPIs after the child rekey: " + rekeyed);
                assertTrue(g.exec(a, 10, "ping", "-c", "1", "-W", "2", "-I", "10.87.1.1", "10.87.2.1")
                        .ok());
                rk = DaemonProcess.run(a, "ike", "--control", ctl, "rekey", "ab");
                assertEquals(0, rk.exitCode(), rk.stdout() + rk.stderr());
                waitLog("ikeda", "IKE_SA rekeyed", ia);
                var tm = DaemonProcess.run(a, "ike", "--control", ctl, "terminate", "ab");
                assertEquals(0, tm.exitCode(), tm.stdout() + tm.stderr());
                waitLog("ikedb", "IKE_SA closed: deleted by", ib);
                for (int i = 0; i < 40 && !spis(setkeyDump(a, pa)).isEmpty(); i++) Thread.sleep(100);
                assertTrue(spis(setkeyDump(a, pa)).isEmpty(), "after 'jipsec ike terminate ab': " + setkeyDump(a, pa));
                st = DaemonProcess.run(a, "ike", "--control", ctl, "status");
                assertTrue(st.stdout().contains("no IKE SAs"), st.stdout());

                // SIGTERM: A deletes the IKE SA (and so its children) at B, both kernels lose the SAs
                ia.destroy();
                assertTrue(ia.waitFor(30, TimeUnit.SECONDS), "iked A did not exit on SIGTERM\n" + log("ikeda"));
                assertTrue(log("ikeda").contains("stopped"), log("ikeda"));
                waitLog("ikedb", "IKE_SA closed: deleted by", ib);
                assertTrue(spis(setkeyDump(a, pa)).isEmpty(), setkeyDump(a, pa));
                for (int i = 0; i < 40 && !spis(setkeyDump(b, pb)).isEmpty(); i++) Thread.sleep(100);
                assertTrue(spis(setkeyDump(b, pb)).isEmpty(), setkeyDump(b, pb));
                List<String> types = pfkeyTypes();
                assertEquals(
                        List.of("DELETE/ESP", "X_SPDDELETE2"),
                        types.subList(types.size() - 2, types.size()),
                        "SIGTERM: both SAs deleted, then the trap policies: " + types);
            } finally {
                for (Process p : new Process[] {ia, ib, monitor}) {
                    if (p != null) {
                        p.destroy();
                        if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
                    }
                }
            }
        }
    }
}
