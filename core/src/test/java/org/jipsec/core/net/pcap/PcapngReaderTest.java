package org.jipsec.core.net.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pcapng reading (draft-ietf-opsawg-pcapng): files written by editcap and tshark read as the same records as the
 * classic capture they came from; hand-written sections in the other byte order and with other timestamp
 * resolutions; malformed blocks give a {@link PcapFormatException} naming the fault.
 */
class PcapngReaderTest {

    private static final Path EXAMPLE = Path.of("..", "examples", "example.pcap");

    // ---- files written by the real tools ----

    @Test
    @RequiresTool("editcap")
    void editcapPcapngReadsAsTheClassicFile(@TempDir Path dir) throws Exception {
        requireTool("/usr/bin/editcap");
        Path ng = dir.resolve("x.pcapng");
        run("/usr/bin/editcap", "-F", "pcapng", EXAMPLE.toString(), ng.toString());
        byte[] file = Files.readAllBytes(ng);
        assertEquals(PcapngReader.SHB, ByteBuffer.wrap(file).getInt(0), "editcap wrote pcapng");
        List<PcapRecord> classic = PcapReader.readAll(Files.readAllBytes(EXAMPLE));
        assertEquals(12, classic.size());
        assertEquals(classic, PcapReader.readAll(file)); // timestamps, lengths, link type and bytes
    }

    @Test
    @RequiresTool("tshark")
    void tsharkPcapngReadsAsTheClassicFile(@TempDir Path dir) throws Exception {
        requireTool("/usr/bin/tshark");
        Path ng = dir.resolve("t.pcapng");
        run("/usr/bin/tshark", "-r", EXAMPLE.toString(), "-w", ng.toString(), "-F", "pcapng");
        byte[] file = Files.readAllBytes(ng);
        assertEquals(PcapngReader.SHB, ByteBuffer.wrap(file).getInt(0), "tshark wrote pcapng");
        assertEquals(PcapReader.readAll(Files.readAllBytes(EXAMPLE)), PcapReader.readAll(file));
        PcapReader r = new PcapReader(new java.io.ByteArrayInputStream(file));
        assertTrue(r.pcapng());
        assertEquals(LinkType.RAW, r.linkType());
        assertEquals(false, r.nanosecondResolution());
    }

    @Test
    @RequiresTool("tshark")
    void tsharkReadsOurHandWrittenNanosecondBigEndianFile(@TempDir Path dir) throws Exception {
        requireTool("/usr/bin/tshark");
        List<PcapRecord> classic = PcapReader.readAll(Files.readAllBytes(EXAMPLE));
        Path f = dir.resolve("be.pcapng");
        Files.write(f, handWritten(ByteOrder.BIG_ENDIAN, 9, classic));
        // tshark agrees with our layout: it prints the same epoch times (to the nanosecond) for every frame
        List<String> times = run("/usr/bin/tshark", "-r", f.toString(), "-T", "fields", "-e", "frame.time_epoch");
        assertEquals(classic.size(), times.size());
        for (int i = 0; i < classic.size(); i++) {
            Instant t = classic.get(i).timestamp().plusNanos(i * 7L);
            assertEquals(t.getEpochSecond() + "." + String.format("%09d", t.getNano()), times.get(i));
        }
    }

    // ---- hand-written files ----

    /**
     * One section, in {@code order}, with one RAW interface whose if_tsresol is {@code tsresol}, then an EPB per
     * record whose timestamp is the record's plus i·7 ns (in the interface's units). Byte layout (big-endian shown):
     * <pre>
     * SHB  0a0d0d0a 0000001c 1a2b3c4d 0001 0000 ffffffffffffffff 0000001c
     * IDB  00000001 00000020 0065 0000 00000000 | 0009 0001 TT000000 | 00000000 (opt_endofopt) 00000020
     * EPB  00000006 len 00000000 tshigh tslow caplen origlen data… pad 0000 len
     * </pre>
     */
    static byte[] handWritten(ByteOrder order, int tsresol, List<PcapRecord> recs) {
        Blocks b = new Blocks(order);
        b.shb();
        b.idb(LinkType.RAW, 0, tsresol);
        for (int i = 0; i < recs.size(); i++) {
            PcapRecord r = recs.get(i);
            Instant t = r.timestamp().plusNanos(i * 7L);
            long units = units(t, tsresol);
            b.epb(0, units, r.data(), r.originalLength());
        }
        return b.bytes();
    }

