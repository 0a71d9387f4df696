package org.jipsec.core.xform;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jipsec.core.ipsec.IpsecProtocol;

/**
 * Per-protocol counters, as {@code netstat -s -p esp|ah|ipcomp} shows them: one counter per {@link DropReason}
 * plus input/output packets and bytes; and the events NetBSD counts that are no drop: packets seen at a
 * transform's entry ({@code *_STAT_INPUT}/{@code *_STAT_OUTPUT}), the per-algorithm histograms
 * ({@code *_STAT_HIST}), tunnel (IP-in-IP) encapsulations and decapsulations ({@code ipip_stats}) and their
 * failures ({@code *_STAT_TUNNEL}), and IPComp's uncompressed sends ({@code IPCOMP_STAT_MINLEN/USELESS}).
 * {@link NetbsdStatsLayout} lays them out as NetBSD's sysctl structures.
 *
 * <p>Like NetBSD's per-CPU statistics (percpu(9)), each thread counts into its own array with plain writes (no
 * atomic instruction on the packet path); a reader sums the arrays, seeing every thread's counts up to a recent
 * moment.
 */
public final class XformStats {

    private static final int REASONS = DropReason.values().length;
    private static final int IN_PACKETS = REASONS;
    private static final int OUT_PACKETS = REASONS + 1;
    private static final int IN_BYTES = REASONS + 2;
    private static final int OUT_BYTES = REASONS + 3;
    /** Packets that reached the protocol's input (NetBSD counts {@code *_STAT_INPUT} at ipsec_common_input entry). */
    private static final int IN_SEEN = REASONS + 4;
    /** Packets handed to the protocol's output transform ({@code esp_output} etc. entry). */
    private static final int OUT_SEEN = REASONS + 5;
    /** IPComp: sent uncompressed, payload shorter than the algorithm's minimum ({@code IPCOMP_STAT_MINLEN}). */
    private static final int MINLEN = REASONS + 6;
    /** IPComp: sent uncompressed, compression would not shrink it ({@code IPCOMP_STAT_USELESS}). */
    private static final int USELESS = REASONS + 7;
    /** Drops during tunnel decapsulation after this protocol, per reason (a subset of the drop counters). */
    private static final int TUNNEL_BY_REASON = REASONS + 8;
    /** Drops while adding a tunnel header before this protocol, per reason (a subset of the drop counters). */
    private static final int ENCAP_BY_REASON = TUNNEL_BY_REASON + REASONS;

    private static final int SLOTS = ENCAP_BY_REASON + REASONS;
    private static final int PROTOCOLS = IpsecProtocol.values().length;

    /** Histograms by PF_KEY algorithm number (0..255): encryption (ESP), authentication (AH and ESP), compression. */
    private static final int HIST = PROTOCOLS * SLOTS;

    public enum Histogram {
        ENCRYPTION,
        AUTHENTICATION,
        COMPRESSION
    }

    /** IP-in-IP counters (tunnel mode), after {@code IPIP_STAT_*}. */
    private static final int IPIP = HIST + Histogram.values().length * 256;

    private static final int IPIP_IN = IPIP;
    private static final int IPIP_OUT = IPIP + 1;
    private static final int IPIP_IN_BYTES = IPIP + 2;
    private static final int IPIP_OUT_BYTES = IPIP + 3;
    private static final int IPIP_SPOOF = IPIP + 4;
    private static final int TOTAL = IPIP + 5;

    private final List<long[]> perThread = new CopyOnWriteArrayList<>();
    private final ThreadLocal<long[]> mine = ThreadLocal.withInitial(() -> {
        long[] a = new long[TOTAL];
        perThread.add(a);
        return a;
    });

    private void add(IpsecProtocol p, int slot, long n) {
        long[] a = mine.get();
        a[p.ordinal() * SLOTS + slot] += n;
    }

    private long sum(IpsecProtocol p, int slot) {
        long s = 0;
        for (long[] a : perThread) s += a[p.ordinal() * SLOTS + slot];
        return s;
    }

    public void drop(IpsecProtocol p, DropReason r) {
        add(p, r.ordinal(), 1);
    }

    public void input(IpsecProtocol p, long bytes) {
        long[] a = mine.get();
        int base = p.ordinal() * SLOTS;
        a[base + IN_PACKETS]++;
        a[base + IN_BYTES] += bytes;
    }

