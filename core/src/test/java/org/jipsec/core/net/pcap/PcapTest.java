package org.jipsec.core.net.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.FragmentationResult;
import org.jipsec.core.net.Fragmenter;
import org.jipsec.core.net.IcmpErrors;
import org.jipsec.core.net.IpPacket;
import org.jipsec.core.net.Ipv4Header;
import org.jipsec.core.net.PacketSelector;
import org.jipsec.core.net.Scapy;
import org.jipsec.core.net.TestPackets;
import org.jipsec.core.net.TransportChecksum;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123456789Z");

    private static List<byte[]> samplePackets() {
        SplittableRandom r = new SplittableRandom(1);
        return List.of(TestPackets.udp4(r, 60), TestPackets.udp6(r, 90), TestPackets.tcp4(r, 5, 0x12));
    }

    private static byte[] write(int linkType, boolean nanos, List<byte[]> packets) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        PcapWriter w = new PcapWriter(bos, linkType, nanos);
        for (int i = 0; i < packets.size(); i++) w.write(T0.plusMillis(i), packets.get(i));
        return bos.toByteArray();
    }

    @Test
    void roundTripRawAndEthernetMicrosAndNanos() throws Exception {
        List<byte[]> packets = samplePackets();
        for (int lt : new int[] {LinkType.RAW, LinkType.ETHERNET}) {
            for (boolean nanos : new boolean[] {false, true}) {
                List<PcapRecord> recs = PcapReader.readAll(write(lt, nanos, packets));
                assertEquals(packets.size(), recs.size());
                for (int i = 0; i < packets.size(); i++) {
                    assertArrayEquals(packets.get(i), recs.get(i).ipPacket());
                    Instant want = T0.plusMillis(i);
                    if (!nanos) want = want.minusNanos(want.getNano() % 1000);
                    assertEquals(want, recs.get(i).timestamp());
                    assertEquals(lt, recs.get(i).linkType());
                }
            }
        }
        // the file header: big-endian magic, version 2.4, snaplen 65535, link type 101
        byte[] f = write(LinkType.RAW, false, List.of());
        assertEquals("a1b2c3d40002000400000000000000000000ffff00000065", Bytes.hex(f, 0, f.length));
    }

    @Test
    void nullAndLoopFramesInBothByteOrders() throws Exception {
        byte[] ip = samplePackets().get(0);
        assertEquals(4, LinkType.ipOffset(LinkType.NULL, concat(new byte[] {2, 0, 0, 0}, ip))); // little-endian host
        assertEquals(4, LinkType.ipOffset(LinkType.NULL, concat(new byte[] {0, 0, 0, 2}, ip))); // big-endian host
        assertEquals(4, LinkType.ipOffset(LinkType.NULL, concat(new byte[] {30, 0, 0, 0}, ip))); // macOS AF_INET6
        assertEquals(4, LinkType.ipOffset(LinkType.LOOP, concat(new byte[] {0, 0, 0, 24}, ip)));
        assertEquals(-1, LinkType.ipOffset(LinkType.LOOP, concat(new byte[] {0, 0, 0, 7}, ip)));
        // an Ethernet frame with two VLAN tags (QinQ) and one with ARP
        byte[] eth = concat(Bytes.fromHex("020000000002020000000001" + "88a80005" + "81000006" + "0800"), ip);
        assertEquals(22, LinkType.ipOffset(LinkType.ETHERNET, eth));
        assertEquals(
                -1, LinkType.ipOffset(LinkType.ETHERNET, Bytes.fromHex("0200000000020200000000010806000108000604")));
        // a little-endian LOOP file written by hand
        byte[] file = concat(
                Bytes.fromHex("d4c3b2a102000400000000000000000000000400" + "6c000000"),
                Bytes.fromHex("00e1f56520a10700" + le32(ip.length + 4) + le32(ip.length + 4)),
                new byte[] {0, 0, 0, 2},
                ip);
        List<PcapRecord> recs = PcapReader.readAll(file);
        assertEquals(1, recs.size());
        assertArrayEquals(ip, recs.get(0).ipPacket());
        assertEquals(
                Instant.ofEpochSecond(0x65f5e100L, 500_000_000L), recs.get(0).timestamp());
    }

    @Test
    void rejectsBadFiles() throws Exception {
        byte[] good = write(LinkType.RAW, false, samplePackets());
        assertThrows(PcapFormatException.class, () -> PcapReader.readAll(new byte[10]));
        byte[] magic = good.clone();
        magic[0] = 0x0a; // pcapng's section header starts 0a0d0d0a
        assertThrows(PcapFormatException.class, () -> PcapReader.readAll(magic));
        assertThrows(
                PcapFormatException.class, () -> PcapReader.readAll(java.util.Arrays.copyOf(good, good.length - 1)));
        assertThrows(PcapFormatException.class, () -> PcapReader.readAll(java.util.Arrays.copyOf(good, 24 + 10)));
        byte[] huge = good.clone();
        huge[24 + 8] = 0x7f; // incl_len of the first record ≈ 2 GiB
        assertThrows(PcapFormatException.class, () -> PcapReader.readAll(huge));
        byte[] link = good.clone();
        link[23] = (byte) 200;
        assertThrows(PcapFormatException.class, () -> PcapReader.readAll(link));
    }

    @Test
    @RequiresTool("scapy")
    void readsCapturesWrittenByScapy(@TempDir Path dir) throws Exception {
        String[] expected =
                Scapy.run("", "pcap", "0", "0", dir.toString()).get(0).split("\t");
        // Ethernet, little-endian, microseconds, the IPv6 frame behind a VLAN tag
        List<PcapRecord> eth = PcapReader.readAll(Files.readAllBytes(dir.resolve("ether.pcap")));
        assertEquals(2, eth.size());
        assertEquals(expected[0], hex(eth.get(0).ipPacket()));
        assertEquals(expected[1], hex(eth.get(1).ipPacket()));
        assertEquals(Instant.parse("2023-11-14T22:13:20.250Z"), eth.get(0).timestamp());
        // LINKTYPE_RAW with nanosecond timestamps
        byte[] nanoFile = Files.readAllBytes(dir.resolve("raw-nano.pcap"));
        PcapReader r = new PcapReader(new java.io.ByteArrayInputStream(nanoFile));
        assertTrue(r.nanosecondResolution());
        assertTrue(r.swapped());
        assertEquals(expected[0], hex(r.next().ipPacket()));
        assertEquals(expected[1], hex(r.next().ipPacket()));
        assertNull(r.next());
    }

    @Test
    @RequiresTool("tshark")
    void tsharkReadsOurCapturesAndWeReadTsharks(@TempDir Path dir) throws Exception {
        requireTshark();
        List<byte[]> packets = samplePackets();
        for (int lt : new int[] {LinkType.RAW, LinkType.ETHERNET}) {
            Path ours = dir.resolve("ours-" + lt + ".pcap");
            Files.write(ours, write(lt, false, packets));
            List<String> fields = tshark(
                    "-r",
                    ours.toString(),
                    "-T",
                    "fields",
                    "-e",
                    "ip.src",
                    "-e",
                    "ipv6.dst",
                    "-e",
                    "udp.dstport",
                    "-e",
                    "tcp.srcport",
                    "-e",
                    "udp.checksum.status",
                    "-e",
                    "ip.checksum.status");
            assertEquals(
                    List.of("10.1.0.1\t\t2000\t\t\t", "\t2001:db8:2::1\t2000\t\t\t", "10.1.0.1\t\t\t40000\t\t"),
                    fields.stream()
                            .map(l -> l.replaceAll("\t[0-9]$", "\t").replaceAll("\t[0-9]\t", "\t\t"))
                            .toList());
            // tshark rewrites it (nanosecond pcap, little-endian): we read that back
            Path theirs = dir.resolve("theirs-" + lt + ".pcap");
            tshark("-r", ours.toString(), "-F", "nsecpcap", "-w", theirs.toString());
            List<PcapRecord> recs = PcapReader.readAll(Files.readAllBytes(theirs));
            assertEquals(packets.size(), recs.size());
            for (int i = 0; i < packets.size(); i++) {
                assertArrayEquals(packets.get(i), recs.get(i).ipPacket());
                assertEquals(
                        T0.plusMillis(i).minusNanos(T0.getNano() % 1000),
                        recs.get(i).timestamp());
            }
        }
        // our checksums pass tshark's validation
        Path f = dir.resolve("check.pcap");
        Files.write(f, write(LinkType.RAW, false, packets));
        List<String> status = tshark(
                "-r",
                f.toString(),
                "-o",
                "ip.check_checksum:TRUE",
                "-o",
                "udp.check_checksum:TRUE",
                "-o",
                "tcp.check_checksum:TRUE",
                "-T",
                "fields",
                "-e",
                "ip.checksum.status",
                "-e",
                "udp.checksum.status",
                "-e",
                "tcp.checksum.status");
        assertEquals(List.of("1\t1\t", "\t1\t", "1\t\t1"), status); // 1 = good
    }

    @Test
    @RequiresTool("tshark")
    void tsharkReassemblesOurFragmentsAndAcceptsOurIcmpErrors(@TempDir Path dir) throws Exception {
        requireTshark();
        SplittableRandom r = new SplittableRandom(2);
        byte[] p4 = TestPackets.udp4(r, 3000);
        byte[] p6 = TestPackets.udp6(r, 3000);
        List<byte[]> packets = new ArrayList<>();
        packets.addAll(((FragmentationResult.Fragments) Fragmenter.fragmentIpv4(p4, 0, p4.length, 1000)).packets());
        packets.addAll(
                ((FragmentationResult.Fragments) Fragmenter.fragmentIpv6(p6, 0, p6.length, 1280, 0x1234)).packets());
        packets.add(IcmpErrors.fragmentationNeeded(p4, 0, p4.length, 1400, 0x0a000001));
        packets.add(IcmpErrors.packetTooBig(p6, 0, p6.length, 1280, TestPackets.V6_DST));
        Path f = dir.resolve("frag.pcap");
        Files.write(f, write(LinkType.RAW, false, packets));
        List<String> out = tshark(
                "-r",
                f.toString(),
                "-o",
                "udp.check_checksum:TRUE",
                "-o",
                "ip.check_checksum:TRUE",
                "-T",
                "fields",
                "-e",
                "ip.reassembled.length",
                "-e",
                "ipv6.reassembled.length",
                "-e",
                "udp.checksum.status",
                "-e",
                "icmp.checksum.status",
                "-e",
                "icmpv6.checksum.status",
                "-e",
                "icmp.mtu",
                "-e",
                "icmpv6.mtu");
        // frames 4 and 7 complete the datagrams: 2980 bytes of IPv4 payload, 2960 of IPv6, UDP checksum good
        assertEquals("2980\t\t1\t\t\t\t", out.get(3));
        assertEquals("\t2960\t1\t\t\t\t", out.get(6));
        assertTrue(out.get(7).startsWith("\t\t") && out.get(7).contains("\t1\t\t1400\t"), out.get(7));
        assertTrue(out.get(8).endsWith("\t1\t\t1280"), out.get(8));
    }

    @Test
    void exampleCaptureIsValid() throws Exception {
        Path example = Path.of("..", "examples", "example.pcap");
        List<PcapRecord> recs = PcapReader.readAll(Files.readAllBytes(example));
        assertEquals(12, recs.size());
        List<String> summary = new ArrayList<>();
        for (PcapRecord rec : recs) {
            byte[] ip = rec.ipPacket();
            IpPacket.check(ip, 0, ip.length);
            if (ip[0] >> 4 == 4) assertTrue(Ipv4Header.verifyChecksum(ip, 0));
            assertTrue(TransportChecksum.verify(ip, 0, ip.length));
            summary.add(PacketSelector.of(ip, 0, ip.length, true).toString());
        }
        assertEquals("10.1.0.1[8] 10.2.0.1 icmp", summary.get(0));
        assertEquals("10.1.0.1[40002] 10.2.0.1[80] tcp", summary.get(4));
        assertEquals("2001:db8:2:0:0:0:0:1[7] 2001:db8:1:0:0:0:0:1[40003] udp", summary.get(11));
    }

    @FuzzTest
    void readerThrowsOnlyPcapFormatException(FuzzedDataProvider data) {
        byte[] file = data.consumeRemainingAsBytes();
        try {
            for (PcapRecord r : PcapReader.readAll(file)) {
                byte[] ip = r.ipPacket();
                if (ip != null) assertTrue(ip.length <= r.data().length);
            }
        } catch (PcapFormatException expected) {
            // the only exception allowed
        }
    }

    private static void requireTshark() {
        if (!Files.isExecutable(Path.of("/usr/bin/tshark"))) {
            if ("true".equals(System.getenv("CI"))) fail("tshark is required under CI");
            Assumptions.abort("tshark not installed");
        }
    }

    private static List<String> tshark(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/tshark"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("tshark timed out");
        }
        assertEquals(0, p.exitValue(), "tshark " + args[args.length - 1]);
        return out.lines().toList();
    }

    private static String hex(byte[] b) {
        return Bytes.hex(b, 0, b.length);
    }

    private static String le32(int v) {
        return String.format("%02x%02x%02x%02x", v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
    }
}
