package org.jipsec.io.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import org.jipsec.io.TwoHosts;
import org.jipsec.io.ffm.Datagram;
import org.jipsec.io.ffm.LibC;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.NetnsThread;
import org.jipsec.io.raw.RawIpSocket;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.Test;

/**
 * {@link SpiSteering#rawFilter} in the kernel (adapted from perf-raw's RawSplitNamespaceTest): two workers' raw ESP
 * sockets, over IPv4 (the filter sees the IP header) and IPv6 (the payload only), each receive only their SPIs'
 * packets, and a packet too short to hold an SPI reaches worker 0 only.
 */
@RequiresRoot
class SpiSteeringNamespaceTest {

    private static RawIpSocket open(String ns, boolean v6, int worker) throws Exception {
        return NetnsThread.call(ns, () -> {
            RawIpSocket s = RawIpSocket.open(v6, LibC.IPPROTO_ESP, new RawIpSocket.Options(false, 1 << 20));
            SpiSteering.attach(
                    s.socket(),
                    SpiSteering.SO_ATTACH_FILTER,
                    SpiSteering.rawFilter(LibC.IPPROTO_ESP, !v6, worker, 2),
                    "SO_ATTACH_FILTER");
            return s;
        });
    }

    private static byte[] esp(int spi) {
        byte[] e = new byte[32];
        e[0] = (byte) (spi >>> 24);
        e[1] = (byte) (spi >>> 16);
        e[2] = (byte) (spi >>> 8);
        e[3] = (byte) spi;
        e[7] = 1;
        return e;
    }

    @Test
    void eachWorkerReceivesItsSpisOverIpv4AndIpv6AndWorkerZeroTheShortOnes() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            TwoHosts h = TwoHosts.create(lab);
            for (boolean v6 : new boolean[] {false, true}) {
                InetAddress dst = v6 ? h.b6() : h.b4();
                try (RawIpSocket tx = NetnsThread.call(
                                h.a(), () -> RawIpSocket.open(v6, LibC.IPPROTO_ESP, RawIpSocket.Options.defaults()));
                        RawIpSocket w0 = open(h.b(), v6, 0);
                        RawIpSocket w1 = open(h.b(), v6, 1)) {
                    for (int spi = 0x1000; spi < 0x1006; spi++) {
                        byte[] e = esp(spi);
                        tx.send(e, 0, e.length, dst);
                    }
                    byte[] buf = new byte[2048];
                    int hl = v6 ? 0 : 20;
                    for (int spi = 0x1000; spi < 0x1006; spi++) {
                        RawIpSocket mine = spi % 2 == 0 ? w0 : w1;
                        Datagram d = mine.receive(buf, 0, buf.length, 5000);
                        assertNotNull(d, "SPI 0x" + Integer.toHexString(spi) + " must reach worker " + spi % 2);
                        assertEquals(spi & 0xff, buf[hl + 3] & 0xff, "in order, its own SPI");
                    }
                    assertNull(w0.receive(buf, 0, buf.length, 200), "worker 0 got an odd SPI (v6 " + v6 + ")");
                    assertNull(w1.receive(buf, 0, buf.length, 200), "worker 1 got an even SPI (v6 " + v6 + ")");
                    byte[] tooShort = {0x10, 0x01}; // half an SPI: the engine's malformed-packet drop, on worker 0
                    tx.send(tooShort, 0, tooShort.length, dst);
                    Datagram d = w0.receive(buf, 0, buf.length, 5000);
                    assertNotNull(d, "a too-short packet must reach worker 0 (v6 " + v6 + ")");
                    assertEquals(hl + 2, d.length());
                    assertNull(w1.receive(buf, 0, buf.length, 200), "worker 1 got the too-short packet");
                }
            }
        }
    }
}