    public void output(IpsecProtocol p, long bytes) {
        long[] a = mine.get();
        int base = p.ordinal() * SLOTS;
        a[base + OUT_PACKETS]++;
        a[base + OUT_BYTES] += bytes;
    }

    // ------------------------------------------------------------------------- NetBSD events (no drops)

    /**
     * The calling thread's counter array, for a caller that counts several events per packet with one thread-local
     * lookup (the {@code (long[] c, ...)} overloads). Never shared between threads.
     */
    long[] local() {
        return mine.get();
    }

    /** A packet of protocol {@code p} reached the input path (before any check: {@code *_STAT_INPUT}). */
    public void inputSeen(IpsecProtocol p) {
        inputSeen(mine.get(), p);
    }

    static void inputSeen(long[] c, IpsecProtocol p) {
        c[p.ordinal() * SLOTS + IN_SEEN]++;
    }

    /** A packet was handed to {@code p}'s output transform ({@code *_STAT_OUTPUT}). */
    public void outputSeen(IpsecProtocol p) {
        outputSeen(mine.get(), p);
    }

    static void outputSeen(long[] c, IpsecProtocol p) {
        c[p.ordinal() * SLOTS + OUT_SEEN]++;
    }

    /** IPComp sent a packet as is: too short ({@code minlen}) or compression useless. */
    public void ipcompUncompressed(boolean tooShort) {
        mine.get()[IpsecProtocol.IPCOMP.ordinal() * SLOTS + (tooShort ? MINLEN : USELESS)]++;
    }

    /**
     * One crypto (or compression) operation with the SA's algorithms, as NetBSD's {@code *_STAT_HIST} counts them:
     * ESP counts its cipher in the encryption histogram and its integrity algorithm in the authentication one
     * (xform_esp.c esp_input_cb/esp_output_cb count {@code AH_STAT_HIST} for ESP's auth); for AES-GCM-16 and
     * AES-GMAC, esp_init sets {@code alg_auth} to AES128/192/256GMAC by key length (20/28/36 bytes with salt).
     */
    public void histogram(SaParameters p) {
        histogram(mine.get(), p);
    }

    static void histogram(long[] a, SaParameters p) {
        switch (p.protocol()) {
            case ESP -> {
                if (p.encryption() != null) a[HIST + (p.encryption().number() & 0xff)]++;
                int auth = p.auth() != null ? p.auth().number() : gmacAuth(p);
                if (auth >= 0) a[HIST + 256 + (auth & 0xff)]++;
            }
            case AH -> {
                if (p.auth() != null) a[HIST + 256 + (p.auth().number() & 0xff)]++;
            }
            case IPCOMP -> {
                if (p.encryption() != null) a[HIST + 512 + (p.encryption().number() & 0xff)]++;
            }
        }
    }

    /** xform_esp.c esp_init: GCM-16 (20) and GMAC (23) get {@code SADB_X_AALG_AES{128,192,256}GMAC} (11..13). */
    private static int gmacAuth(SaParameters p) {
        int enc = p.encryption() == null ? -1 : p.encryption().number();
        if (enc != 20 && enc != 23) return -1;
        return switch (p.encryptionKeyLength()) {
            case 20 -> 11;
            case 28 -> 12;
            case 36 -> 13;
            default -> -1;
        };
    }

    /** A tunnel-mode outer header was added around an inner packet of {@code innerBytes} ({@code ipip_output}). */
    public void ipipOutput(long innerBytes) {
        ipipOutput(mine.get(), innerBytes);
    }

    static void ipipOutput(long[] a, long innerBytes) {
        a[IPIP_OUT]++;
        a[IPIP_OUT_BYTES] += innerBytes;
    }

    /**
     * Tunnel encapsulation before {@code p}'s transform refused the inner packet with {@code r} (also counted as a
     * drop of {@code p}): too short or not IPv4/IPv6 ({@code IPIP_STAT_HDROPS/FAMILY}).
     */
    public void ipipOutputDropped(IpsecProtocol p, DropReason r) {
        mine.get()[p.ordinal() * SLOTS + ENCAP_BY_REASON + r.ordinal()]++;
    }

    /** A tunnel header was found after a transform: decapsulation starts ({@code IPIP_STAT_IPACKETS}). */
    public void ipipInput() {
        ipipInput(mine.get());
    }

    static void ipipInput(long[] c) {
        c[IPIP_IN]++;
    }

