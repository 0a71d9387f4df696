package org.jipsec.io.gateway;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.jipsec.io.ffm.LibC;
import org.jipsec.io.ffm.NativeDatagramSocket;

/**
 * Wire-side receive spread over the data-plane workers by SPI (the CPI for IPComp): every packet of one SA goes to
 * one worker, {@code SPI mod N}, so an SA's packets stay in order and its replay window is touched by one worker at a
 * time in the common case (it is correct from any number, ARCHITECTURE.md "Threads and locks"). Two kernel hooks,
 * both classic BPF (filter(2) programs, {@code linux/filter.h}):
 *
 * <ul>
 *   <li>ESP in UDP: the workers' sockets on the NAT-T port form one {@code SO_REUSEPORT} group, and
 *       {@code SO_ATTACH_REUSEPORT_CBPF} picks the member: the program sees the datagram after its UDP header
 *       (the SPI, RFC 3948 §2.2), returns {@code SPI mod N}; a datagram too short to load (a NAT-keepalive, RFC 3948
 *       §2.3) returns 0, and an IKE datagram (non-ESP marker 0, §2.2) has "SPI" 0: both go to worker 0;</li>
 *   <li>raw IP: every raw socket of a protocol gets a copy of every packet (raw(7)), so each worker's socket carries
 *       a socket filter ({@code SO_ATTACH_FILTER}) that accepts only its share. An IPv4 raw socket's filter sees the
 *       IP header (the SPI after it: {@code ldx 4*([0]&0xf)}), an IPv6 one the payload after the headers it hides.</li>
 * </ul>
 */
final class SpiSteering {

    private SpiSteering() {}

    static final int SO_ATTACH_FILTER = 26;
    static final int SO_ATTACH_REUSEPORT_CBPF = 51;

    // classic BPF opcodes (linux/bpf_common.h)
    private static final int LD_W_ABS = 0x20;
    private static final int LD_H_ABS = 0x28;
    private static final int LD_W_IND = 0x40;
    private static final int LD_H_IND = 0x48;
    private static final int LDX_B_MSH = 0xb1;
    private static final int ALU_MOD_K = 0x94;
    private static final int JEQ_K = 0x15;
    private static final int JGE_K = 0x35;
    private static final int JGE_X = 0x3d;
    private static final int LD_W_LEN = 0x80;
    private static final int ALU_ADD_K = 0x04;
    private static final int TAX = 0x07;
    private static final int TXA = 0x87;
    private static final int RET_K = 0x06;
    private static final int RET_A = 0x16;
    /** Accepted: the whole packet (any snap length above 64 KiB). */
    private static final int ACCEPT = 0x40000;

    /** The reuseport program: the member index {@code SPI mod workers}. */
    static int[][] reusePortProgram(int workers) {
        return new int[][] {{LD_W_ABS, 0, 0, 0}, {ALU_MOD_K, 0, 0, workers}, {RET_A, 0, 0, 0}};
    }

    /**
     * The raw socket filter of {@code worker} of {@code workers} for {@code protocol} (ESP: SPI at 0 of its header;
     * AH: SPI at 4, RFC 4302 §2; IPComp: CPI, 16 bits at 2, RFC 3173 §2.2). {@code ipv4}: the program starts at the
     * IP header.
     */
    static int[][] rawFilter(int protocol, boolean ipv4, int worker, int workers) {
        int at = protocol == LibC.IPPROTO_AH ? 4 : protocol == WireSockets.IPPROTO_COMP ? 2 : 0;
        boolean half = protocol == WireSockets.IPPROTO_COMP;
        int[] load = ipv4
                ? new int[] {half ? LD_H_IND : LD_W_IND, 0, 0, at}
                : new int[] {half ? LD_H_ABS : LD_W_ABS, 0, 0, at};
        int need = at + (half ? 2 : 4);
        int shortVerdict = worker == 0 ? ACCEPT : 0;
        if (!ipv4) {
            return new int[][] {
                {LD_W_LEN, 0, 0, 0},
                {JGE_K, 0, 5, need}, // long enough: next; else to the short verdict
                load,
                {ALU_MOD_K, 0, 0, workers},
                {JEQ_K, 0, 1, worker}, // equal: next; else skip one
                {RET_K, 0, 0, ACCEPT},
                {RET_K, 0, 0, 0},
                {RET_K, 0, 0, shortVerdict}
            };
        }
        return new int[][] {
            {LDX_B_MSH, 0, 0, 0}, // X = IP header length
            {TXA, 0, 0, 0},
            {ALU_ADD_K, 0, 0, need},
            {TAX, 0, 0, 0}, // X = header length + the bytes up to the SPI's end
            {LD_W_LEN, 0, 0, 0},
            {JGE_X, 0, 6, 0}, // long enough: next; else to the short verdict
            {LDX_B_MSH, 0, 0, 0},
            load,
            {ALU_MOD_K, 0, 0, workers},
            {JEQ_K, 0, 1, worker},
            {RET_K, 0, 0, ACCEPT},
            {RET_K, 0, 0, 0},
            {RET_K, 0, 0, shortVerdict}
        };
    }

    /** Attaches {@code program} with {@code option} ({@link #SO_ATTACH_FILTER}, {@link #SO_ATTACH_REUSEPORT_CBPF}). */
    static void attach(NativeDatagramSocket s, int option, int[][] program, String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(8L * program.length, 8);
            for (int i = 0; i < program.length; i++) {
                int[] in = program[i];
                insns.set(ValueLayout.JAVA_SHORT, 8L * i, (short) in[0]);
                insns.set(ValueLayout.JAVA_BYTE, 8L * i + 2, (byte) in[1]);
                insns.set(ValueLayout.JAVA_BYTE, 8L * i + 3, (byte) in[2]);
                insns.set(ValueLayout.JAVA_INT, 8L * i + 4, in[3]);
            }
            MemorySegment fprog = arena.allocate(16, 8); // struct sock_fprog { u16 len; struct sock_filter *filter; }
            fprog.set(ValueLayout.JAVA_SHORT, 0, (short) program.length);
            fprog.set(ValueLayout.ADDRESS, 8, insns);
            s.setOption(LibC.SOL_SOCKET, option, fprog, name);
        }
    }
}
