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
        long[] ipsec = u64(r.read(SysctlNames.IPSEC_STATS));
        List<String> out = new ArrayList<>();
        out.add("ipsec:");
        long in = at(ipsec, IpsecStatistics.IN_POLVIO), outv = at(ipsec, IpsecStatistics.OUT_POLVIO);
        if (in + outv != 0) out.add("\t" + (in + outv) + " policy violations: " + in + " input " + outv + " output");
        stat(out, ipsec, IpsecStatistics.OUT_NOSA, "no SA found (output)");
        stat(out, ipsec, IpsecStatistics.OUT_NOMEM, "no memory available (output)");
        stat(out, ipsec, IpsecStatistics.OUT_NOROUTE, "no route available (output)");
        stat(out, ipsec, IpsecStatistics.OUT_INVAL, "generic errors (output)");
        stat(out, ipsec, IpsecStatistics.OUT_BUNDLESA, "bundled SA processed (output)");
        stat(out, ipsec, IpsecStatistics.SPDCACHELOOKUP, "SPD cache lookups");
        stat(out, ipsec, IpsecStatistics.SPDCACHEMISS, "SPD cache misses");
        out.addAll(NetbsdStatsLayout.netstatLines(u64(r.read(SysctlNames.AH_STATS)), u64(r.read(SysctlNames.ESP_STATS)),
                u64(r.read(SysctlNames.IPIP_STATS)), u64(r.read(SysctlNames.IPCOMP_STATS))));
        out.addAll(PfkeyStatistics.netstatLines(u64(r.read(SysctlNames.KEY_STATS))));
        return out;
    }

    private static void stat(List<String> out, long[] v, int i, String text) {
        if (at(v, i) != 0) out.add("\t" + Long.toUnsignedString(v[i]) + " " + text);
    }

    private static long at(long[] v, int i) { return i < v.length ? v[i] : 0; }

    /** uint64 counters in host order (amd64: little-endian), as Sysctl.counters writes them. */
    static long[] u64(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long[] v = new long[b.length / 8];
        for (int i = 0; i < v.length; i++) v[i] = bb.getLong();
        return v;
    }
}
