package org.jipsec.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.engine.IpsecStatistics;
import org.jipsec.core.pfkey.PfkeyStatistics;
import org.jipsec.core.sysctl.SysctlException;
import org.jipsec.core.sysctl.SysctlNames;
import org.jipsec.core.xform.NetbsdStatsLayout;

/**
 * {@code jipsec sysctl -s}: the statistics structures read back from sysctl and printed as NetBSD's
 * {@code netstat -s -s} prints them (usr.bin/netstat/fast_ipsec.c 1.24 {@code fast_ipsec_stats} for "ipsec:",
 * usr.bin/netstat/ipsec.c {@code pfkey_stats} for "pfkey:"; non-zero counters only). Works on any tree the command
 * can read, so it shows what a NetBSD program reading the nodes would get.
 */
final class NetstatLines {
    private NetstatLines() {}

    /** Reads a structure node's bytes. */
    @FunctionalInterface
    interface StructReader {
        byte[] read(String name) throws IOException, SysctlException;
    }

    static List<String> of(StructReader r) throws IOException, SysctlException {
        return of(r, false, null);
    }

    /** What {@code jipsec stats -p} selects: netstat's protocol "ipsec", one of its sections, or "pfkey". */
    static final java.util.List<String> PROTOCOLS = java.util.List.of("ipsec", "ah", "esp", "ipip", "ipcomp", "pfkey");

    /**
     * @param zeros    print counters that are 0 too ({@code netstat -s}); false: only non-zero ones ({@code -s -s})
     * @param protocol null (all: "ipsec:" with its sections, then "pfkey:"), or one of {@link #PROTOCOLS}: "ipsec"
     *                 is netstat's {@code -p ipsec}; "ah", "esp", "ipip", "ipcomp" the section of it that
     *                 fast_ipsec.c prints for that protocol, lines as they appear there; "pfkey" netstat's {@code -p pfkey}
     */
    static List<String> of(StructReader r, boolean zeros, String protocol) throws IOException, SysctlException {
        List<String> out = new ArrayList<>();
        if (protocol == null || !protocol.equals("pfkey")) {
            List<String> ipsec = new ArrayList<>();
            if (protocol == null || protocol.equals("ipsec")) ipsec.addAll(ipsecLines(r, zeros));
            List<String> sections = NetbsdStatsLayout.netstatLines(
                    u64(r.read(SysctlNames.AH_STATS)),
                    u64(r.read(SysctlNames.ESP_STATS)),
                    u64(r.read(SysctlNames.IPIP_STATS)),
                    u64(r.read(SysctlNames.IPCOMP_STATS)),
                    zeros);
            ipsec.addAll(protocol == null || protocol.equals("ipsec") ? sections : section(sections, protocol));
            out.addAll(ipsec);
        }
        if (protocol == null || protocol.equals("pfkey"))
            out.addAll(PfkeyStatistics.netstatLines(u64(r.read(SysctlNames.KEY_STATS))));
        return out;
    }

    private static List<String> ipsecLines(StructReader r, boolean zeros) throws IOException, SysctlException {
        long[] ipsec = u64(r.read(SysctlNames.IPSEC_STATS));
        List<String> out = new ArrayList<>();
        out.add("ipsec:");
        long in = at(ipsec, IpsecStatistics.IN_POLVIO), outv = at(ipsec, IpsecStatistics.OUT_POLVIO);
        // fast_ipsec.c prints the policy violations line only when there are some, whatever the -s count
        if (in + outv != 0) out.add("\t" + (in + outv) + " policy violations: " + in + " input " + outv + " output");
        stat(out, zeros, ipsec, IpsecStatistics.OUT_NOSA, "no SA found (output)");
        stat(out, zeros, ipsec, IpsecStatistics.OUT_NOMEM, "no memory available (output)");
        stat(out, zeros, ipsec, IpsecStatistics.OUT_NOROUTE, "no route available (output)");
        stat(out, zeros, ipsec, IpsecStatistics.OUT_INVAL, "generic errors (output)");
        stat(out, zeros, ipsec, IpsecStatistics.OUT_BUNDLESA, "bundled SA processed (output)");
        stat(out, zeros, ipsec, IpsecStatistics.SPDCACHELOOKUP, "SPD cache lookups");
        stat(out, zeros, ipsec, IpsecStatistics.SPDCACHEMISS, "SPD cache misses");
        return out;
    }

    /** The lines of one "\tNAME:" section (up to the next section header), as fast_ipsec.c prints them. */
    private static List<String> section(List<String> all, String name) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String l : all) {
            boolean header =
                    l.startsWith("\t") && !l.startsWith("\t\t") && l.endsWith(":") && !l.endsWith(" histogram:");
            if (header) in = l.equals("\t" + name + ":");
            if (in) out.add(l);
        }
        return out;
    }

    private static void stat(List<String> out, boolean zeros, long[] v, int i, String text) {
        if (at(v, i) != 0 || zeros) out.add("\t" + Long.toUnsignedString(at(v, i)) + " " + text);
    }

    private static long at(long[] v, int i) {
        return i < v.length ? v[i] : 0;
    }

    /** uint64 counters in host order (amd64: little-endian), as Sysctl.counters writes them. */
    static long[] u64(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long[] v = new long[b.length / 8];
        for (int i = 0; i < v.length; i++) v[i] = bb.getLong();
        return v;
    }
}
