package org.jipsec.io.tun;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import org.jipsec.io.ffm.LibC;

/**
 * Which queue of a multi-queue TUN a packet routed into it is read from: by a hash of its addresses and ports, with
 * a steering program ({@code TUNSETSTEERINGEBPF}, Linux ≥ 4.16; tuntap.rst), the same for every packet of a flow.
 *
 * <p>Why not the kernel's default: without a program the TUN picks the queue from a flow table that follows the
 * writer — the queue a flow's packets were last <em>written</em> to ({@code tun_flow_update}). The data plane writes
 * every decrypted packet of an SA from the one worker its SPI is steered to, so all flows whose return traffic shares
 * an SA would be read by that one worker. The program makes the choice depend on the flow alone: the XOR of source
 * and destination address and of the port word (symmetric), folded; the kernel takes it modulo the queue count.
 * A packet too short to read goes to queue 0.
 *
 * <p>The program is eBPF of type {@code BPF_PROG_TYPE_SOCKET_FILTER} with legacy packet loads ({@code LD_ABS}, from
 * the IP header: a TUN has no link header), 30-odd instructions, loaded with {@code bpf(2)}; the TUN keeps its own
 * reference, the descriptor is closed after the ioctl.
 */
@SuppressWarnings("restricted") // binds syscall(2) for bpf(2); needs --enable-native-access like io.ffm
public final class TunSteering {

    private TunSteering() {}

    static final long TUNSETSTEERINGEBPF = 0x800454e0L;
    private static final long SYS_BPF = 321; // x86_64
    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_PROG_TYPE_SOCKET_FILTER = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("syscall"),
            FunctionDescriptor.of(
                    ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG,
                    ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG),
            Linker.Option.firstVariadicArg(1),
            Linker.Option.captureCallState("errno"));
    private static final VarHandle ERRNO =
            Linker.Option.captureStateLayout().varHandle(MemoryLayout.PathElement.groupElement("errno"));

    // eBPF opcodes (linux/bpf.h, bpf_common.h)
    private static final int MOV64_X = 0xbf;
    private static final int XOR64_X = 0xaf;
    private static final int RSH64_K = 0x77;
    private static final int JEQ_K = 0x15;
    private static final int JA = 0x05;
    private static final int LD_ABS_B = 0x30;
    private static final int LD_ABS_W = 0x20;
    private static final int EXIT = 0x95;

    /** {code, dst, src, off, imm}. */
    static int[][] program() {
        java.util.List<int[]> p = new java.util.ArrayList<>();
        p.add(new int[] {MOV64_X, 6, 1, 0, 0}); // r6 = skb (LD_ABS reads through r6)
        p.add(new int[] {LD_ABS_B, 0, 0, 0, 0}); // r0 = version/IHL byte
        p.add(new int[] {RSH64_K, 0, 0, 0, 4});
        int branch = p.size();
        p.add(null); // if r0 == 6 goto v6
        // IPv4: saddr ^ daddr ^ the word after a 20-byte header (the ports of TCP/UDP)
        xorWords(p, 12, 16, 20);
        int skip = p.size();
        p.add(null); // goto fold
        int v6 = p.size();
        // IPv6: both addresses and the word after the fixed header
        xorWords(p, 8, 12, 16, 20, 24, 28, 32, 36, 40);
        int fold = p.size();
        p.set(branch, new int[] {JEQ_K, 0, 0, v6 - branch - 1, 6});
        p.set(skip, new int[] {JA, 0, 0, fold - skip - 1, 0});
        for (int shift : new int[] {16, 8}) { // r7 ^= r7 >> shift
            p.add(new int[] {MOV64_X, 0, 7, 0, 0});
            p.add(new int[] {RSH64_K, 0, 0, 0, shift});
            p.add(new int[] {XOR64_X, 7, 0, 0, 0});
        }
        p.add(new int[] {MOV64_X, 0, 7, 0, 0});
        p.add(new int[] {EXIT, 0, 0, 0, 0});
        return p.toArray(int[][]::new);
    }

    /** r7 = the XOR of the 32-bit words at {@code offsets}. */
    private static void xorWords(java.util.List<int[]> p, int... offsets) {
        for (int i = 0; i < offsets.length; i++) {
            p.add(new int[] {LD_ABS_W, 0, 0, 0, offsets[i]});
            p.add(i == 0 ? new int[] {MOV64_X, 7, 0, 0, 0} : new int[] {XOR64_X, 7, 0, 0, 0});
        }
    }

    /** Loads the program and attaches it to the TUN device of queue descriptor {@code tunFd}. */
    static void attach(int tunFd) throws IOException {
        int[][] prog = program();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment insns = arena.allocate(8L * prog.length, 8);
            for (int i = 0; i < prog.length; i++) {
                int[] in = prog[i];
                long at = 8L * i;
                insns.set(ValueLayout.JAVA_BYTE, at, (byte) in[0]);
                insns.set(ValueLayout.JAVA_BYTE, at + 1, (byte) ((in[2] << 4) | in[1]));
                insns.set(ValueLayout.JAVA_SHORT, at + 2, (short) in[3]);
                insns.set(ValueLayout.JAVA_INT, at + 4, in[4]);
            }
            MemorySegment license = arena.allocateFrom("GPL");
            MemorySegment attr = arena.allocate(128, 8); // union bpf_attr, zeroed
            attr.set(ValueLayout.JAVA_INT, 0, BPF_PROG_TYPE_SOCKET_FILTER);
            attr.set(ValueLayout.JAVA_INT, 4, prog.length);
            attr.set(ValueLayout.ADDRESS, 8, insns);
            attr.set(ValueLayout.ADDRESS, 16, license);
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            long fd;
            try {
                fd = (long) SYSCALL.invokeExact(state, SYS_BPF, (long) BPF_PROG_LOAD, attr, 128L);
            } catch (Throwable t) {
                throw new IOException("bpf(BPF_PROG_LOAD)", t);
            }
            if (fd < 0) {
                int errno = (int) ERRNO.get(state, 0L);
                throw new IOException("bpf(BPF_PROG_LOAD) of the TUN steering program: " + LibC.strerror(errno));
            }
            try {
                MemorySegment arg = arena.allocate(4, 4);
                arg.set(ValueLayout.JAVA_INT, 0, (int) fd);
                LibC.ioctl(tunFd, TUNSETSTEERINGEBPF, arg, "TUNSETSTEERINGEBPF");
            } finally {
                LibC.close((int) fd);
            }
        }
    }
}
