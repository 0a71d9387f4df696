package org.jipsec.io.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jipsec.io.ffm.LibC;
import org.junit.jupiter.api.Test;

/**
 * The classic BPF programs of {@link SpiSteering}, run by a small interpreter of the instructions they use
 * (filter(2) semantics: a load beyond the packet ends the program with 0) on crafted ESP, AH and IPComp packets.
 */
class SpiSteeringTest {

    /** Runs {@code prog} on {@code pkt}; the return value (0: drop, else accept / the reuseport index). */
    static int run(int[][] prog, byte[] pkt) {
        long a = 0;
        long x = 0;
        for (int pc = 0; pc < prog.length; pc++) {
            int[] in = prog[pc];
            int k = in[3];
            switch (in[0]) {
                case 0x20, 0x40 -> { // ld [k] / ld [x + k], 32 bits
                    int at = (int) (in[0] == 0x40 ? x + k : k);
                    if (at < 0 || at + 4 > pkt.length) return 0;
                    a = ((pkt[at] & 0xffL) << 24)
                            | ((pkt[at + 1] & 0xff) << 16)
                            | ((pkt[at + 2] & 0xff) << 8)
                            | (pkt[at + 3] & 0xff);
                }
                case 0x28, 0x48 -> { // ldh
                    int at = (int) (in[0] == 0x48 ? x + k : k);
                    if (at < 0 || at + 2 > pkt.length) return 0;
                    a = ((pkt[at] & 0xff) << 8) | (pkt[at + 1] & 0xff);
                }
                case 0xb1 -> { // ldx 4*([k]&0xf)
                    if (k >= pkt.length) return 0;
                    x = 4L * (pkt[k] & 0xf);
                }
                case 0x80 -> a = pkt.length; // ld len
                case 0x87 -> a = x; // txa
                case 0x07 -> x = a; // tax
                case 0x04 -> a = (a + (k & 0xffffffffL)) & 0xffffffffL; // add #k
                case 0x35 -> pc += a >= (k & 0xffffffffL) ? in[1] : in[2]; // jge #k
                case 0x3d -> pc += a >= x ? in[1] : in[2]; // jge x
                case 0x94 -> a = Long.remainderUnsigned(a, k & 0xffffffffL);
                case 0x15 -> pc += a == (k & 0xffffffffL) ? in[1] : in[2];
                case 0x06 -> {
                    return k;
                }
                case 0x16 -> {
                    return (int) a;
                }
                default -> throw new AssertionError("opcode " + in[0]);
            }
        }
        throw new AssertionError("fell off the end");
    }

    /** An IPv4 header of {@code ihl} words, then {@code payload}. */
    static byte[] ipv4(int ihl, byte[] payload) {
        byte[] p = new byte[ihl * 4 + payload.length];
        p[0] = (byte) (0x40 | ihl);
        System.arraycopy(payload, 0, p, ihl * 4, payload.length);
        return p;
    }

    static byte[] word(int at, int value, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < 4; i++) b[at + i] = (byte) (value >>> (24 - 8 * i));
        return b;
    }

    @Test
    void eachRawPacketPassesTheFilterOfExactlyItsSpisWorker() {
        int workers = 3;
        for (int spi : new int[] {0x4001, 0x4002, 0x4003, 0xfffffffe, 7}) {
            long expected = Integer.toUnsignedLong(spi) % workers;
            byte[] esp = word(0, spi, 24); // SPI, sequence, ...
            byte[] ah = word(4, spi, 24); // next header, length, reserved; SPI
            byte[] comp = new byte[8];
            comp[2] = (byte) (spi >>> 8);
            comp[3] = (byte) spi;
            long cpiWorker = (spi & 0xffff) % workers;
            for (int w = 0; w < workers; w++) {
                boolean mine = w == expected;
                assertEquals(mine, run(SpiSteering.rawFilter(LibC.IPPROTO_ESP, true, w, workers), ipv4(5, esp)) != 0);
                assertEquals(mine, run(SpiSteering.rawFilter(LibC.IPPROTO_ESP, true, w, workers), ipv4(7, esp)) != 0);
                assertEquals(mine, run(SpiSteering.rawFilter(LibC.IPPROTO_ESP, false, w, workers), esp) != 0);
                assertEquals(mine, run(SpiSteering.rawFilter(LibC.IPPROTO_AH, true, w, workers), ipv4(5, ah)) != 0);
                assertEquals(mine, run(SpiSteering.rawFilter(LibC.IPPROTO_AH, false, w, workers), ah) != 0);
                boolean cpi = w == cpiWorker;
                assertEquals(
                        cpi,
                        run(SpiSteering.rawFilter(WireSockets.IPPROTO_COMP, true, w, workers), ipv4(5, comp)) != 0);
                assertEquals(cpi, run(SpiSteering.rawFilter(WireSockets.IPPROTO_COMP, false, w, workers), comp) != 0);
            }
        }
    }

    @Test
    void aRawPacketTooShortForItsSpiGoesToWorkerZeroOnly() {
        int workers = 3;
        for (int w = 0; w < workers; w++) {
            boolean zero = w == 0;
            for (int len = 0; len < 4; len++) {
                byte[] b = new byte[len];
                assertEquals(zero, run(SpiSteering.rawFilter(LibC.IPPROTO_ESP, true, w, workers), ipv4(5, b)) != 0);
                assertEquals(zero, run(SpiSteering.rawFilter(LibC.IPPROTO_ESP, false, w, workers), b) != 0);
                assertEquals(zero, run(SpiSteering.rawFilter(WireSockets.IPPROTO_COMP, false, w, workers), b) != 0);
            }
            assertEquals(
                    zero, run(SpiSteering.rawFilter(LibC.IPPROTO_AH, true, w, workers), ipv4(5, new byte[7])) != 0);
            assertEquals(zero, run(SpiSteering.rawFilter(LibC.IPPROTO_AH, false, w, workers), new byte[7]) != 0);
            // an IPv4 header length (15 words) beyond the packet's end
            assertEquals(
                    zero, run(SpiSteering.rawFilter(LibC.IPPROTO_ESP, true, w, workers), ipv4(15, new byte[0])) != 0);
            byte[] lying = ipv4(5, word(0, 0x4001, 24));
            lying[0] = 0x4f;
            assertEquals(zero, run(SpiSteering.rawFilter(LibC.IPPROTO_ESP, true, w, workers), lying) != 0);
        }
    }

    @Test
    void theReusePortProgramPicksSpiModNAndSendsShortAndIkeDatagramsToWorkerZero() {
        int[][] p = SpiSteering.reusePortProgram(4);
        assertEquals(1, run(p, word(0, 0x4001, 16)));
        assertEquals(2, run(p, word(0, 0x4002, 16)));
        assertEquals(3, run(p, word(0, 0xffffffff, 16)));
        assertEquals(0, run(p, new byte[] {(byte) 0xff})); // NAT-keepalive (RFC 3948 §2.3)
        assertEquals(0, run(p, new byte[32])); // IKE: non-ESP marker 0 (RFC 3948 §2.2)
    }
}