    private static long units(Instant t, int tsresol) {
        java.math.BigInteger ns = java.math.BigInteger.valueOf(t.getEpochSecond())
                .multiply(java.math.BigInteger.valueOf(1_000_000_000L))
                .add(java.math.BigInteger.valueOf(t.getNano()));
        java.math.BigInteger perSecond = (tsresol & 0x80) == 0
                ? java.math.BigInteger.TEN.pow(tsresol)
                : java.math.BigInteger.ONE.shiftLeft(tsresol & 0x7f);
        return ns.multiply(perSecond)
                .divide(java.math.BigInteger.valueOf(1_000_000_000L))
                .longValueExact();
    }

    @Test
    void bigEndianNanosecondSectionReadsToTheNanosecond() throws Exception {
        List<PcapRecord> classic = PcapReader.readAll(Files.readAllBytes(EXAMPLE));
        byte[] f = handWritten(ByteOrder.BIG_ENDIAN, 9, classic);
        assertEquals("0a0d0d0a0000001c1a2b3c4d00010000ffffffffffffffff0000001c", hex(f, 0, 28));
        assertEquals(
                "00000001" + "00000020" + "00650000" + "00000000" + "00090001" + "09000000" + "00000000" + "00000020",
                hex(f, 28, 60));
        assertEquals("00000006", hex(f, 60, 64));
        PcapReader r = new PcapReader(new java.io.ByteArrayInputStream(f));
        assertTrue(r.nanosecondResolution());
        assertEquals(false, r.swapped());
        List<PcapRecord> ng = PcapReader.readAll(f);
        assertEquals(classic.size(), ng.size());
        for (int i = 0; i < classic.size(); i++) {
            assertEquals(classic.get(i).timestamp().plusNanos(i * 7L), ng.get(i).timestamp());
            assertEquals(
                    new PcapRecord(
                            ng.get(i).timestamp(),
                            classic.get(i).originalLength(),
                            LinkType.RAW,
                            classic.get(i).data()),
                    ng.get(i));
        }
    }

    @Test
    void binaryAndMillisecondResolutionsTruncateToTheirUnit() throws Exception {
        List<PcapRecord> classic = PcapReader.readAll(Files.readAllBytes(EXAMPLE));
        // 2^-20 s units (if_tsresol 0x94): truncated to the nanosecond below the exact value
        List<PcapRecord> bin = PcapReader.readAll(handWritten(ByteOrder.LITTLE_ENDIAN, 0x94, classic));
        for (int i = 0; i < classic.size(); i++) {
            Instant want = classic.get(i).timestamp().plusNanos(i * 7L);
            long diff = java.time.Duration.between(bin.get(i).timestamp(), want).toNanos();
            assertTrue(diff >= 0 && diff < 955, "2^-20 s resolution: " + diff + " ns off");
        }
        // 10^-3 s units
        List<PcapRecord> ms = PcapReader.readAll(handWritten(ByteOrder.LITTLE_ENDIAN, 3, classic));
        for (int i = 0; i < classic.size(); i++) {
            Instant want = classic.get(i).timestamp().plusNanos(i * 7L);
            assertEquals(want.minusNanos(want.getNano() % 1_000_000), ms.get(i).timestamp());
        }
    }

