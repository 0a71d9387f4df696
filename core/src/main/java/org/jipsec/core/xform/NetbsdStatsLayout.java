package org.jipsec.core.xform;

import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;

/**
 * The transforms' counters ({@link XformStats}) laid out as NetBSD's read-only statistics structures (spec §5.3): arrays
 * of uint64 counters served by {@code net.inet.esp.esp_stats}, {@code net.inet.ah.ah_stats},
 * {@code net.inet.ipcomp.ipcomp_stats} and {@code net.inet.ipip.ipip_stats}, which {@code netstat -s -p ipsec} reads
 * (usr.bin/netstat/fast_ipsec.c 1.24: {@code sysctlbyname} into {@code uint64_t x[*_NSTATS]}).
 *
 * <p>Layouts verified in NetBSD's sources (read with the project's search tools):
 * <ul>
 *   <li>{@code sys/netipsec/esp_var.h} 1.6 (2018-04-19): {@code ESP_STAT_*} 0..19, {@code ESP_STAT_HIST} 20,
 *       {@code ESP_NSTATS = ESP_STAT_HIST + SADB_EALG_STATS_NUM} = 35;</li>
 *   <li>{@code sys/netipsec/ah_var.h} 1.7 (2018-04-19): {@code AH_STAT_*} 0..18, {@code AH_STAT_HIST} 19,
 *       {@code AH_NSTATS} = 19 + {@code SADB_AALG_STATS_NUM} (16) = 35;</li>
 *   <li>{@code sys/netipsec/ipcomp_var.h} 1.8 (2018-04-19): {@code IPCOMP_STAT_*} 0..16, {@code IPCOMP_STAT_HIST}
 *       17, {@code IPCOMP_NSTATS} = 17 + {@code SADB_CALG_STATS_NUM} (5) = 22;</li>
 *   <li>{@code sys/netipsec/ipip_var.h} 1.6 (2018-04-22): {@code IPIP_STAT_*} 0..9, {@code IPIP_NSTATS} = 10;</li>
 *   <li>{@code sys/net/pfkeyv2.h} 1.34.2.1 (2023-01-04): the histogram slots are not indexed by algorithm number but
 *       through {@code SADB_{E,A,C}ALG_STATS_INIT} (algorithm number → slot, every other number → slot 0
 *       "*unknown*"), tables {@link #ESP_ALG_SLOT}, {@link #AH_ALG_SLOT}, {@link #IPCOMP_ALG_SLOT}.</li>
 * </ul>
 * Where NetBSD counts (xform_esp.c 1.83, xform_ah.c 1.111, xform_ipcomp.c 1.71, ipsec_input.c 1.76, xform_ipip.c
 * 1.56): {@code *_STAT_INPUT} at ipsec_common_input entry (before the enable check: jipsec
 * {@link XformStats#inputsSeen}); {@code ESP/AH_STAT_OUTPUT} at esp_output/ah_output entry, {@code IPCOMP_STAT_OUTPUT}
 * after the minlen check ({@link XformStats#outputsSeen}); the histograms in the crypto callbacks once the crypto
 * ran (before the ICV comparison, so a packet with a bad ICV is in the histogram too), ESP's authentication counted
 * in the AH histogram; {@code IPIP_STAT_IPACKETS} at decapsulation entry,
 * {@code IPIP_STAT_OPACKETS} after a successful encapsulation.
 *
 * <p>Mapping of jipsec's drop reasons (each reason's javadoc names its counter): SHORT and BAD_HEADER → HDROPS;
 * BAD_LENGTH → ESP BADILEN / AH BADAUTHL / IPComp HDROPS; NO_SA → NOTDB; DISABLED → PDROPS; REPLAY → REPLAY; SEQ_WRAP →
 * WRAP; BAD_AUTH → BADAUTH; BAD_PADDING → ESP BADENC; DECRYPT_FAILED and DECOMPRESS_FAILED → CRYPTO; INVALID → INVALID;
 * TOO_BIG and DECOMPRESS_TOO_BIG → TOOBIG (netstat: "packets decompressed as too big"). A failure while removing a
 * tunnel header counts as {@code *_STAT_TUNNEL} ("tunnel sanity check failures") of the outer protocol and as
 * {@code ipip} HDROPS (malformed inner header) or FAMILY (inner version ≠ next header), not under the reason's own
 * slot; an inner packet the tunnel encapsulation refuses (too short, not IP) counts only as {@code ipip} HDROPS or
 * FAMILY (ipip_output fails before the transform runs). Jipsec-only events (FRAGMENT, DUMMY, NAT_KEEPALIVE, NON_ESP) have no NetBSD slot.
 *
 * <p>Deviations, on purpose: byte counters are jipsec's (whole IP packet lengths as the transform saw them; NetBSD
 * counts the payload after the headers); DISABLED is counted in both directions (NetBSD's PDROPS only on input); the
 * slots NetBSD's opencrypto/mbuf failures feed (NOPF, BADKCR, QFULL, NOXFORM) and ipip's QFULL, PDROPS, UNSPEC
 * stay 0 (jipsec has no such failure); ipip SPOOF counts {@code ipip_spoofcheck} drops (the engine's check, given the
 * host's addresses by the gateway). All counters are uint64 in host order, as NetBSD exports them.
 */
