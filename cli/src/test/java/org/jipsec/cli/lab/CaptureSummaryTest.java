package org.jipsec.cli.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The capture summary counts ESP per SPI and cleartext packets from tshark's field output. */
class CaptureSummaryTest {

    @Test
    void countsEspPerSpiAndHighestSequence() {
        String fields = String.join(
                        "\n",
                        "50\t0x00001001\t1\t\t",
                        "50\t0x00001001\t2\t\t",
                        "50\t0x00001002\t1\t\t",
                        "50\t0x00001001\t7\t\t",
                        "")
                + "\n";
        CaptureSummary s = CaptureSummary.parse(fields);
        assertEquals(4, s.frames());
        assertEquals(4, s.espPackets());
        assertEquals(Map.of("0x00001001", 3, "0x00001002", 1), s.espBySpi());
        assertEquals(7L, s.maxSeq().get("0x00001001"));
        assertEquals(0, s.cleartext());
    }

    @Test
    void cleartextTcpAndIcmpAreCountedAndOtherFramesAreNot() {
        String fields = "6\t\t\t40000\t\n1\t\t\t\t8\n\t\t\t\t\n17\t\t\t\t\n";
        CaptureSummary s = CaptureSummary.parse(fields);
        assertEquals(4, s.frames());
        assertEquals(0, s.espPackets());
        assertEquals(2, s.cleartext());
    }

    @Test
    void malformedLinesCountAsFramesOnly() {
        CaptureSummary s = CaptureSummary.parse("garbage\n50\t0x1\tnot-a-number\n");
        assertEquals(2, s.frames());
        assertEquals(1, s.espPackets());
        assertEquals(Map.of(), s.maxSeq());
    }

    @Test
    void payloadRepeatsTheMarker() {
        byte[] p = TcpTransfer.payload(1000);
        assertEquals(1000, p.length);
        assertEquals(
                0, WireCapture.indexOf(p, TcpTransfer.MARKER.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }
}