    @Test
    void sectionsOfBothByteOrdersInterfacesOfTwoLinkTypesAndSkippedBlocks() throws Exception {
        byte[] ip = {0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
        byte[] eth = new byte[14 + ip.length];
        eth[12] = 8;
        System.arraycopy(ip, 0, eth, 14, ip.length);
        Blocks le = new Blocks(ByteOrder.LITTLE_ENDIAN);
        le.shb();
        le.block(0x00000004, new byte[12]); // Name Resolution Block: skipped
        le.idb(LinkType.ETHERNET, 0, -1);
        le.idb(LinkType.RAW, 0, 9);
        le.epb(1, 1_500_000_000L, ip, ip.length); // 1.5 s at ns resolution
        le.block(0x00000005, new byte[16]); // Interface Statistics Block: skipped
        le.epb(0, 2_000_001L, eth, eth.length); // 2.000001 s at µs resolution
        le.block(0x0000000a, new byte[20]); // Decryption Secrets Block: skipped
        le.block(0x00000bad, new byte[8]); // custom block: skipped
        le.spb(eth, 100); // simple packet, interface 0 (snaplen 0)
        le.pb(1, 3_000_000_000L, ip); // obsolete Packet Block
        Blocks be = new Blocks(ByteOrder.BIG_ENDIAN); // a second section: its own interfaces
        be.shb();
        be.idb(LinkType.RAW, 0, -1);
        be.epb(0, 7_000_000L, ip, ip.length);
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.writeBytes(le.bytes());
        f.writeBytes(be.bytes());
        List<PcapRecord> recs = PcapReader.readAll(f.toByteArray());
        assertEquals(5, recs.size());
        assertEquals(new PcapRecord(Instant.ofEpochSecond(1, 500_000_000), ip.length, LinkType.RAW, ip), recs.get(0));
        assertEquals(new PcapRecord(Instant.ofEpochSecond(2, 1000), eth.length, LinkType.ETHERNET, eth), recs.get(1));
        assertEquals(new PcapRecord(Instant.EPOCH, eth.length, LinkType.ETHERNET, eth), recs.get(2));
        assertEquals(new PcapRecord(Instant.ofEpochSecond(3), ip.length, LinkType.RAW, ip), recs.get(3));
        assertEquals(new PcapRecord(Instant.ofEpochSecond(7), ip.length, LinkType.RAW, ip), recs.get(4));
        for (PcapRecord r : recs) assertEquals(java.util.Arrays.toString(ip), java.util.Arrays.toString(r.ipPacket()));
    }

    /** The fuzz seed written by Python's struct (an encoder independent of ours): two sections, every packet block. */
    @Test
    void pythonWrittenSeedReads() throws Exception {
        byte[] tail;
        try (var in = getClass()
                .getResourceAsStream(
                        "PcapngReaderTestInputs/pcapngDecoderThrowsOnlyPcapFormatException/two_sections_all_packet_blocks")) {
            tail = in.readAllBytes();
        }
        byte[] f = new byte[tail.length + 4];
        f[0] = 0x0a;
        f[1] = 0x0d;
        f[2] = 0x0d;
        f[3] = 0x0a;
        System.arraycopy(tail, 0, f, 4, tail.length);
        List<PcapRecord> recs = PcapReader.readAll(f);
        assertEquals(6, recs.size());
        assertEquals(Instant.ofEpochSecond(0, 123_456_789), recs.get(0).timestamp()); // big-endian, 10^-9
        assertEquals(Instant.ofEpochSecond(0, 5_000), recs.get(2).timestamp()); // packet block, 5 units of 10^-6
        assertEquals(
                Instant.ofEpochSecond(117, 737_568_855),
                recs.get(3).timestamp()); // little-endian, 2^-20: 123456789/2^20 s
        assertEquals(
                List.of(
                        LinkType.RAW,
                        LinkType.ETHERNET,
                        LinkType.ETHERNET,
                        LinkType.RAW,
                        LinkType.ETHERNET,
                        LinkType.ETHERNET),
                recs.stream().map(PcapRecord::linkType).toList());
        for (PcapRecord r : recs) assertEquals(20, r.ipPacket().length);
    }

    // ---- malformed input ----

    private static Blocks oneInterface() {
        Blocks b = new Blocks(ByteOrder.LITTLE_ENDIAN);
        b.shb();
        b.idb(LinkType.RAW, 0, -1);
        return b;
    }

    private static String error(byte[] file) {
        return assertThrows(PcapFormatException.class, () -> PcapReader.readAll(file))
                .getMessage();
    }

    @Test
    void truncatedBlock() {
        Blocks b = oneInterface();
        b.epb(0, 1, new byte[40], 40);
        byte[] f = b.bytes();
        for (int cut = 1; cut < 60; cut++) {
            byte[] t = java.util.Arrays.copyOf(f, f.length - cut);
            assertThrows(PcapFormatException.class, () -> PcapReader.readAll(t), "cut " + cut);
        }
        assertTrue(error(java.util.Arrays.copyOf(f, f.length - 4)).contains("cut short"));
    }

    @Test
    void badTrailingLength() {
        Blocks b = oneInterface();
        b.epb(0, 1, new byte[40], 40);
        byte[] f = b.bytes();
        f[f.length - 4] ^= 4; // little-endian: low byte of the trailing length
        assertTrue(error(f).contains("trailing length"), error(f));
    }

    @Test
    void enhancedPacketBeforeAnyInterface() {
        Blocks b = new Blocks(ByteOrder.BIG_ENDIAN);
        b.shb();
        b.epb(0, 1, new byte[20], 20);
        assertTrue(error(b.bytes()).contains("before any interface description block"), error(b.bytes()));
        Blocks s = new Blocks(ByteOrder.BIG_ENDIAN);
        s.shb();
        s.spb(new byte[20], 20);
        assertTrue(error(s.bytes()).contains("before any interface description block"));
    }

    @Test
    void interfaceIdOutOfRangeAndInterfacesEndWithTheirSection() {
        Blocks b = oneInterface();
        b.epb(1, 1, new byte[20], 20);
        assertTrue(error(b.bytes()).contains("names interface 1 but the section describes 1"), error(b.bytes()));
        Blocks two = oneInterface();
        two.shb(); // a new section forgets interface 0
        two.epb(0, 1, new byte[20], 20);
        assertTrue(error(two.bytes()).contains("before any interface description block"));
    }

    @Test
    void zeroAndOddBlockLengths() {
        for (int len : new int[] {0, 8, 13, 30}) {
            Blocks b = oneInterface();
            byte[] f = b.bytes();
            ByteBuffer bb = ByteBuffer.allocate(f.length + 8).order(ByteOrder.LITTLE_ENDIAN);
            bb.put(f).putInt(6).putInt(len);
            String e = error(bb.array());
            assertTrue(e.contains("block total length " + len), e);
        }
    }

    @Test
    void capturedLengthBeyondTheBlockAndOtherBadFields() {
        Blocks b = oneInterface();
        ByteBuffer body = ByteBuffer.allocate(20 + 8).order(ByteOrder.LITTLE_ENDIAN);
        body.putInt(0).putInt(0).putInt(1).putInt(9).putInt(9); // says 9 captured bytes, has 8
        b.block(6, body.array());
        assertTrue(error(b.bytes()).contains("captured length 9 overruns"), error(b.bytes()));
        Blocks lt = new Blocks(ByteOrder.LITTLE_ENDIAN);
        lt.shb();
        lt.idb(147, 0, -1); // LINKTYPE_USER0
        assertTrue(error(lt.bytes()).contains("unsupported link type 147"));
        byte[] bom = new Blocks(ByteOrder.BIG_ENDIAN).shb().bytes();
        bom[8] = 0x77;
        assertTrue(error(bom).contains("byte-order magic"));
        Blocks opt = new Blocks(ByteOrder.LITTLE_ENDIAN);
        opt.shb();
        ByteBuffer idb = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        idb.putShort((short) 101)
                .putShort((short) 0)
                .putInt(0)
                .putShort((short) 9)
                .putShort((short) 200)
                .putInt(0);
        opt.block(1, idb.array());
        assertTrue(error(opt.bytes()).contains("overruns its block"), error(opt.bytes()));
        assertTrue(error(new byte[] {0x0a, 0x0d, 0x0d, 0x0a, 0, 0}).contains("section header cut short"));
    }

    @FuzzTest
    void pcapngDecoderThrowsOnlyPcapFormatException(FuzzedDataProvider data) {
        byte[] tail = data.consumeRemainingAsBytes();
        byte[] file = new byte[tail.length + 4]; // always the pcapng path
        file[0] = 0x0a;
        file[1] = 0x0d;
        file[2] = 0x0d;
        file[3] = 0x0a;
        System.arraycopy(tail, 0, file, 4, tail.length);
        try {
            for (PcapRecord r : PcapReader.readAll(file)) {
                assertTrue(r.data().length <= PcapReader.MAX_RECORD);
                assertTrue(r.originalLength() >= r.data().length);
                byte[] ip = r.ipPacket();
                if (ip != null) assertTrue(ip.length <= r.data().length);
            }
        } catch (PcapFormatException expected) {
            // the only exception allowed
        }
    }

    // ---- helpers ----

    /** Writes pcapng blocks in one byte order (§3.1 layout: type, length, body padded to 4, length). */
    static final class Blocks {
        private final ByteOrder order;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Blocks(ByteOrder order) {
            this.order = order;
        }

        Blocks block(int type, byte[] body) {
            int padded = (body.length + 3) & ~3;
            ByteBuffer b = ByteBuffer.allocate(12 + padded).order(order);
            b.putInt(type).putInt(12 + padded).put(body).position(8 + padded);
            b.putInt(12 + padded);
            out.writeBytes(b.array());
            return this;
        }

        Blocks shb() {
            ByteBuffer b = ByteBuffer.allocate(16).order(order);
            b.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1);
            return block(0x0A0D0D0A, b.array());
        }

        /** @param tsresol if_tsresol byte, or -1 for none (the default 10^-6) */
        Blocks idb(int linkType, int snaplen, int tsresol) {
            ByteBuffer b = ByteBuffer.allocate(tsresol < 0 ? 8 : 20).order(order);
            b.putShort((short) linkType).putShort((short) 0).putInt(snaplen);
            if (tsresol >= 0)
                b.putShort((short) 9)
                        .putShort((short) 1)
                        .put((byte) tsresol)
                        .put(new byte[3])
                        .putInt(0);
            return block(1, b.array());
        }

        Blocks epb(int ifid, long ts, byte[] data, int origlen) {
            ByteBuffer b = ByteBuffer.allocate(20 + ((data.length + 3) & ~3)).order(order);
            b.putInt(ifid)
                    .putInt((int) (ts >>> 32))
                    .putInt((int) ts)
                    .putInt(data.length)
                    .putInt(origlen)
                    .put(data);
            return block(6, b.array());
        }

        Blocks pb(int ifid, long ts, byte[] data) {
            ByteBuffer b = ByteBuffer.allocate(20 + data.length).order(order);
            b.putShort((short) ifid)
                    .putShort((short) 0)
                    .putInt((int) (ts >>> 32))
                    .putInt((int) ts)
                    .putInt(data.length)
                    .putInt(data.length)
                    .put(data);
            return block(2, b.array());
        }

        Blocks spb(byte[] data, int origlenIgnored) {
            ByteBuffer b = ByteBuffer.allocate(4 + data.length).order(order);
            b.putInt(data.length).put(data);
            return block(3, b.array());
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private static String hex(byte[] b, int from, int to) {
        return java.util.HexFormat.of().formatHex(b, from, to);
    }

    static void requireTool(String path) {
        if (!Files.isExecutable(Path.of(path))) {
            if ("true".equals(System.getenv("CI"))) fail(path + " is required under CI");
            Assumptions.abort(path + " not installed");
        }
    }

    private static List<String> run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(cmd[0] + " timed out");
        }
        assertEquals(0, p.exitValue(), String.join(" ", cmd));
        return new ArrayList<>(out.lines().toList());
    }
}