public final class NetbsdStatsLayout {
    private NetbsdStatsLayout() {}

    // esp_var.h 1.6
    public static final int ESP_STAT_HDROPS = 0;
    public static final int ESP_STAT_NOPF = 1;
    public static final int ESP_STAT_NOTDB = 2;
    public static final int ESP_STAT_BADKCR = 3;
    public static final int ESP_STAT_QFULL = 4;
    public static final int ESP_STAT_NOXFORM = 5;
    public static final int ESP_STAT_BADILEN = 6;
    public static final int ESP_STAT_WRAP = 7;
    public static final int ESP_STAT_BADENC = 8;
    public static final int ESP_STAT_BADAUTH = 9;
    public static final int ESP_STAT_REPLAY = 10;
    public static final int ESP_STAT_INPUT = 11;
    public static final int ESP_STAT_OUTPUT = 12;
    public static final int ESP_STAT_INVALID = 13;
    public static final int ESP_STAT_IBYTES = 14;
    public static final int ESP_STAT_OBYTES = 15;
    public static final int ESP_STAT_TOOBIG = 16;
    public static final int ESP_STAT_PDROPS = 17;
    public static final int ESP_STAT_CRYPTO = 18;
    public static final int ESP_STAT_TUNNEL = 19;
    public static final int ESP_STAT_HIST = 20;
    public static final int ESP_ALG_MAX = 15; // SADB_EALG_STATS_NUM
    public static final int ESP_NSTATS = ESP_STAT_HIST + ESP_ALG_MAX;

    // ah_var.h 1.7
    public static final int AH_STAT_HDROPS = 0;
    public static final int AH_STAT_NOPF = 1;
    public static final int AH_STAT_NOTDB = 2;
    public static final int AH_STAT_BADKCR = 3;
    public static final int AH_STAT_BADAUTH = 4;
    public static final int AH_STAT_NOXFORM = 5;
    public static final int AH_STAT_QFULL = 6;
    public static final int AH_STAT_WRAP = 7;
    public static final int AH_STAT_REPLAY = 8;
    public static final int AH_STAT_BADAUTHL = 9;
    public static final int AH_STAT_INPUT = 10;
    public static final int AH_STAT_OUTPUT = 11;
    public static final int AH_STAT_INVALID = 12;
    public static final int AH_STAT_IBYTES = 13;
    public static final int AH_STAT_OBYTES = 14;
    public static final int AH_STAT_TOOBIG = 15;
    public static final int AH_STAT_PDROPS = 16;
    public static final int AH_STAT_CRYPTO = 17;
    public static final int AH_STAT_TUNNEL = 18;
    public static final int AH_STAT_HIST = 19;
    public static final int AH_ALG_MAX = 16; // SADB_AALG_STATS_NUM
    public static final int AH_NSTATS = AH_STAT_HIST + AH_ALG_MAX;

