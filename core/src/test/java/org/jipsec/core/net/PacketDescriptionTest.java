package org.jipsec.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jipsec.core.net.pcap.PcapReader;
import org.jipsec.core.net.pcap.PcapRecord;
import org.junit.jupiter.api.Test;

class PacketDescriptionTest {

    @Test
    void describesTheExampleCapture() throws Exception {
        List<PcapRecord> recs = PcapReader.readAll(Files.readAllBytes(Path.of("..", "examples", "example.pcap")));
        List<String> lines = recs.stream()
                .map(r -> PacketDescription.describe(r.ipPacket(), 0, r.ipPacket().length))
                .toList();
        assertEquals(
                List.of(
                        "10.1.0.1 > 10.2.0.1: ICMP echo request id 0x4a50 seq 1, length 48",
                        "10.2.0.1 > 10.1.0.1: ICMP echo reply id 0x4a50 seq 1, length 48",
                        "10.1.0.1 > 10.2.0.1: UDP 40001 > 53, length 29",
                        "10.2.0.1 > 10.1.0.1: UDP 53 > 40001, length 45",
                        "10.1.0.1 > 10.2.0.1: TCP 40002 > 80 [S] seq 1000, length 0",
                        "10.2.0.1 > 10.1.0.1: TCP 80 > 40002 [S.] seq 5000 ack 1001, length 0",
                        "10.1.0.1 > 10.2.0.1: TCP 40002 > 80 [.] seq 1001 ack 5001, length 0",
                        "10.1.0.1 > 10.2.0.1: TCP 40002 > 80 [P.] seq 1001 ack 5001, length 34",
                        "2001:db8:1::1 > 2001:db8:2::1: ICMP6 echo request id 0x4a51 seq 1, length 48",
                        "2001:db8:2::1 > 2001:db8:1::1: ICMP6 echo reply id 0x4a51 seq 1, length 48",
                        "2001:db8:1::1 > 2001:db8:2::1: UDP 40003 > 7, length 16",
                        "2001:db8:2::1 > 2001:db8:1::1: UDP 7 > 40003, length 16"),
                lines);
    }

    @Test
    void describesIpsecAndFragments() {
        byte[] esp = KnownPackets.bytes(KnownPackets.V6_ESP);
        assertEquals(
                "2001:db8:1::1 > 2001:db8:2::1: ESP spi 0x00001000 seq 1, length 24",
                PacketDescription.describe(esp, 0, esp.length));
        byte[] ah = KnownPackets.bytes(KnownPackets.V4_AH_UDP);
        assertEquals("10.1.0.1 > 10.2.0.1: AH UDP 500 > 4500, length 0", PacketDescription.describe(ah, 0, ah.length));
        byte[] later = KnownPackets.bytes(KnownPackets.V6_LATER_FRAGMENT);
        assertEquals(
                "2001:db8:1::1 > 2001:db8:2::1: frag offset 24, length 16",
                PacketDescription.describe(later, 0, later.length));
        assertTrue(PacketDescription.describe(new byte[] {0x45}, 0, 1).startsWith("malformed: "));
        assertEquals("::", PacketDescription.compact("0:0:0:0:0:0:0:0"));
        assertEquals("2001:db8::1:0:0:1", PacketDescription.compact("2001:db8:0:0:1:0:0:1"));
    }

    @FuzzTest
    void neverThrows(FuzzedDataProvider data) {
        byte[] b = data.consumeRemainingAsBytes();
        PacketDescription.describe(b, 0, b.length);
    }
}
