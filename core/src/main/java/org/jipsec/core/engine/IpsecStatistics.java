package org.jipsec.core.engine;

import java.util.concurrent.atomic.AtomicLongArray;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;

/**
 * NetBSD's {@code ipsecstats} (netipsec/ipsec_var.h {@code IPSEC_STAT_*}, spec §5.1): 16 uint64 counters, served
 * as {@code net.inet.ipsec.ipsecstats} and {@code net.inet6.ipsec6.stats} (the same counters, as NetBSD).
 */
public final class IpsecStatistics {

    public static final int IN_POLVIO = 0;
    public static final int OUT_POLVIO = 1;
    public static final int OUT_NOSA = 2;
    public static final int OUT_NOMEM = 3;
    public static final int OUT_NOROUTE = 4;
    public static final int OUT_INVAL = 5;
    public static final int OUT_BUNDLESA = 6;
    public static final int MBCOALESCED = 7;
    public static final int CLCOALESCED = 8;
    public static final int CLCOPIED = 9;
    public static final int MBINSERTED = 10;
    public static final int SPDCACHELOOKUP = 11;
    public static final int SPDCACHEMISS = 12;
    public static final int INPUT_FRONT = 13;
    public static final int INPUT_MIDDLE = 14;
    public static final int INPUT_END = 15;
    public static final int COUNT = 16;

    private static final String[] NAMES = {
        "in_polvio",
        "out_polvio",
        "out_nosa",
        "out_nomem",
        "out_noroute",
        "out_inval",
        "out_bundlesa",
        "mbcoalesced",
        "clcoalesced",
        "clcopied",
        "mbinserted",
        "spdcachelookup",
        "spdcachemiss",
        "input_front",
        "input_middle",
        "input_end"
    };

    private final AtomicLongArray counters = new AtomicLongArray(COUNT);

    public void increment(int index) {
        counters.incrementAndGet(index);
    }

    public long get(int index) {
        return counters.get(index);
    }

    public static String name(int index) {
        return NAMES[index];
    }

    public long[] snapshot() {
        long[] v = new long[COUNT];
        for (int i = 0; i < COUNT; i++) v[i] = counters.get(i);
        return v;
    }

    /** Serves the counters on both sysctl nodes (uint64 host order). */
    public void bindTo(Sysctl sysctl) {
        sysctl.bindStruct(SysctlNames.IPSEC_STATS, () -> Sysctl.counters(snapshot()));
        sysctl.bindStruct(SysctlNames.IPSEC6_STATS, () -> Sysctl.counters(snapshot()));
    }
}