    // ipcomp_var.h 1.8
    public static final int IPCOMP_STAT_HDROPS = 0;
    public static final int IPCOMP_STAT_NOPF = 1;
    public static final int IPCOMP_STAT_NOTDB = 2;
    public static final int IPCOMP_STAT_BADKCR = 3;
    public static final int IPCOMP_STAT_QFULL = 4;
    public static final int IPCOMP_STAT_NOXFORM = 5;
    public static final int IPCOMP_STAT_WRAP = 6;
    public static final int IPCOMP_STAT_INPUT = 7;
    public static final int IPCOMP_STAT_OUTPUT = 8;
    public static final int IPCOMP_STAT_INVALID = 9;
    public static final int IPCOMP_STAT_IBYTES = 10;
    public static final int IPCOMP_STAT_OBYTES = 11;
    public static final int IPCOMP_STAT_TOOBIG = 12;
    public static final int IPCOMP_STAT_MINLEN = 13;
    public static final int IPCOMP_STAT_USELESS = 14;
    public static final int IPCOMP_STAT_PDROPS = 15;
    public static final int IPCOMP_STAT_CRYPTO = 16;
    public static final int IPCOMP_STAT_HIST = 17;
    public static final int IPCOMP_ALG_MAX = 5; // SADB_CALG_STATS_NUM
    public static final int IPCOMP_NSTATS = IPCOMP_STAT_HIST + IPCOMP_ALG_MAX;

    // ipip_var.h 1.6
    public static final int IPIP_STAT_IPACKETS = 0;
    public static final int IPIP_STAT_OPACKETS = 1;
    public static final int IPIP_STAT_HDROPS = 2;
    public static final int IPIP_STAT_QFULL = 3;
    public static final int IPIP_STAT_IBYTES = 4;
    public static final int IPIP_STAT_OBYTES = 5;
    public static final int IPIP_STAT_PDROPS = 6;
    public static final int IPIP_STAT_SPOOF = 7;
    public static final int IPIP_STAT_FAMILY = 8;
    public static final int IPIP_STAT_UNSPEC = 9;
    public static final int IPIP_NSTATS = 10;

    /** pfkeyv2.h SADB_EALG_STATS_INIT: ESP encryption algorithm number → histogram slot (0 = unknown). */
    static final int[] ESP_ALG_SLOT = slots(new int[][] {
        {0, 1}, {2, 2}, {3, 3}, {11, 4}, {6, 5}, {7, 6}, {12, 7}, {13, 8}, {18, 9}, {19, 10}, {20, 11}, {22, 12},
        {23, 13}, {250, 14}
    });
    /** pfkeyv2.h SADB_AALG_STATS_INIT. */
    static final int[] AH_ALG_SLOT = slots(new int[][] {
        {0, 1}, {2, 2}, {3, 3}, {5, 4}, {6, 5}, {7, 6}, {8, 7}, {9, 8}, {11, 9}, {12, 10}, {13, 11}, {249, 12},
        {250, 13}, {251, 14}, {252, 15}
    });
    /** pfkeyv2.h SADB_CALG_STATS_INIT. */
    static final int[] IPCOMP_ALG_SLOT = slots(new int[][] {{0, 1}, {1, 2}, {2, 3}, {3, 4}});

