package org.jipsec.core.sysctl;

import static org.jipsec.core.sysctl.SysctlNames.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jipsec.core.sysctl.SysctlNode.IntNode;
import org.jipsec.core.sysctl.SysctlNode.IntValidator;
import org.jipsec.core.sysctl.SysctlNode.StructNode;

/**
 * Builds the tree of spec §5 in {@code sysctl -a} order. NetBSD keeps a node's children sorted by MIB
 * number and gives CTL_CREATE nodes numbers above the fixed ones, so: net.inet (PF_INET 2) before
 * net.inet6 (24) before net.key (PF_KEY 29); under net.inet the protocol nodes ipip (4), esp (50),
 * ah (51), ipcomp (108) before the dynamically numbered ipsec node; within a node the fixed leaves in
 * number order, then dynamic leaves in creation order.
 */
final class SysctlTreeBuilder {

    final List<SysctlNode> nodes = new ArrayList<>();
    final Map<String, Integer> slots = new LinkedHashMap<>();
    final List<Integer> slotDefaults = new ArrayList<>();

    private static final IntValidator DEF_POLICY = IntValidator.oneOf(0, 1); // spec §4.3
    private static final IntValidator DEFLEV = IntValidator.oneOf(1, 2); // spec §5.1 (3 refused)
    private static final IntValidator ZERO_ONE = IntValidator.oneOf(0, 1);
    private static final IntValidator ENABLED = IntValidator.oneOf(0, 1, 2);
    // Issue #12: NetBSD stores the variables below without a handler (any int, ipsec_netbsd.c and key.c create them
    // with a NULL function), so a typo silently makes dfbit "copy", a negative larval_lifetime kills every LARVAL SA
    // at once, spi_try 2^31 holds the key lock for minutes. jipsec refuses what has no meaning with EINVAL, as
    // NetBSD's own handlers (def_policy, *_deflev, enabled) do for theirs.
    /** A boolean NetBSD reads as "non-zero": 0 or 1. */
    private static final IntValidator FLAG = IntValidator.oneOf(0, 1);

    private static final IntValidator DFBIT = IntValidator.range(0, 2); // 0 clear, 1 set, 2 copy
    private static final IntValidator ECN = IntValidator.range(-1, 1); // ip_ecn.h: NOCARE -1, FORBIDDEN 0, ALLOWED 1
    private static final IntValidator U16 = IntValidator.range(0, 0xffff); // ip_off mask; sadb_comb key bits
    private static final IntValidator NON_NEGATIVE = IntValidator.range(0, Integer.MAX_VALUE);
    private static final IntValidator POSITIVE = IntValidator.range(1, Integer.MAX_VALUE);
    private static final IntValidator SPI_TRY = IntValidator.range(1, Sysctl.SPI_TRY_MAX);
    /** SPIs 1–255 are reserved (RFC 4303 §2.1) and refused by ADD: a GETSPI range starts at 256 (unsigned). */
    private static final IntValidator SPI_BOUND = v -> Integer.compareUnsigned(v, 256) >= 0
            ? null
            : "invalid value " + v + " (SPIs 0 to 255 are reserved: at least 256)";

    private int intVar(String name, int leaf, int def, boolean ro, IntValidator v, String desc) {
        nodes.add(new IntNode(name, leaf, def, ro, v, desc));
        int slot = slotDefaults.size();
        slotDefaults.add(def);
        slots.put(name, slot);
        return slot;
    }

    private void alias(String name, int leaf, String target, boolean ro, IntValidator v, String desc) {
        int slot = slots.get(target);
        nodes.add(new IntNode(name, leaf, slotDefaults.get(slot), ro, v, desc));
        slots.put(name, slot);
    }

    private void struct(String name, int leaf, String desc) {
        nodes.add(new StructNode(name, leaf, desc));
    }

