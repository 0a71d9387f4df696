package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jipsec.core.net.pcap.PcapReader;
import org.jipsec.core.net.pcap.PcapRecord;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.Commands;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.VethPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12, restart safety, from the outside: two real {@code jipsec gateway} processes in namespaces with ESP
 * AES-GCM tunnel SAs, a capture of every ESP packet on the link between them, and the sender restarted with SIGTERM
 * and with SIGKILL (kill -9) while traffic flows. No (SPI, sequence number) pair — for AES-GCM the nonce — may appear
 * twice in the whole capture, and traffic must flow after each restart. Then the receiver restarts and a packet it
 * accepted before is replayed to it: it must not be delivered.
 */
class GatewaySequenceStateRestartTest {

    static final String OA = "10.86.0.1", OB = "10.86.0.2", IA = "10.86.1.1", IB = "10.86.2.1";
    static final String TUN = "jipseq0";

    @TempDir Path dir;

    @BeforeAll
    static void needRootAndTools() {
        boolean ci = "true".equals(System.getenv("CI"));
        boolean ok = NetnsLab.available() && tool("dumpcap", "--version") && tool("tshark", "--version")
                && tool("python3", "--version");
        if (!ok && ci) throw new AssertionError("root, iproute2, dumpcap, tshark and python3 are required under CI");
        org.junit.jupiter.api.Assumptions.assumeTrue(ok, "needs root, iproute2, dumpcap, tshark, python3");
    }

    static boolean tool(String... cmd) {
        try {
            return Commands.run(List.of(cmd), Duration.ofSeconds(10)).ok();
        } catch (Exception e) {
            return false;
        }
    }

    /** One gateway child process. */
    final class Gw {
        final String ns, name;
        final Path conf, state, pfkey;
        Process p;
        int starts;

        Gw(String ns, String name, String config) throws Exception {
            this.ns = ns;
            this.name = name;
            this.conf = dir.resolve(name + ".conf");
            this.state = dir.resolve(name + "-state");
            this.pfkey = dir.resolve(name + "/pfkey");
            Files.writeString(conf, config);
        }

        Path out() { return dir.resolve(name + "-" + starts + ".out"); }

        Path err() { return dir.resolve(name + "-" + starts + ".err"); }

        void start() throws Exception {
            starts++;
            String java = ProcessHandle.current().info().command().orElse("java");
            p = new ProcessBuilder("ip", "netns", "exec", ns, java, "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), "org.jipsec.cli.Main", "gateway", "--config", conf.toString(),
                    "--pfkey", pfkey.toString(), "--tun", TUN, "--no-policy-guard", "--state-dir", state.toString())
                    .redirectOutput(out().toFile()).redirectError(err().toFile()).start();
            for (int i = 0; i < 600; i++) {
                if (read(out()).contains("running on " + TUN)) return;
                if (!p.isAlive()) break;
                Thread.sleep(50);
            }
            throw new AssertionError(name + " did not start: " + read(err()));
        }