    /** pfkeyv2.h SADB_{E,A,C}ALG_STATS_STR: the names netstat prints for the histogram slots. */
    public static final List<String> ESP_ALG_NAMES = List.of(
            "*unknown*",
            "none",
            "des-cbc",
            "3des-cbc",
            "null",
            "cast128-cbc",
            "blowfish-cbc",
            "aes-cbc",
            "aes-ctr",
            "aes-gcm-8",
            "aes-gcm-12",
            "aes-gcm-16",
            "camelia-cbc",
            "aes-gmac",
            "skipjack");

    public static final List<String> AH_ALG_NAMES = List.of(
            "*unknown*",
            "none",
            "hmac-md5",
            "hmac-sha1",
            "hmac-sha2-256",
            "hmac-sha2-384",
            "hmac-sha2-512",
            "hmac-ripe-md160",
            "aes-xbc-mac",
            "aes-128-mac",
            "aes-192-mac",
            "aes-256-mac",
            "md5",
            "sha",
            "null",
            "tcp-md5");
    public static final List<String> IPCOMP_ALG_NAMES = List.of("*unknown*", "none", "oui", "deflate", "lzs");

    private static int[] slots(int[][] pairs) {
        int[] t = new int[256];
        for (int[] p : pairs) t[p[0]] = p[1];
        return t;
    }

    /** The histogram slot NetBSD counts algorithm {@code number} of the given kind in. */
    public static int histogramSlot(XformStats.Histogram h, int number) {
        int[] t = switch (h) {
            case ENCRYPTION -> ESP_ALG_SLOT;
            case AUTHENTICATION -> AH_ALG_SLOT;
            case COMPRESSION -> IPCOMP_ALG_SLOT;
        };
        return t[number & 0xff];
    }

    /** {@code net.inet.esp.esp_stats}: {@link #ESP_NSTATS} counters. */
    public static long[] esp(XformStats s) {
        IpsecProtocol p = IpsecProtocol.ESP;
        long[] v = new long[ESP_NSTATS];
        v[ESP_STAT_HDROPS] = own(s, p, DropReason.SHORT) + own(s, p, DropReason.BAD_HEADER);
        v[ESP_STAT_NOTDB] = own(s, p, DropReason.NO_SA);
        v[ESP_STAT_BADILEN] = own(s, p, DropReason.BAD_LENGTH);
        v[ESP_STAT_WRAP] = own(s, p, DropReason.SEQ_WRAP);
        v[ESP_STAT_BADENC] = own(s, p, DropReason.BAD_PADDING);
        v[ESP_STAT_BADAUTH] = own(s, p, DropReason.BAD_AUTH);
        v[ESP_STAT_REPLAY] = own(s, p, DropReason.REPLAY);
        v[ESP_STAT_INPUT] = s.inputsSeen(p);
        v[ESP_STAT_OUTPUT] = s.outputsSeen(p);
        v[ESP_STAT_INVALID] = own(s, p, DropReason.INVALID);
        v[ESP_STAT_IBYTES] = s.inputBytes(p);
        v[ESP_STAT_OBYTES] = s.outputBytes(p);
        v[ESP_STAT_TOOBIG] = own(s, p, DropReason.TOO_BIG);
        v[ESP_STAT_PDROPS] = own(s, p, DropReason.DISABLED);
        v[ESP_STAT_CRYPTO] = own(s, p, DropReason.DECRYPT_FAILED);
        v[ESP_STAT_TUNNEL] = tunnel(s, p);
        fold(s.histogram(XformStats.Histogram.ENCRYPTION), ESP_ALG_SLOT, v, ESP_STAT_HIST);
        return v;
    }

