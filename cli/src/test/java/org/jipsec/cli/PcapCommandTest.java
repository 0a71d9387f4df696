package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jipsec pcap}: the README's main job, its verdict lines, and one-line errors for bad input. */
class PcapCommandTest {

    private static final Path EXAMPLE_CONF = Path.of("..", "examples", "esp-gcm.conf");

    private record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        var cl = JipsecCommand.commandLine();
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        cl.setOut(new java.io.PrintWriter(new PrintStream(out, true, StandardCharsets.UTF_8), true));
        cl.setErr(new java.io.PrintWriter(new PrintStream(err, true, StandardCharsets.UTF_8), true));
        int status = cl.execute(args);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A raw-IP pcap of {@code n} UDP packets 10.1.0.1 → 10.2.0.1 and back. */
    private static byte[] cleartextPcap(int n) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] h = {
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
        };
        o.writeBytes(h);
        for (int i = 0; i < n; i++) {
            byte[] p = new byte[20 + 8 + 12];
            p[0] = 0x45;
            p[3] = (byte) p.length;
            p[8] = 64;
            p[9] = 17;
            byte[] a = {10, 1, 0, 1}, b = {10, 2, 0, 1};
            System.arraycopy(i % 2 == 0 ? a : b, 0, p, 12, 4);
            System.arraycopy(i % 2 == 0 ? b : a, 0, p, 16, 4);
            int s = 0;
            for (int j = 0; j < 20; j += 2) s += ((p[j] & 0xff) << 8) | (p[j + 1] & 0xff);
            while ((s >> 16) != 0) s = (s & 0xffff) + (s >> 16);
            p[10] = (byte) (~s >> 8);
            p[11] = (byte) ~s;
            p[21] = 7;
            p[23] = 9;
            p[25] = 20;
            for (int j = 28; j < p.length; j++) p[j] = (byte) ('a' + i + j);
            byte[] r = new byte[16];
            r[3] = (byte) (i + 1);
            r[11] = (byte) p.length;
            r[15] = (byte) p.length;
            o.writeBytes(r);
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    @Test
    void protectThenVerifyGivesBackTheCapture(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.pcap"), x = dir.resolve("x.pcap"), y = dir.resolve("y.pcap");
        Files.write(in, cleartextPcap(6));
        Result p = run("pcap", "--config", EXAMPLE_CONF.toString(), "--protect", in.toString(), x.toString());
        assertEquals(0, p.status(), p.err());
        List<String> lines = p.out().lines().toList();
        assertEquals(6, lines.size(), p.out());
        assertEquals("1 esp spi=0x00001001 seq=1 ok", lines.get(0));
        assertEquals("2 esp spi=0x00001002 seq=1 ok", lines.get(1));
        assertEquals("3 esp spi=0x00001001 seq=2 ok", lines.get(2));
        assertNotEquals(Files.size(in), Files.size(x));
        Result v = run("pcap", "--config", EXAMPLE_CONF.toString(), "--verify", x.toString(), y.toString());
        assertEquals(0, v.status(), v.err());
        assertTrue(v.out().lines().allMatch(l -> l.endsWith(" ok")), v.out());
        assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(y));
        // the same capture verified twice by one receiver: replays — here, a fresh run accepts it again,
        // but a protected packet duplicated within one capture is a replay
        Result r = run("pcap", "--config", EXAMPLE_CONF.toString(), "--verify", x.toString(), y.toString());
        assertEquals(0, r.status());
    }

    @Test
    void seqAndVerdictsForDropsAndUnknownTraffic(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.pcap"), x = dir.resolve("x.pcap");
        Files.write(in, cleartextPcap(2));
        Result p = run(
                "pcap", "--config", EXAMPLE_CONF.toString(), "--protect", "--seq", "1000", in.toString(), x.toString());
        assertEquals(0, p.status(), p.err());
        assertTrue(p.out().startsWith("1 esp spi=0x00001001 seq=1000 ok"), p.out());
        // the protected capture verified with no SA for it: counted drops, named
        Path conf = dir.resolve("other.conf");
        Files.writeString(
                conf,
                "add 192.0.2.1 192.0.2.2 esp 0x9999 -m tunnel -E aes-gcm-16 0x0123456789abcdef0123456789abcdef01020304;\n");
        Result v = run(
                "pcap",
                "--config",
                conf.toString(),
                "--verify",
                x.toString(),
                dir.resolve("y.pcap").toString());
        assertEquals(0, v.status(), v.err());
        assertEquals(
                "1 esp spi=0x00001001 seq=- no-sa", v.out().lines().findFirst().orElseThrow());
        // cleartext that no SA or policy covers
        Result c = run(
                "pcap",
                "--config",
                conf.toString(),
                "--protect",
                in.toString(),
                dir.resolve("z.pcap").toString());
        assertTrue(c.out().startsWith("1 - no-sa (10.1.0.1 -> 10.2.0.1)"), c.out());
    }

    @Test
    void badInputIsOneLineAndNonZero(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.pcap");
        Files.write(in, cleartextPcap(1));
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "# comment\nadd 192.0.2.1 192.0.2.2 esp 0x1001\n   -E aes-cbc 0x0011 ;\n");
        List<Result> results = new ArrayList<>();
        results.add(run(
                "pcap",
                "--config",
                bad.toString(),
                "--protect",
                in.toString(),
                dir.resolve("o.pcap").toString()));
        results.add(run(
                "pcap",
                "--config",
                dir.resolve("missing.conf").toString(),
                "--protect",
                in.toString(),
                dir.resolve("o.pcap").toString()));
        results.add(run(
                "pcap",
                "--config",
                EXAMPLE_CONF.toString(),
                "--protect",
                EXAMPLE_CONF.toString(),
                dir.resolve("o.pcap").toString()));
        results.add(run(
                "pcap",
                "--config",
                EXAMPLE_CONF.toString(),
                "--verify",
                dir.resolve("none.pcap").toString(),
                dir.resolve("o.pcap").toString()));
        results.add(run(
                "pcap",
                "--config",
                EXAMPLE_CONF.toString(),
                "--protect",
                "--iv",
                "xyz",
                in.toString(),
                dir.resolve("o.pcap").toString()));
        Files.writeString(bad, "spdadd 10.0.0.0/8 10.1.0.0/16 any -P out ipsec esp/tunnel/a-b/require;\n");
        results.add(run(
                "pcap",
                "--config",
                bad.toString(),
                "--protect",
                in.toString(),
                dir.resolve("o.pcap").toString()));
        byte[] truncated = cleartextPcap(3);
        Path t = dir.resolve("trunc.pcap");
        Files.write(t, java.util.Arrays.copyOf(truncated, truncated.length - 5));
        results.add(run(
                "pcap",
                "--config",
                EXAMPLE_CONF.toString(),
                "--protect",
                t.toString(),
                dir.resolve("o.pcap").toString()));
        for (Result r : results) {
            assertNotEquals(0, r.status(), r.err());
            assertEquals(
                    1,
                    r.err()
                            .lines()
                            .filter(l -> l.startsWith("jipsec pcap: ") && !l.contains("note:"))
                            .count(),
                    r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
        assertTrue(
                results.get(0).err().contains("line 3: Invalid key length"),
                results.get(0).err());
        assertFalse(Files.exists(dir.resolve("o.pcap")), "no partial output file");
    }

    /** The example's protected capture rewritten as pcapng by editcap verifies exactly as the classic file does. */
    @Test
    @RequiresTool("editcap")
    void verifyReadsPcapngFromEditcapLikeTheClassicFile(@TempDir Path dir) throws Exception {
        Path editcap = Path.of("/usr/bin/editcap");
        if (!Files.isExecutable(editcap)) {
            if ("true".equals(System.getenv("CI")))
                org.junit.jupiter.api.Assertions.fail("editcap is required under CI");
            org.junit.jupiter.api.Assumptions.abort("editcap not installed");
        }
        Path example = Path.of("..", "examples", "example.pcap");
        Path x = dir.resolve("x.pcap"),
                ng = dir.resolve("x.pcapng"),
                y1 = dir.resolve("y1.pcap"),
                y2 = dir.resolve("y2.pcap");
        Result p = run("pcap", "--config", EXAMPLE_CONF.toString(), "--protect", example.toString(), x.toString());
        assertEquals(0, p.status(), p.err());
        Process e = new ProcessBuilder(editcap.toString(), "-F", "pcapng", x.toString(), ng.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(e.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, e.exitValue());
        assertEquals(
                0x0a0d0d0a, java.nio.ByteBuffer.wrap(Files.readAllBytes(ng)).getInt(0), "editcap wrote pcapng");
        Result v1 = run("pcap", "--config", EXAMPLE_CONF.toString(), "--verify", x.toString(), y1.toString());
        Result v2 = run("pcap", "--config", EXAMPLE_CONF.toString(), "--verify", ng.toString(), y2.toString());
        assertEquals(0, v2.status(), v2.err());
        assertEquals(12, v2.out().lines().filter(l -> l.endsWith(" ok")).count(), v2.out());
        assertEquals(v1.out(), v2.out());
        assertArrayEquals(Files.readAllBytes(y1), Files.readAllBytes(y2)); // classic pcap out, same bytes
        assertEquals(
                org.jipsec.core.net.pcap.PcapReader.readAll(Files.readAllBytes(example)), // the cleartext back
                org.jipsec.core.net.pcap.PcapReader.readAll(Files.readAllBytes(y2)));
        // a pcapng cut inside a block: one line, no output file
        byte[] cut = Files.readAllBytes(ng);
        Files.write(ng, java.util.Arrays.copyOf(cut, cut.length - 6));
        Path y3 = dir.resolve("y3.pcap");
        Result bad = run("pcap", "--config", EXAMPLE_CONF.toString(), "--verify", ng.toString(), y3.toString());
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("pcapng:") && bad.err().contains("cut short"), bad.err());
        assertFalse(bad.err().contains("Exception"), bad.err());
        assertFalse(Files.exists(y3));
        assertTrue(run("pcap", "--help").out().contains("pcapng"));
    }
}
