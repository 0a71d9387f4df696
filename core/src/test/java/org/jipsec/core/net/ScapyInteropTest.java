package org.jipsec.core.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.Test;

/** Our parsing, checksums, fragmentation and reassembly against packets and fragments built by scapy. */
@RequiresTool("scapy")
class ScapyInteropTest {

    private static byte[] hex(String s) {
        return Bytes.fromHex(s);
    }

    @Test
    void checksumsAndSelectorsAgreeWithScapyOnRandomPackets() throws Exception {
        List<String> lines = Scapy.run("", "packets", "20261128", "300");
        assertEquals(300, lines.size());
        List<String> failures = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\t");
            byte[] pkt = hex(f[0]);
            int proto = Integer.parseInt(f[1]);
            int l4off = Integer.parseInt(f[2]);
            int sport = Integer.parseInt(f[3]);
            int dport = Integer.parseInt(f[4]);
            int cksum = Integer.parseInt(f[5]);
            try {
                UpperLayer u = IpPacket.upperLayer(pkt, 0, pkt.length);
                if (u.protocol() != proto || u.offset() != l4off) failures.add("upper layer " + u + " for " + line);
                if (!TransportChecksum.verify(pkt, 0, pkt.length)) failures.add("verify failed: " + line);
                byte[] copy = pkt.clone();
                Bytes.put16(copy, l4off + TransportChecksum.checksumFieldOffset(proto), 0x1234);
                if (pkt[0] >> 4 == 4) copy[Ipv4Header.OFF_CHECKSUM] ^= 0x55;
                if (TransportChecksum.verify(copy, 0, copy.length)) failures.add("bad checksum accepted: " + line);
                TransportChecksum.update(copy, 0, copy.length);
                if (pkt[0] >> 4 == 4) {
                    assertFalse(Ipv4Header.verifyChecksum(copy, 0));
                    Ipv4Header.updateChecksum(copy, 0);
                    assertTrue(Ipv4Header.verifyChecksum(pkt, 0));
                }
                if (!Arrays.equals(pkt, copy))
                    failures.add("recomputed checksum differs (scapy " + cksum + "): " + line);
                PacketSelector s = PacketSelector.of(pkt, 0, pkt.length, true);
                if (s.protocol() != proto || s.srcPort() != sport || s.dstPort() != dport)
                    failures.add("selector " + s + " for " + line);
            } catch (MalformedPacketException e) {
                failures.add(e.getMessage() + ": " + line);
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " failures:\n" + String.join("\n", failures));
    }

    @Test
    void reassemblesScapyIpv4Fragments() throws Exception {
        reassembleScapy("frag4");
    }

    @Test
    void reassemblesScapyIpv6Fragments() throws Exception {
        reassembleScapy("frag6");
    }

    private void reassembleScapy(String mode) throws Exception {
        List<String> lines = Scapy.run("", mode, "7", "20");
        Reassembler r = new Reassembler(Reassembler.Limits.defaults(), InstantSource.fixed(Instant.EPOCH));
        for (String line : lines) {
            String[] f = line.split("\t");
            byte[] whole = hex(f[0]);
            String[] frags = f[1].split(",");
            // frags.length may be 1: fragment6 of a packet under the MTU gives an atomic fragment (RFC 6946)
            ReassemblyResult last = null;
            for (int i = 0; i < frags.length; i++) {
                byte[] frag = hex(frags[i]);
                last = r.accept(frag, 0, frag.length);
                if (i < frags.length - 1) assertInstanceOf(ReassemblyResult.Pending.class, last, line);
            }
            byte[] got = assertInstanceOf(ReassemblyResult.Complete.class, last)
                    .packet()
                    .toByteArray();
            assertEquals(Bytes.hex(whole, 0, whole.length), Bytes.hex(got, 0, got.length));
            assertTrue(TransportChecksum.verify(got, 0, got.length));
        }
        assertEquals(0, r.pendingDatagrams());
        assertEquals(0, r.pendingBytes());
    }

    @Test
    void scapyReassemblesOurFragments() throws Exception {
        SplittableRandom rnd = new SplittableRandom(99);
        StringBuilder in = new StringBuilder();
        List<byte[]> originals = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] p = i % 2 == 0
                    ? TestPackets.udp4(rnd, 1500 + rnd.nextInt(3000))
                    : TestPackets.udp6(rnd, 1500 + rnd.nextInt(3000));
            originals.add(p);
            FragmentationResult fr = Fragmenter.fragment(p, 0, p.length, i % 2 == 0 ? 576 : 1280, rnd.nextInt());
            List<byte[]> frags =
                    assertInstanceOf(FragmentationResult.Fragments.class, fr).packets();
            List<String> hexes =
                    frags.stream().map(b -> Bytes.hex(b, 0, b.length)).toList();
            in.append(String.join(",", hexes)).append('\n');
        }
        List<String> out = Scapy.run(in.toString(), "defrag", "0", "0");
        assertEquals(originals.size(), out.size());
        for (int i = 0; i < originals.size(); i++) {
            byte[] o = originals.get(i);
            String got = out.get(i);
            if (o[0] >> 4 == 4) {
                assertEquals(Bytes.hex(o, 0, o.length), got, "IPv4 datagram " + i);
            } else {
                // scapy's defragment6 keeps a Fragment header of length 0 in its result only in some
                // versions; compare the IPv6 payload after its own header chain instead.
                byte[] g = hex(got.split(",")[0]);
                assertEquals(
                        Bytes.hex(o, 40, o.length - 40),
                        Bytes.hex(g, g.length - (o.length - 40), o.length - 40),
                        "IPv6 datagram " + i);
            }
        }
    }

    @Test
    void scapyReadsOurChecksumsAsCorrect() throws Exception {
        // our encoder + our checksum vs scapy's decoder is covered above in reverse; here a fixed known packet
        byte[] pkt = hex("4500002100010000401166c70a0100010a02000104d20035000da2f668656c6c6f");
        assertTrue(Ipv4Header.verifyChecksum(pkt, 0));
        assertTrue(TransportChecksum.verify(pkt, 0, pkt.length));
        assertArrayEquals(new byte[] {(byte) 0x66, (byte) 0xc7}, new byte[] {pkt[10], pkt[11]});
    }
}