    /** {@code net.inet.ah.ah_stats}: {@link #AH_NSTATS} counters (the histogram includes ESP's authentication). */
    public static long[] ah(XformStats s) {
        IpsecProtocol p = IpsecProtocol.AH;
        long[] v = new long[AH_NSTATS];
        v[AH_STAT_HDROPS] = own(s, p, DropReason.SHORT) + own(s, p, DropReason.BAD_HEADER);
        v[AH_STAT_NOTDB] = own(s, p, DropReason.NO_SA);
        v[AH_STAT_BADAUTH] = own(s, p, DropReason.BAD_AUTH);
        v[AH_STAT_WRAP] = own(s, p, DropReason.SEQ_WRAP);
        v[AH_STAT_REPLAY] = own(s, p, DropReason.REPLAY);
        v[AH_STAT_BADAUTHL] = own(s, p, DropReason.BAD_LENGTH);
        v[AH_STAT_INPUT] = s.inputsSeen(p);
        v[AH_STAT_OUTPUT] = s.outputsSeen(p);
        v[AH_STAT_INVALID] = own(s, p, DropReason.INVALID);
        v[AH_STAT_IBYTES] = s.inputBytes(p);
        v[AH_STAT_OBYTES] = s.outputBytes(p);
        v[AH_STAT_TOOBIG] = own(s, p, DropReason.TOO_BIG);
        v[AH_STAT_PDROPS] = own(s, p, DropReason.DISABLED);
        v[AH_STAT_CRYPTO] = own(s, p, DropReason.DECRYPT_FAILED);
        v[AH_STAT_TUNNEL] = tunnel(s, p);
        fold(s.histogram(XformStats.Histogram.AUTHENTICATION), AH_ALG_SLOT, v, AH_STAT_HIST);
        return v;
    }

    /** {@code net.inet.ipcomp.ipcomp_stats}: {@link #IPCOMP_NSTATS} counters. */
    public static long[] ipcomp(XformStats s) {
        IpsecProtocol p = IpsecProtocol.IPCOMP;
        long[] v = new long[IPCOMP_NSTATS];
        v[IPCOMP_STAT_HDROPS] =
                own(s, p, DropReason.SHORT) + own(s, p, DropReason.BAD_HEADER) + own(s, p, DropReason.BAD_LENGTH);
        v[IPCOMP_STAT_NOTDB] = own(s, p, DropReason.NO_SA);
        v[IPCOMP_STAT_WRAP] = own(s, p, DropReason.SEQ_WRAP);
        v[IPCOMP_STAT_INPUT] = s.inputsSeen(p);
        v[IPCOMP_STAT_OUTPUT] = s.outputsSeen(p) - s.ipcompMinlen(); // counted after the minlen check
        v[IPCOMP_STAT_INVALID] = own(s, p, DropReason.INVALID);
        v[IPCOMP_STAT_IBYTES] = s.inputBytes(p);
        v[IPCOMP_STAT_OBYTES] = s.outputBytes(p);
        v[IPCOMP_STAT_TOOBIG] = own(s, p, DropReason.TOO_BIG) + own(s, p, DropReason.DECOMPRESS_TOO_BIG);
        v[IPCOMP_STAT_MINLEN] = s.ipcompMinlen();
        v[IPCOMP_STAT_USELESS] = s.ipcompUseless();
        v[IPCOMP_STAT_PDROPS] = own(s, p, DropReason.DISABLED);
        v[IPCOMP_STAT_CRYPTO] = own(s, p, DropReason.DECOMPRESS_FAILED) + own(s, p, DropReason.DECRYPT_FAILED);
        fold(s.histogram(XformStats.Histogram.COMPRESSION), IPCOMP_ALG_SLOT, v, IPCOMP_STAT_HIST);
        return v;
    }

