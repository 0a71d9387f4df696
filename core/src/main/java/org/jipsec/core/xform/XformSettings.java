package org.jipsec.core.xform;

import org.jipsec.core.sysctl.SysctlNames;

/**
 * The sysctl values the transforms read (spec §4.11, §5.1). The sysctl tree belongs to the engine; it hands
 * the transforms an immutable snapshot.
 *
 * @param ahCleartos    {@code net.inet.ipsec.ah_cleartos}: non-zero zeroes the IPv4 TOS for the AH ICV (default 1)
 * @param ahOffsetmask  {@code net.inet.ipsec.ah_offsetmask}: mask on ip_off, effective only for keyed-md5/sha1 (default 0)
 * @param dfbit         {@code net.inet.ipsec.dfbit}: 0 clear, 1 set, other copy from inner (default 2)
 * @param ecn           {@code net.inet.ipsec.ecn}: 1 allowed (RFC 6040 normal mode), 0 forbidden, -1 nocare (default 0)
 * @param ecn6          {@code net.inet6.ipsec6.ecn}: as {@code ecn}, used when the inner packet is IPv6
 * @param defaultTtl    {@code net.inet.ip.ttl} / {@code ip6_defhlim}: outer TTL/hop limit (default 64)
 * @param espEnable     {@code net.inet.ipsec.esp_enable}
 * @param ahEnable      {@code net.inet.ipsec.ah_enable}
 * @param ipcompEnable  {@code net.inet.ipsec.ipcomp_enable}
 */
public record XformSettings(
        boolean ahCleartos,
        int ahOffsetmask,
        int dfbit,
        int ecn,
        int ecn6,
        int defaultTtl,
        boolean espEnable,
        boolean ahEnable,
        boolean ipcompEnable) {

    /** NetBSD's defaults. */
    public static final XformSettings DEFAULTS = new XformSettings(true, 0, 2, 0, 0, 64, true, true, true);

    /**
     * A snapshot of the transforms' variables from the sysctl tree (spec §5.1, §5.2). The default TTL is not a
     * NetBSD ipsec variable; it stays 64.
     */
    public static XformSettings from(org.jipsec.core.sysctl.Sysctl tree) {
        return new XformSettings(
                tree.intValue(SysctlNames.IPSEC_AH_CLEARTOS) != 0,
                tree.intValue(SysctlNames.IPSEC_AH_OFFSETMASK),
                tree.intValue(SysctlNames.IPSEC_DFBIT),
                tree.intValue(SysctlNames.IPSEC_ECN),
                tree.intValue(SysctlNames.IPSEC6_ECN),
                DEFAULTS.defaultTtl(),
                tree.intValue(SysctlNames.IPSEC_ESP_ENABLE) != 0,
                tree.intValue(SysctlNames.IPSEC_AH_ENABLE) != 0,
                tree.intValue(SysctlNames.IPSEC_IPCOMP_ENABLE) != 0);
    }

    public XformSettings withEcn(int v4, int v6) {
        return new XformSettings(
                ahCleartos, ahOffsetmask, dfbit, v4, v6, defaultTtl, espEnable, ahEnable, ipcompEnable);
    }

    public XformSettings withDfbit(int v) {
        return new XformSettings(ahCleartos, ahOffsetmask, v, ecn, ecn6, defaultTtl, espEnable, ahEnable, ipcompEnable);
    }

    public XformSettings withAh(boolean cleartos, int offsetmask) {
        return new XformSettings(cleartos, offsetmask, dfbit, ecn, ecn6, defaultTtl, espEnable, ahEnable, ipcompEnable);
    }

    public XformSettings withEnabled(boolean esp, boolean ah, boolean ipcomp) {
        return new XformSettings(ahCleartos, ahOffsetmask, dfbit, ecn, ecn6, defaultTtl, esp, ah, ipcomp);
    }
}
