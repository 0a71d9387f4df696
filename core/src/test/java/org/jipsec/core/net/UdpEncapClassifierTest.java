package org.jipsec.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class UdpEncapClassifierTest {

    private static UdpEncapKind kind(String hex) {
        byte[] b = HexFormat.of().parseHex(hex);
        UdpEncapKind k = UdpEncapClassifier.classify(b, 0, b.length);
        assertEquals(k, UdpEncapClassifier.classify(MemorySegment.ofArray(b), 0, b.length), "byte[] vs segment");
        return k;
    }

    @Test
    void loneFfIsNatKeepalive() {
        // RFC 3948 §2.3
        assertEquals(UdpEncapKind.NAT_KEEPALIVE, kind("ff"));
    }

    @Test
    void otherSingleOctetsAndShortPayloadsAreMalformed() {
        assertEquals(UdpEncapKind.MALFORMED, kind(""));
        assertEquals(UdpEncapKind.MALFORMED, kind("00"));
        assertEquals(UdpEncapKind.MALFORMED, kind("fe"));
        assertEquals(UdpEncapKind.MALFORMED, kind("ffff"));
        assertEquals(UdpEncapKind.MALFORMED, kind("000000"));
        assertEquals(UdpEncapKind.MALFORMED, kind("00000000"), "marker with nothing after it");
        assertEquals(UdpEncapKind.MALFORMED, kind("00001000000000"), "7 bytes: no room for SPI + sequence");
    }

    @Test
    void zeroMarkerIsIke() {
        // RFC 3948 §2.2: non-ESP marker then an IKE header (initiator SPI ...)
        assertEquals(
                UdpEncapKind.IKE,
                kind("00000000" + "0102030405060708" + "0000000000000000" + "21202208" + "00000000" + "0000001c"));
        assertEquals(UdpEncapKind.IKE, kind("0000000001"));
    }

    @Test
    void nonZeroSpiIsEsp() {
        // RFC 3948 §2.1 / RFC 4303 §2: SPI 0x1000, sequence 1, payload
        assertEquals(UdpEncapKind.ESP, kind("00001000" + "00000001"));
        assertEquals(UdpEncapKind.ESP, kind("00000001" + "00000001" + "deadbeef"));
        assertEquals(UdpEncapKind.ESP, kind("ff000000" + "00000000"), "SPI whose first octet is 0xff");
    }

    @Test
    void offsetsAreHonouredAndBadRangesAreMalformed() {
        byte[] b = HexFormat.of().parseHex("aaaaff00");
        assertEquals(UdpEncapKind.NAT_KEEPALIVE, UdpEncapClassifier.classify(b, 2, 1));
        assertEquals(UdpEncapKind.MALFORMED, UdpEncapClassifier.classify(b, 3, 2));
        assertEquals(UdpEncapKind.MALFORMED, UdpEncapClassifier.classify(b, -1, 1));
        assertEquals(UdpEncapKind.MALFORMED, UdpEncapClassifier.classify(b, 0, -1));
        assertEquals(UdpEncapKind.MALFORMED, UdpEncapClassifier.classify((byte[]) null, 0, 0));
        assertEquals(UdpEncapKind.MALFORMED, UdpEncapClassifier.classify(MemorySegment.ofArray(b), 3, 2));
    }

    @FuzzTest(maxDuration = "10s")
    void classifyNeverThrowsAndBothFormsAgree(FuzzedDataProvider data) {
        int off = data.consumeInt(-2, 8);
        int len = data.consumeInt(-2, 64);
        byte[] b = data.consumeRemainingAsBytes();
        UdpEncapKind k = UdpEncapClassifier.classify(b, off, len);
        assertEquals(k, UdpEncapClassifier.classify(MemorySegment.ofArray(b), off, len));
    }
}