    /** {@code net.inet.ipip.ipip_stats}: {@link #IPIP_NSTATS} counters of tunnel-mode encapsulation. */
    public static long[] ipip(XformStats s) {
        long[] v = new long[IPIP_NSTATS];
        v[IPIP_STAT_IPACKETS] = s.ipipInputPackets();
        v[IPIP_STAT_OPACKETS] = s.ipipOutputPackets();
        long hdrops = 0;
        long family = 0;
        for (IpsecProtocol p : IpsecProtocol.values()) {
            hdrops += s.tunnelDrops(p, DropReason.SHORT)
                    + s.tunnelDrops(p, DropReason.BAD_HEADER)
                    + s.encapsulationDrops(p, DropReason.SHORT); // ipip_output: M_PREPEND
            family += s.tunnelDrops(p, DropReason.BAD_NEXT_HEADER)
                    + s.encapsulationDrops(p, DropReason.BAD_HEADER); // ipip_output: nofamily
        }
        v[IPIP_STAT_HDROPS] = hdrops;
        v[IPIP_STAT_IBYTES] = s.ipipInputBytes();
        v[IPIP_STAT_OBYTES] = s.ipipOutputBytes();
        v[IPIP_STAT_FAMILY] = family;
        v[IPIP_STAT_SPOOF] = s.ipipSpoofPackets();
        return v;
    }

    /**
     * Drops of {@code r} by {@code p}'s own processing: those during tunnel removal count as TUNNEL, and an inner
     * packet the tunnel encapsulation refused (too short, not IP) only in ipip_stats, as ipip_output fails before
     * esp_output/ah_output run. An encapsulation that would exceed 65535 bytes stays TOOBIG of the protocol (NetBSD's
     * size check is in the transform).
     */
    private static long own(XformStats s, IpsecProtocol p, DropReason r) {
        long n = s.drops(p, r) - s.tunnelDrops(p, r);
        if (r == DropReason.SHORT || r == DropReason.BAD_HEADER) n -= s.encapsulationDrops(p, r);
        return n;
    }

    private static long tunnel(XformStats s, IpsecProtocol p) {
        long n = 0;
        for (DropReason r : DropReason.values()) n += s.tunnelDrops(p, r);
        return n;
    }

    private static void fold(long[] byNumber, int[] slot, long[] v, int base) {
        for (int n = 0; n < 256; n++) v[base + slot[n]] += byNumber[n];
    }

    /** Serves the four structures on {@code sysctl} (uint64, host order), read at each sysctl(3) call. */
    public static void bindTo(Sysctl sysctl, XformStats s) {
        sysctl.bindStruct(SysctlNames.ESP_STATS, () -> Sysctl.counters(esp(s)));
        sysctl.bindStruct(SysctlNames.AH_STATS, () -> Sysctl.counters(ah(s)));
        sysctl.bindStruct(SysctlNames.IPCOMP_STATS, () -> Sysctl.counters(ipcomp(s)));
        sysctl.bindStruct(SysctlNames.IPIP_STATS, () -> Sysctl.counters(ipip(s)));
    }

    /**
     * The lines {@code netstat -s} prints for these structures (usr.bin/netstat/fast_ipsec.c 1.24, non-zero counters
     * only as with {@code -s -s}): the "ah:", "esp:", "ipip:" and "ipcomp:" sections, from counters read back from
     * sysctl (so it formats what any reader of the nodes would see).
     */
    public static List<String> netstatLines(long[] ah, long[] esp, long[] ipip, long[] ipcomp) {
        return netstatLines(ah, esp, ipip, ipcomp, false);
    }