    /** Decapsulation succeeded with an inner packet of {@code innerBytes} ({@code IPIP_STAT_IBYTES}). */
    public void ipipInputBytes(long innerBytes) {
        ipipInputBytes(mine.get(), innerBytes);
    }

    static void ipipInputBytes(long[] c, long innerBytes) {
        c[IPIP_IN_BYTES] += innerBytes;
    }

    /**
     * A decapsulated packet claimed one of this host's addresses as its source and was dropped
     * ({@code net.inet.ipsec.ipip_spoofcheck}, {@code IPIP_STAT_SPOOF}).
     */
    public void ipipSpoof() {
        mine.get()[IPIP_SPOOF]++;
    }

    /** Decapsulation after protocol {@code p} failed with {@code r} (also counted as a drop of {@code p}). */
    public void tunnelDropped(IpsecProtocol p, DropReason r) {
        mine.get()[p.ordinal() * SLOTS + TUNNEL_BY_REASON + r.ordinal()]++;
    }

    // ------------------------------------------------------------------------------------------- readers

    public long drops(IpsecProtocol p, DropReason r) {
        return sum(p, r.ordinal());
    }

    public long inputPackets(IpsecProtocol p) {
        return sum(p, IN_PACKETS);
    }

    public long outputPackets(IpsecProtocol p) {
        return sum(p, OUT_PACKETS);
    }

    public long inputBytes(IpsecProtocol p) {
        return sum(p, IN_BYTES);
    }

    public long outputBytes(IpsecProtocol p) {
        return sum(p, OUT_BYTES);
    }

    /** Packets that reached {@code p}'s input path, dropped or not. */
    public long inputsSeen(IpsecProtocol p) {
        return sum(p, IN_SEEN);
    }

    /** Packets handed to {@code p}'s output transform, protected or not. */
    public long outputsSeen(IpsecProtocol p) {
        return sum(p, OUT_SEEN);
    }

    /** IPComp packets sent uncompressed because they were shorter than the minimum. */
    public long ipcompMinlen() {
        return sum(IpsecProtocol.IPCOMP, MINLEN);
    }

    /** IPComp packets sent uncompressed because compression would not shrink them. */
    public long ipcompUseless() {
        return sum(IpsecProtocol.IPCOMP, USELESS);
    }

    /** Of {@link #drops}, those that happened while removing a tunnel header after {@code p}. */
    public long tunnelDrops(IpsecProtocol p, DropReason r) {
        return sum(p, TUNNEL_BY_REASON + r.ordinal());
    }

    /** Of {@link #drops}, those that happened while adding a tunnel header before {@code p}'s transform. */
    public long encapsulationDrops(IpsecProtocol p, DropReason r) {
        return sum(p, ENCAP_BY_REASON + r.ordinal());
    }

    /** Operations by PF_KEY algorithm number (index 0..255). */
    public long[] histogram(Histogram h) {
        long[] out = new long[256];
        int base = HIST + h.ordinal() * 256;
        for (long[] a : perThread) for (int i = 0; i < 256; i++) out[i] += a[base + i];
        return out;
    }

    public long ipipInputPackets() {
        return sumAt(IPIP_IN);
    }

    public long ipipOutputPackets() {
        return sumAt(IPIP_OUT);
    }

    public long ipipInputBytes() {
        return sumAt(IPIP_IN_BYTES);
    }

    /** Tunnelled packets dropped by {@code ipip_spoofcheck} ({@code IPIP_STAT_SPOOF}). */
    public long ipipSpoofPackets() {
        return sumAt(IPIP_SPOOF);
    }

    public long ipipOutputBytes() {
        return sumAt(IPIP_OUT_BYTES);
    }

    private long sumAt(int index) {
        long s = 0;
        for (long[] a : perThread) s += a[index];
        return s;
    }

    /** netstat-like lines for one protocol, non-zero drop counters only: {@code "\t3 packets with bad authentication"}. */
    public List<String> lines(IpsecProtocol p) {
        List<String> out = new ArrayList<>();
        out.add(p.keyword() + ":");
        out.add("\t" + inputPackets(p) + " input packets (" + inputBytes(p) + " bytes)");
        out.add("\t" + outputPackets(p) + " output packets (" + outputBytes(p) + " bytes)");
        for (DropReason r : DropReason.values()) {
            long n = drops(p, r);
            if (n != 0) out.add("\t" + n + " " + r.description());
        }
        return out;
    }
}