    static SysctlTreeBuilder netbsd() {
        SysctlTreeBuilder b = new SysctlTreeBuilder();
        // spec §5.3: protocol statistics under net.inet.<proto>
        b.struct(IPIP_STATS, -1, "IP-in-IP statistics");
        b.struct(ESP_STATS, -1, "ESP statistics");
        b.struct(AH_STATS, -1, "AH statistics");
        b.struct(IPCOMP_STATS, -1, "IPComp statistics");
        // spec §5.1
        b.intVar(IPSEC_DEF_POLICY, 2, 1, false, DEF_POLICY, "system default policy: 0 discard, 1 none");
        b.intVar(
                IPSEC_ESP_TRANS_DEFLEV,
                3,
                1,
                false,
                DEFLEV,
                "default level of ESP transport requests: 1 use, 2 require");
        b.intVar(IPSEC_ESP_NET_DEFLEV, 4, 1, false, DEFLEV, "default level of ESP tunnel requests: 1 use, 2 require");
        b.intVar(
                IPSEC_AH_TRANS_DEFLEV, 5, 1, false, DEFLEV, "default level of AH transport requests: 1 use, 2 require");
        b.intVar(IPSEC_AH_NET_DEFLEV, 6, 1, false, DEFLEV, "default level of AH tunnel requests: 1 use, 2 require");
        b.intVar(IPSEC_AH_CLEARTOS, 8, 1, false, FLAG, "non-zero: zero the IPv4 TOS in the AH ICV computation");
        b.intVar(IPSEC_AH_OFFSETMASK, 9, 0, false, U16, "mask applied to ip_off in AH (keyed-md5/keyed-sha1 only)");
        b.intVar(IPSEC_DFBIT, 10, 2, false, DFBIT, "outer DF on IPv4 tunnel encapsulation: 0 clear, 1 set, 2 copy");
        b.intVar(IPSEC_ECN, 11, 0, false, ECN, "ECN on decapsulation: 1 allowed, 0 forbidden, -1 nocare");
        b.intVar(IPSEC_DEBUG, 12, 0, false, FLAG, "non-zero: log IPsec debug messages");
        b.intVar(
                IPSEC_IPIP_SPOOFCHECK,
                -1,
                1,
                false,
                FLAG,
                "non-zero: drop decapsulated packets whose inner source is local");
        b.struct(IPSEC_STATS, -1, "IPsec statistics (16 x uint64)");
        b.intVar(IPSEC_ENABLED, -1, 1, false, ENABLED, "0 off (EBUSY while policies exist), 1 on, 2 on and used");
        b.intVar(IPSEC_USED, -1, 0, true, null, "1 once IPsec is in use");
        b.intVar(IPSEC_AH_ENABLE, -1, 1, false, FLAG, "0: drop AH packets");
        b.intVar(IPSEC_ESP_ENABLE, -1, 1, false, FLAG, "0: drop ESP packets");
        b.intVar(IPSEC_IPCOMP_ENABLE, -1, 1, false, FLAG, "0: drop IPComp packets");
        b.intVar(IPSEC_CRYPTO_SUPPORT, -1, 0, false, null, ">0 prefer hardware, <0 software, 0 any");
        b.intVar(IPSEC_TEST_REPLAY, -1, 0, false, ZERO_ONE, "1: the sender does not increment the sequence number");
        b.intVar(IPSEC_TEST_INTEGRITY, -1, 0, false, ZERO_ONE, "1: the sender zeroes its ICV");
        // spec §5.2
        b.struct(IPSEC6_STATS, 1, "IPsec statistics (same counters as ipsecstats)");
        b.intVar(IPSEC6_DEF_POLICY, 2, 1, false, DEF_POLICY, "system default policy: 0 discard, 1 none");
        b.intVar(
                IPSEC6_ESP_TRANS_DEFLEV,
                3,
                1,
                false,
                DEFLEV,
                "default level of ESP transport requests: 1 use, 2 require");
        b.intVar(IPSEC6_ESP_NET_DEFLEV, 4, 1, false, DEFLEV, "default level of ESP tunnel requests: 1 use, 2 require");
        b.intVar(
                IPSEC6_AH_TRANS_DEFLEV,
                5,
                1,
                false,
                DEFLEV,
                "default level of AH transport requests: 1 use, 2 require");
        b.intVar(IPSEC6_AH_NET_DEFLEV, 6, 1, false, DEFLEV, "default level of AH tunnel requests: 1 use, 2 require");
        b.intVar(IPSEC6_ECN, 11, 0, false, ECN, "ECN on decapsulation: 1 allowed, 0 forbidden, -1 nocare");
        b.alias(IPSEC6_DEBUG, 12, IPSEC_DEBUG, false, FLAG, "shares net.inet.ipsec.debug");
        b.alias(IPSEC6_ENABLED, -1, IPSEC_ENABLED, false, ENABLED, "shares net.inet.ipsec.enabled");
        b.alias(IPSEC6_USED, -1, IPSEC_USED, true, null, "shares net.inet.ipsec.used");
        // spec §5.4 (NetBSD validates none of them; jipsec refuses the meaningless, see above)
        b.intVar(KEY_DEBUG, 1, 0, false, NON_NEGATIVE, "key debug mask");
        b.intVar(KEY_SPI_TRY, 2, 1000, false, SPI_TRY, "attempts for SPI / policy id allocation");
        b.intVar(KEY_SPI_MIN_VALUE, 3, 0x100, false, SPI_BOUND, "GETSPI default range low");
        b.intVar(KEY_SPI_MAX_VALUE, 4, 0x0fffffff, false, SPI_BOUND, "GETSPI default range high");
        b.intVar(KEY_RANDOM_INT, 5, 60, false, NON_NEGATIVE, "interval to initialize randseed (unused)");
        b.intVar(KEY_LARVAL_LIFETIME, 6, 30, false, POSITIVE, "seconds before a LARVAL SA dies");
        b.intVar(KEY_BLOCKACQ_COUNT, 7, 10, false, NON_NEGATIVE, "ACQUIRE suppression count");
        b.intVar(KEY_BLOCKACQ_LIFETIME, 8, 20, false, NON_NEGATIVE, "ACQUIRE entry lifetime (s)");
        b.intVar(KEY_ESP_KEYMIN, 9, 256, false, U16, "min ESP key bits in ACQUIRE proposals");
        b.intVar(KEY_ESP_AUTH, 10, 0, false, FLAG, "non-zero: ESP proposals include auth combinations");
        b.intVar(KEY_AH_KEYMIN, 11, 128, false, U16, "min AH key bits in ACQUIRE proposals");
        b.intVar(KEY_PREFERED_OLDSA, 12, 0, false, FLAG, "0 newest SA, non-zero oldest SA for outbound");
        b.struct(KEY_DUMPSA, 13, "SADB_DUMP messages of net.key.dumpsa.<satype>");
        b.struct(KEY_DUMPSP, 14, "SADB_X_SPDDUMP messages");
        b.struct(KEY_STATS, -1, "PF_KEY statistics");
        return b;
    }
}