        void stop(boolean kill9) throws Exception {
            if (kill9) Commands.check(List.of("kill", "-9", Long.toString(p.pid())), Duration.ofSeconds(10));
            else p.destroy();                                              // SIGTERM
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), name + " stops");
            // ip netns exec is the parent: make sure the JVM under it is gone too (kill -9 of the JVM's pid above is
            // of ip netns exec's child after exec: the same process)
        }

        String logs() {
            StringBuilder b = new StringBuilder();
            for (int i = 1; i <= starts; i++) b.append("--- ").append(name).append(" run ").append(i).append('\n')
                    .append(read(dir.resolve(name + "-" + i + ".err")));
            return b.toString();
        }
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void restartsNeverRepeatASequenceNumberAndTheRestartedReceiverRefusesReplays() throws Exception {
        String sas = "add " + OA + " " + OB + " esp 0x3001 -m tunnel -r 8 -E aes-gcm-16 " + GatewayEndToEndTest.K_AB + " ;\n"
                + "add " + OB + " " + OA + " esp 0x3002 -m tunnel -r 8 -E aes-gcm-16 " + GatewayEndToEndTest.K_BA + " ;\n";
        String netA = "10.86.1.0/24", netB = "10.86.2.0/24";
        try (NetnsLab lab = new NetnsLab()) {
            String a = lab.namespace(), b = lab.namespace();
            VethPair v = lab.veth(a, b);
            lab.address(a, v.a(), OA + "/24");
            lab.address(b, v.b(), OB + "/24");
            lab.address(a, "lo", IA + "/32");
            lab.address(b, "lo", IB + "/32");
            Gw ga = new Gw(a, "a", sas
                    + "spdadd " + netA + " " + netB + " any -P out ipsec esp/tunnel/" + OA + "-" + OB + "/require ;\n"
                    + "spdadd " + netB + " " + netA + " any -P in ipsec esp/tunnel/" + OB + "-" + OA + "/require ;\n");
            Gw gb = new Gw(b, "b", sas
                    + "spdadd " + netB + " " + netA + " any -P out ipsec esp/tunnel/" + OB + "-" + OA + "/require ;\n"
                    + "spdadd " + netA + " " + netB + " any -P in ipsec esp/tunnel/" + OA + "-" + OB + "/require ;\n");
            List<Process> captures = new ArrayList<>();
            try {
                Path all = capture(captures, a, v.a(), "all.pcap");
                gb.start();
                lab.route(b, netA, "dev", TUN, "src", IB);
                ga.start();
                lab.route(a, netB, "dev", TUN, "src", IA);
                int[] replies = new int[4];
                replies[0] = ping(lab, a, 10, "0.1");
                // a reload (SIGHUP) of an unchanged configuration: whatever it does with the SAs, the numbers go on
                Commands.check(List.of("kill", "-HUP", Long.toString(ga.p.pid())), Duration.ofSeconds(10));
                for (int i = 0; i < 200 && !read(ga.err()).contains("reload:"); i++) Thread.sleep(50);
                replies[0] += ping(lab, a, 10, "0.1");

                ga.stop(false);                                            // SIGTERM: exact marks written
                ga.start();
                lab.route(a, netB, "dev", TUN, "src", IA);
                replies[1] = ping(lab, a, 10, "0.1");

                ga.stop(true);                                             // kill -9: the marks written ahead stand
                ga.start();
                lab.route(a, netB, "dev", TUN, "src", IA);
                // A continues above its saved mark; its own window starts above the replies it may have accepted, so
                // B's replies pass once B's counter is beyond that mark (at most one inbound block): enough pings
                replies[2] = ping(lab, a, 120, "0.02");

                // the receiver's restart: a UDP datagram A -> B, captured alone, accepted by B before B restarts
                Path one = capture(captures, a, v.a(), "one.pcap");
                Process before = udpListen(b, IB, 7777, dir.resolve("before.out"));
                Thread.sleep(1000);
                udpSend(lab, a, IA, IB, 7777, "before-restart");
                assertTrue(before.waitFor(15, TimeUnit.SECONDS), "listener ends");
                stopCapture(captures.removeLast());
                assertTrue(read(dir.resolve("before.out")).contains("before-restart"),
                        "B accepted the datagram before its restart\n" + ga.logs() + gb.logs());
                byte[] replay = espPacket(one, 0x3001);
                gb.stop(false);
                gb.start();
                lab.route(b, netA, "dev", TUN, "src", IB);
                Process listener = udpListen(b, IB, 7777, dir.resolve("listen.out"));
                Thread.sleep(1500);
                rawSend(lab, a, OB, replay);
                Thread.sleep(1500);
                udpSend(lab, a, IA, IB, 7777, "after-restart");               // a fresh datagram is delivered
                replies[3] = ping(lab, a, 10, "0.1");
                assertTrue(listener.waitFor(15, TimeUnit.SECONDS), "listener ends");
                String heard = read(dir.resolve("listen.out"));
                ga.stop(false);
                gb.stop(false);
                stopCapture(captures.removeFirst());

                String logs = ga.logs() + gb.logs();
                assertFalse(heard.contains("before-restart"), "a replayed packet was delivered after the receiver's restart\n"
                        + heard + logs);
                assertTrue(heard.contains("after-restart"), "fresh traffic after the receiver's restart\n" + heard + logs);
                assertTrue(replies[0] >= 16, "pings before the restarts (and across a reload): " + replies[0] + "\n" + logs);
                assertTrue(replies[1] >= 8, "pings after SIGTERM: " + replies[1] + "\n" + logs);
                assertTrue(replies[2] >= 20, "pings after kill -9: " + replies[2] + "\n" + logs);
                assertTrue(replies[3] >= 8, "pings after the receiver's restart: " + replies[3] + "\n" + logs);

                String fields = GatewayLab.tshark(all, "-Y", "esp", "-T", "fields", "-e", "esp.spi", "-e", "esp.sequence");
                Map<String, Integer> seen = new HashMap<>();
                List<String> repeated = new ArrayList<>();
                int hl = (replay[0] & 0x0f) * 4;                           // the replay the test itself injected
                seen.put(String.format("0x%08x\t%d", 0x3001, org.jipsec.core.net.Bytes.u32(replay, hl + 4)), -1);
                int n = 0;
                for (String line : fields.split("\n")) {
                    if (line.isBlank()) continue;
                    n++;
                    if (seen.merge(line.strip(), 1, Integer::sum) == 2) repeated.add(line.strip()); // -1 + 2 = 1: allowed
                }
                assertTrue(n >= 150, "ESP packets captured: " + n);
                assertEquals(List.of(), repeated, "(SPI, sequence number) pairs sent twice under one key, of " + n + "\n" + logs);
            } finally {
                for (Process c : captures) c.destroyForcibly();
                for (Gw g : List.of(ga, gb)) if (g.p != null) g.p.destroyForcibly();
            }
        }
    }

    /** dumpcap in classic pcap format on {@code dev} of {@code ns}. */
    Path capture(List<Process> captures, String ns, String dev, String file) throws Exception {
        Path f = dir.resolve(file);
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "dumpcap", "-q", "-P", "-i", dev, "-w", f.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(file + ".log").toFile()).start();
        captures.add(p);
        for (int i = 0; i < 100 && !(Files.exists(f) && Files.size(f) > 0); i++) Thread.sleep(50);
        Thread.sleep(300);
        return f;
    }

    static void stopCapture(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
    }

    static int ping(NetnsLab lab, String ns, int count, String interval) throws Exception {
        CommandResult r = lab.exec(ns, Duration.ofSeconds(60), "ping", "-c", Integer.toString(count), "-i", interval,
                "-W", "1", "-I", IA, IB);
        return r.stdout().split("bytes from", -1).length - 1;
    }

    static void udpSend(NetnsLab lab, String ns, String src, String dst, int port, String text) throws Exception {
        lab.exec(ns, Duration.ofSeconds(10), "python3", "-c", "import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);"
                + "s.bind(('" + src + "',0));s.sendto(b'" + text + "',('" + dst + "'," + port + "))");
    }

    /** A UDP listener in {@code ns} printing what it gets for 8 s. */
    static Process udpListen(String ns, String addr, int port, Path out) throws Exception {
        return new ProcessBuilder("ip", "netns", "exec", ns, "python3", "-c",
                "import socket,time,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('" + addr + "'," + port
                        + "))\ns.settimeout(0.5)\nend=time.time()+8\nwhile time.time()<end:\n  try:\n    d=s.recv(2000)\n"
                        + "    print(d.decode(errors='replace'),flush=True)\n  except socket.timeout:\n    pass\n")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    /** Sends a whole IPv4 packet (header included) from {@code ns} with a raw socket. */
    static void rawSend(NetnsLab lab, String ns, String dst, byte[] packet) throws Exception {
        CommandResult r = lab.exec(ns, Duration.ofSeconds(10), "python3", "-c",
                "import socket;s=socket.socket(socket.AF_INET,socket.SOCK_RAW,socket.IPPROTO_RAW);"
                        + "s.sendto(bytes.fromhex('" + java.util.HexFormat.of().formatHex(packet) + "'),('" + dst + "',0))");
        assertTrue(r.ok(), "raw send: " + r.stderr());
    }

    /** The IPv4 packet of the first ESP frame with {@code spi} in a classic pcap file of an Ethernet link. */
    static byte[] espPacket(Path pcap, int spi) throws Exception {
        for (PcapRecord r : PcapReader.readAll(Files.readAllBytes(pcap))) {
            byte[] d = r.data();
            if (d.length < 14 + 28 || (d[12] & 0xff) != 0x08 || d[13] != 0 || (d[14 + 9] & 0xff) != 50) continue;
            int hl = (d[14] & 0x0f) * 4;
            if (org.jipsec.core.net.Bytes.u32(d, 14 + hl) != Integer.toUnsignedLong(spi)) continue;
            return java.util.Arrays.copyOfRange(d, 14, d.length);
        }
        throw new AssertionError("no ESP packet with SPI 0x" + Integer.toHexString(spi) + " in " + pcap);
    }
}