    /**
     * {@link #netstatLines(long[], long[], long[], long[])} with {@code zeros}: every counter line also when it is 0,
     * as {@code netstat -s} prints them (fast_ipsec.c: {@code if (x || sflag <= 1)}); without, only the non-zero ones
     * ({@code -s -s}). Histogram entries are printed only when non-zero either way, as NetBSD does.
     */
    public static List<String> netstatLines(long[] ah, long[] esp, long[] ipip, long[] ipcomp, boolean zeros) {
        List<String> out = new ArrayList<>();
        out.add("\tah:");
        line(out, zeros, ah, AH_STAT_INPUT, "ah input packets processed");
        line(out, zeros, ah, AH_STAT_OUTPUT, "ah output packets processed");
        line(out, zeros, ah, AH_STAT_HDROPS, "ah headers too short");
        line(out, zeros, ah, AH_STAT_NOPF, "ah headers for unsupported address family");
        line(out, zeros, ah, AH_STAT_NOTDB, "ah packets with no SA");
        line(out, zeros, ah, AH_STAT_BADKCR, "ah packets dropped by crypto returning NULL mbuf");
        line(out, zeros, ah, AH_STAT_BADAUTH, "ah packets with bad authentication");
        line(out, zeros, ah, AH_STAT_NOXFORM, "ah packets with no xform");
        line(out, zeros, ah, AH_STAT_QFULL, "ah packets dropped due to queue full");
        line(out, zeros, ah, AH_STAT_WRAP, "ah packets dropped for replay counter wrap");
        line(out, zeros, ah, AH_STAT_REPLAY, "ah packets dropped for possible replay");
        line(out, zeros, ah, AH_STAT_BADAUTHL, "ah packets dropped for bad authenticator length");
        line(out, zeros, ah, AH_STAT_INVALID, "ah packets with an invalid SA");
        line(out, zeros, ah, AH_STAT_TOOBIG, "ah packets too big");
        line(out, zeros, ah, AH_STAT_PDROPS, "ah packets blocked due to policy");
        line(out, zeros, ah, AH_STAT_CRYPTO, "ah failed crypto requests");
        line(out, zeros, ah, AH_STAT_TUNNEL, "ah tunnel sanity check failures");
        histogram(out, "ah", ah, AH_STAT_HIST, AH_ALG_NAMES);
        line(out, zeros, ah, AH_STAT_IBYTES, "ah bytes received");
        line(out, zeros, ah, AH_STAT_OBYTES, "ah bytes transmitted");
        out.add("\tesp:");
        line(out, zeros, esp, ESP_STAT_INPUT, "esp input packets processed");
        line(out, zeros, esp, ESP_STAT_OUTPUT, "esp output packets processed");
        line(out, zeros, esp, ESP_STAT_HDROPS, "esp headers too short");
        line(out, zeros, esp, ESP_STAT_NOPF, "esp headers for unsupported address family");
        line(out, zeros, esp, ESP_STAT_NOTDB, "esp packets with no SA");
        line(out, zeros, esp, ESP_STAT_BADKCR, "esp packets dropped by crypto returning NULL mbuf");
        line(out, zeros, esp, ESP_STAT_QFULL, "esp packets dropped due to queue full");
        line(out, zeros, esp, ESP_STAT_NOXFORM, "esp packets with no xform");
        line(out, zeros, esp, ESP_STAT_BADILEN, "esp packets with bad ilen");
        line(out, zeros, esp, ESP_STAT_BADENC, "esp packets with bad encryption");
        line(out, zeros, esp, ESP_STAT_BADAUTH, "esp packets with bad authentication");
        line(out, zeros, esp, ESP_STAT_WRAP, "esp packets dropped for replay counter wrap");
        line(out, zeros, esp, ESP_STAT_REPLAY, "esp packets dropped for possible replay");
        line(out, zeros, esp, ESP_STAT_INVALID, "esp packets with an invalid SA");
        line(out, zeros, esp, ESP_STAT_TOOBIG, "esp packets too big");
        line(out, zeros, esp, ESP_STAT_PDROPS, "esp packets blocked due to policy");
        line(out, zeros, esp, ESP_STAT_CRYPTO, "esp failed crypto requests");
        line(out, zeros, esp, ESP_STAT_TUNNEL, "esp tunnel sanity check failures");
        histogram(out, "esp", esp, ESP_STAT_HIST, ESP_ALG_NAMES);
        line(out, zeros, esp, ESP_STAT_IBYTES, "esp bytes received");
        line(out, zeros, esp, ESP_STAT_OBYTES, "esp bytes transmitted");
        out.add("\tipip:");
        line(out, zeros, ipip, IPIP_STAT_IPACKETS, "ipip total input packets");
        line(out, zeros, ipip, IPIP_STAT_OPACKETS, "ipip total output packets");
        line(out, zeros, ipip, IPIP_STAT_HDROPS, "ipip packets too short for header length");
        line(out, zeros, ipip, IPIP_STAT_QFULL, "ipip packets dropped due to queue full");
        line(out, zeros, ipip, IPIP_STAT_PDROPS, "ipip packets blocked due to policy");
        line(out, zeros, ipip, IPIP_STAT_SPOOF, "ipip IP spoofing attempts");
        line(out, zeros, ipip, IPIP_STAT_FAMILY, "ipip protocol family mismatched");
        line(out, zeros, ipip, IPIP_STAT_UNSPEC, "ipip missing tunnel-endpoint address");
        line(out, zeros, ipip, IPIP_STAT_IBYTES, "ipip input bytes received");
        line(out, zeros, ipip, IPIP_STAT_OBYTES, "ipip output bytes processed");
        out.add("\tipcomp:");
        line(out, zeros, ipcomp, IPCOMP_STAT_HDROPS, "ipcomp packets too short for header length");
        line(out, zeros, ipcomp, IPCOMP_STAT_NOPF, "ipcomp protocol family not supported");
        line(out, zeros, ipcomp, IPCOMP_STAT_NOTDB, "ipcomp packets with no SA");
        line(out, zeros, ipcomp, IPCOMP_STAT_BADKCR, "ipcomp packets dropped by crypto returning NULL mbuf");
        line(out, zeros, ipcomp, IPCOMP_STAT_QFULL, "ipcomp queue full");
        line(out, zeros, ipcomp, IPCOMP_STAT_NOXFORM, "ipcomp no support for transform");
        line(out, zeros, ipcomp, IPCOMP_STAT_WRAP, "ipcomp packets dropped for replay counter wrap");
        line(out, zeros, ipcomp, IPCOMP_STAT_INPUT, "ipcomp input IPcomp packets");
        line(out, zeros, ipcomp, IPCOMP_STAT_OUTPUT, "ipcomp output IPcomp packets");
        line(out, zeros, ipcomp, IPCOMP_STAT_INVALID, "ipcomp packets with an invalid SA");
        line(out, zeros, ipcomp, IPCOMP_STAT_TOOBIG, "ipcomp packets decompressed as too big");
        line(out, zeros, ipcomp, IPCOMP_STAT_MINLEN, "ipcomp packets too short to be compressed");
        line(out, zeros, ipcomp, IPCOMP_STAT_USELESS, "ipcomp packet for which compression was useless");
        line(out, zeros, ipcomp, IPCOMP_STAT_PDROPS, "ipcomp packets blocked due to policy");
        line(out, zeros, ipcomp, IPCOMP_STAT_CRYPTO, "ipcomp failed crypto requests");
        histogram(out, "IPcomp", ipcomp, IPCOMP_STAT_HIST, IPCOMP_ALG_NAMES);
        line(out, zeros, ipcomp, IPCOMP_STAT_IBYTES, "ipcomp input bytes");
        line(out, zeros, ipcomp, IPCOMP_STAT_OBYTES, "ipcomp output bytes");
        return out;
    }

    private static void line(List<String> out, boolean zeros, long[] v, int i, String text) {
        long x = i < v.length ? v[i] : 0;
        if (x != 0 || zeros) out.add("\t\t" + Long.toUnsignedString(x) + " " + text);
    }

    private static void histogram(List<String> out, String proto, long[] v, int base, List<String> names) {
        String title = proto.equals("IPcomp") ? "ipcomp" : proto;
        out.add("\t" + title + " histogram:");
        for (int i = 0; i < names.size() && base + i < v.length; i++) {
            if (v[base + i] != 0) {
                out.add("\t\t" + proto + " packets with " + names.get(i) + ": " + Long.toUnsignedString(v[base + i]));
            }
        }
    }
}
