package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.net.pcap.PcapReader;
import org.jipsec.core.net.pcap.PcapRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jipsec pcap} runs the daemon's engine (issue #13 item 10): a configuration of policies only works, levels
 * ({@code use}, {@code require}, {@code default} through the deflevs), {@code discard}, {@code none} and the system
 * default policy decide as in jipsecd, {@code --sysctl} sets them, inbound policies are checked on {@code --verify},
 * and a bundle only the engine's resolver handles (t_ipsec_tunnel_ipcomp's tunnel-first bundle) round-trips.
 */
class PcapEngineTest {

    @TempDir
    Path dir;

    private record Result(int status, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    private static Result run(String... args) {
        var cl = JipsecCommand.commandLine();
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        cl.setOut(new java.io.PrintWriter(new PrintStream(out, true, StandardCharsets.UTF_8), true));
        cl.setErr(new java.io.PrintWriter(new PrintStream(err, true, StandardCharsets.UTF_8), true));
        int status = cl.execute(args);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** An IPv4 UDP packet (checksum 0) with {@code payload} bytes of 0xff. */
    static byte[] udp(String src, String dst, int payload) throws Exception {
        byte[] p = new byte[28 + payload];
        p[0] = 0x45;
        p[2] = (byte) (p.length >> 8);
        p[3] = (byte) p.length;
        p[8] = 64;
        p[9] = 17;
        System.arraycopy(java.net.InetAddress.getByName(src).getAddress(), 0, p, 12, 4);
        System.arraycopy(java.net.InetAddress.getByName(dst).getAddress(), 0, p, 16, 4);
        int s = 0;
        for (int j = 0; j < 20; j += 2) s += ((p[j] & 0xff) << 8) | (p[j + 1] & 0xff);
        while ((s >> 16) != 0) s = (s & 0xffff) + (s >> 16);
        p[10] = (byte) (~s >> 8);
        p[11] = (byte) ~s;
        p[21] = 7;
        p[23] = 9;
        p[24] = (byte) ((8 + payload) >> 8);
        p[25] = (byte) (8 + payload);
        for (int j = 28; j < p.length; j++) p[j] = (byte) 0xff;
        return p;
    }

    /** A classic raw-IP pcap (link type 101) of {@code packets}. */
    static byte[] pcap(List<byte[]> packets) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[] {
            (byte) 0xa1,
            (byte) 0xb2,
            (byte) 0xc3,
            (byte) 0xd4,
            0,
            2,
            0,
            4,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            (byte) 0xff,
            (byte) 0xff,
            0,
            0,
            0,
            101
        });
        int i = 0;
        for (byte[] p : packets) {
            byte[] r = new byte[16];
            r[3] = (byte) ++i;
            r[10] = (byte) (p.length >> 8);
            r[11] = (byte) p.length;
            r[14] = (byte) (p.length >> 8);
            r[15] = (byte) p.length;
            o.writeBytes(r);
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    static List<byte[]> read(Path f) throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (PcapRecord r : PcapReader.readAll(Files.readAllBytes(f))) out.add(r.ipPacket());
        return out;
    }

    /** Policies only, no {@code add}: each level and type decides as the daemon would, with and without --sysctl. */
    @Test
    void aPolicyOnlyConfigurationFollowsLevelsTypesAndSystemDefaults() throws Exception {
        Path conf = dir.resolve("policies.conf");
        Files.writeString(conf, """
                spdadd 10.1.0.0/16 10.2.0.0/16 any -P out ipsec esp/transport//use;
                spdadd 10.1.0.0/16 10.3.0.0/16 any -P out ipsec esp/transport//require;
                spdadd 10.1.0.0/16 10.4.0.0/16 any -P out discard;
                spdadd 10.1.0.0/16 10.5.0.0/16 any -P out none;
                spdadd 10.1.0.0/16 10.6.0.0/16 any -P out ipsec esp/transport//default;
                """);
        List<byte[]> packets = new ArrayList<>();
        for (int net = 2; net <= 7; net++)
            packets.add(udp("10.1.0.1", "10.1.0.1".replace("10.1.", "10." + net + "."), 20));
        Path in = dir.resolve("in.pcap"), out = dir.resolve("out.pcap");
        Files.write(in, pcap(packets));
        Result r = run("pcap", "--config", conf.toString(), "--protect", in.toString(), out.toString());
        assertEquals(0, r.status(), r.err());
        List<String> l = r.lines();
        assertEquals(6, l.size(), r.out());
        assertEquals("1 - clear (policy 1: no SA for a 'use' request)", l.get(0));
        assertEquals("2 - no-sa (no SA for esp/transport 10.1.0.1->10.3.0.1, required)", l.get(1));
        assertEquals("3 - discard (policy discard)", l.get(2));
        assertEquals("4 - clear (policy none)", l.get(3));
        assertEquals("5 - clear (policy 5: no SA for a 'use' request)", l.get(4), "esp_trans_deflev 1 (use)");
        assertEquals("6 - clear (no policy: def_policy none)", l.get(5));
        List<byte[]> written = read(out);
        assertEquals(4, written.size());
        assertArrayEquals(packets.get(0), written.get(0), "sent in clear, unchanged");
        assertArrayEquals(packets.get(5), written.get(3));

        // the system defaults the daemon reads: the deflev makes 'default' require, def_policy discards the rest
        Path sysctl = dir.resolve("sysctl.conf");
        Files.writeString(sysctl, "net.inet.ipsec.esp_trans_deflev=2\nnet.inet.ipsec.def_policy=0\n");
        Result s = run(
                "pcap",
                "--config",
                conf.toString(),
                "--sysctl",
                sysctl.toString(),
                "--protect",
                in.toString(),
                out.toString());
        assertEquals(0, s.status(), s.err());
        assertEquals(
                "5 - no-sa (no SA for esp/transport 10.1.0.1->10.6.0.1, required)",
                s.lines().get(4));
        assertEquals("6 - discard (policy discard)", s.lines().get(5));
        assertEquals(2, read(out).size());
    }

    /** --verify runs the inbound policy check: a clear packet under 'require' is a named policy violation. */
    @Test
    void verifyChecksTheInboundPolicies() throws Exception {
        Path conf = dir.resolve("in.conf");
        Files.writeString(conf, """
                spdadd 10.2.0.0/16 10.1.0.0/16 any -P in ipsec esp/transport//require;
                spdadd 10.3.0.0/16 10.1.0.0/16 any -P in ipsec esp/transport//use;
                spdadd 10.4.0.0/16 10.1.0.0/16 any -P in discard;
                """);
        Path in = dir.resolve("in.pcap"), out = dir.resolve("out.pcap");
        Files.write(
                in,
                pcap(List.of(
                        udp("10.2.0.1", "10.1.0.1", 20),
                        udp("10.3.0.1", "10.1.0.1", 20),
                        udp("10.4.0.1", "10.1.0.1", 20))));
        Result r = run("pcap", "--config", conf.toString(), "--verify", in.toString(), out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(
                "1 - policy-violation (NOT_PROTECTED: no esp/transport protection)",
                r.lines().get(0));
        assertEquals("2 - clear (not IPsec)", r.lines().get(1));
        assertTrue(r.lines().get(2).startsWith("3 - policy-violation (POLICY_DISCARD"), r.out());
        assertEquals(1, read(out).size());
    }

    /**
     * t_ipsec_tunnel_ipcomp.sh's bundle through the offline tool: the ESP SA is found by the IPComp tunnel's outer
     * header (the engine's resolver, NetBSD's ipsec_nextisr); both sizes come back unchanged from --verify.
     */
    @Test
    void aTunnelFirstBundleRoundTrips() throws Exception {
        String sas = """
                add 20.0.0.1 20.0.0.2 esp 10000 -E aes-cbc 0x0123456789abcdef0123456789abcdef -A hmac-sha256 0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f;
                add 20.0.0.1 20.0.0.2 ipcomp 10000 -C deflate;
                """;
        String policy = "ipcomp/tunnel/20.0.0.1-20.0.0.2/require esp/transport//require;\n";
        Path a = dir.resolve("a.conf"), b = dir.resolve("b.conf");
        Files.writeString(a, sas + "spdadd 10.0.1.0/24 10.0.2.0/24 any -P out ipsec " + policy);
        Files.writeString(b, sas + "spdadd 10.0.1.0/24 10.0.2.0/24 any -P in ipsec " + policy);
        List<byte[]> packets = List.of(udp("10.0.1.2", "10.0.2.2", 20), udp("10.0.1.2", "10.0.2.2", 600));
        Path in = dir.resolve("in.pcap"), x = dir.resolve("x.pcap"), y = dir.resolve("y.pcap");
        Files.write(in, pcap(packets));
        Result p = run("pcap", "--config", a.toString(), "--protect", in.toString(), x.toString());
        assertEquals(0, p.status(), p.err());
        assertEquals(List.of("1 esp spi=0x00002710 seq=1 ok", "2 esp spi=0x00002710 seq=2 ok"), p.lines());
        List<byte[]> wire = read(x);
        assertTrue(wire.get(1).length < 300, "the large one compressed: " + wire.get(1).length);
        Result v = run("pcap", "--config", b.toString(), "--verify", x.toString(), y.toString());
        assertEquals(0, v.status(), v.err());
        assertEquals(List.of("1 esp spi=0x00002710 seq=1 ok", "2 esp spi=0x00002710 seq=2 ok"), v.lines());
        List<byte[]> back = read(y);
        assertArrayEquals(packets.get(0), back.get(0));
        assertArrayEquals(packets.get(1), back.get(1));
    }

    /**
     * A file of SAs without any policy keeps the tool's shortcut: each packet gets the SAs from its source to its
     * destination in KAME order (IPComp, ESP, AH: AH outermost); the receiver verifies them and, with a replay window
     * ({@code -r 4}: 32 packets), drops the same packet seen twice.
     */
    @Test
    void sasWithoutPoliciesProtectInKameOrderAndReplaysAreDropped() throws Exception {
        Path conf = dir.resolve("sas.conf");
        Files.writeString(conf, """
                add 192.0.2.1 192.0.2.2 ah 0x2001 -m transport -r 4 -A hmac-sha1 "12345678901234567890";
                add 192.0.2.1 192.0.2.2 esp 0x1001 -m transport -E aes-cbc "0123456789abcdef" -A hmac-sha256 "0123456789abcdef0123456789abcdef";
                add 192.0.2.1 192.0.2.2 ipcomp 0x4001 -m transport -C deflate;
                """);
        byte[] clear = udp("192.0.2.1", "192.0.2.2", 400);
        Path in = dir.resolve("in.pcap"), x = dir.resolve("x.pcap"), y = dir.resolve("y.pcap");
        Files.write(in, pcap(List.of(clear)));
        Result p = run("pcap", "--config", conf.toString(), "--protect", in.toString(), x.toString());
        assertEquals(0, p.status(), p.err());
        assertEquals(List.of("1 ah spi=0x00002001 seq=1 ok"), p.lines());
        byte[] wire = read(x).getFirst();
        assertEquals(51, wire[9], "AH outermost");
        assertEquals(50, wire[20], "then ESP (IPComp inside it)");
        Files.write(x, pcap(List.of(wire, wire)));
        Result v = run("pcap", "--config", conf.toString(), "--verify", x.toString(), y.toString());
        assertEquals(0, v.status(), v.err());
        assertEquals(List.of("1 ah spi=0x00002001 seq=1 ok", "2 ah spi=0x00002001 seq=1 replay"), v.lines());
        assertArrayEquals(clear, read(y).getFirst());
    }

    /** ESP in UDP (RFC 3948) on a port of the file's esp-udp SAs: protected and verified through the engine. */
    @Test
    void espInUdpOnTheConfiguredPortRoundTrips() throws Exception {
        Path conf = dir.resolve("natt.conf");
        Files.writeString(conf, """
                add 192.0.2.1[4501] 192.0.2.2[4501] esp-udp 0x3001 -m transport -E aes-gcm-16 0x0123456789abcdef0123456789abcdef01020304;
                spdadd 192.0.2.1 192.0.2.2 any -P out ipsec esp/transport//require;
                """);
        byte[] clear = udp("192.0.2.1", "192.0.2.2", 64);
        Path in = dir.resolve("in.pcap"), x = dir.resolve("x.pcap"), y = dir.resolve("y.pcap");
        Files.write(in, pcap(List.of(clear)));
        Result p = run("pcap", "--config", conf.toString(), "--protect", in.toString(), x.toString());
        assertEquals(List.of("1 esp spi=0x00003001 seq=1 ok"), p.lines(), p.err());
        byte[] wire = read(x).getFirst();
        assertEquals(17, wire[9], "ESP in UDP");
        assertEquals(4501, ((wire[22] & 0xff) << 8) | (wire[23] & 0xff), "to the SA's port");
        Result v = run("pcap", "--config", conf.toString(), "--verify", x.toString(), y.toString());
        assertEquals(List.of("1 esp spi=0x00003001 seq=1 ok"), v.lines(), v.err());
        assertArrayEquals(clear, read(y).getFirst());
    }
}
