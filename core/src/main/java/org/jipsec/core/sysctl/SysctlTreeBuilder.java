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

    private static final IntValidator DEF_POLICY = IntValidator.oneOf(0, 1);   // spec §4.3
    private static final IntValidator DEFLEV = IntValidator.oneOf(1, 2);       // spec §5.1 (3 refused)
    private static final IntValidator ZERO_ONE = IntValidator.oneOf(0, 1);
    private static final IntValidator ENABLED = IntValidator.oneOf(0, 1, 2);

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
        b.intVar(IPSEC_ESP_TRANS_DEFLEV, 3, 1, false, DEFLEV, "default level of ESP transport requests: 1 use, 2 require");
        b.intVar(IPSEC_ESP_NET_DEFLEV, 4, 1, false, DEFLEV, "default level of ESP tunnel requests: 1 use, 2 require");
        b.intVar(IPSEC_AH_TRANS_DEFLEV, 5, 1, false, DEFLEV, "default level of AH transport requests: 1 use, 2 require");
        b.intVar(IPSEC_AH_NET_DEFLEV, 6, 1, false, DEFLEV, "default level of AH tunnel requests: 1 use, 2 require");
        b.intVar(IPSEC_AH_CLEARTOS, 8, 1, false, null, "non-zero: zero the IPv4 TOS in the AH ICV computation");
        b.intVar(IPSEC_AH_OFFSETMASK, 9, 0, false, null, "mask applied to ip_off in AH (keyed-md5/keyed-sha1 only)");
        b.intVar(IPSEC_DFBIT, 10, 2, false, null, "outer DF on IPv4 tunnel encapsulation: 0 clear, 1 set, 2 copy");
        b.intVar(IPSEC_ECN, 11, 0, false, null, "ECN on decapsulation: 1 allowed, 0 forbidden, -1 nocare");
        b.intVar(IPSEC_DEBUG, 12, 0, false, null, "non-zero: log IPsec debug messages");
        b.intVar(IPSEC_IPIP_SPOOFCHECK, -1, 1, false, null, "non-zero: drop decapsulated packets whose inner source is local");
        b.struct(IPSEC_STATS, -1, "IPsec statistics (16 x uint64)");
        b.intVar(IPSEC_ENABLED, -1, 1, false, ENABLED, "0 off (EBUSY while policies exist), 1 on, 2 on and used");
        b.intVar(IPSEC_USED, -1, 0, true, null, "1 once IPsec is in use");
        b.intVar(IPSEC_AH_ENABLE, -1, 1, false, null, "0: drop AH packets");
        b.intVar(IPSEC_ESP_ENABLE, -1, 1, false, null, "0: drop ESP packets");
        b.intVar(IPSEC_IPCOMP_ENABLE, -1, 1, false, null, "0: drop IPComp packets");
        b.intVar(IPSEC_CRYPTO_SUPPORT, -1, 0, false, null, ">0 prefer hardware, <0 software, 0 any");
        b.intVar(IPSEC_TEST_REPLAY, -1, 0, false, ZERO_ONE, "1: the sender does not increment the sequence number");
        b.intVar(IPSEC_TEST_INTEGRITY, -1, 0, false, ZERO_ONE, "1: the sender zeroes its ICV");
        // spec §5.2
        b.struct(IPSEC6_STATS, 1, "IPsec statistics (same counters as ipsecstats)");
        b.intVar(IPSEC6_DEF_POLICY, 2, 1, false, DEF_POLICY, "system default policy: 0 discard, 1 none");
        b.intVar(IPSEC6_ESP_TRANS_DEFLEV, 3, 1, false, DEFLEV, "default level of ESP transport requests: 1 use, 2 require");
        b.intVar(IPSEC6_ESP_NET_DEFLEV, 4, 1, false, DEFLEV, "default level of ESP tunnel requests: 1 use, 2 require");
        b.intVar(IPSEC6_AH_TRANS_DEFLEV, 5, 1, false, DEFLEV, "default level of AH transport requests: 1 use, 2 require");
        b.intVar(IPSEC6_AH_NET_DEFLEV, 6, 1, false, DEFLEV, "default level of AH tunnel requests: 1 use, 2 require");
        b.intVar(IPSEC6_ECN, 11, 0, false, null, "ECN on decapsulation: 1 allowed, 0 forbidden, -1 nocare");
        b.alias(IPSEC6_DEBUG, 12, IPSEC_DEBUG, false, null, "shares net.inet.ipsec.debug");
        b.alias(IPSEC6_ENABLED, -1, IPSEC_ENABLED, false, ENABLED, "shares net.inet.ipsec.enabled");
        b.alias(IPSEC6_USED, -1, IPSEC_USED, true, null, "shares net.inet.ipsec.used");
        // spec §5.4 (no validation on any of them)
        b.intVar(KEY_DEBUG, 1, 0, false, null, "key debug mask");
        b.intVar(KEY_SPI_TRY, 2, 1000, false, null, "attempts for SPI / policy id allocation");
        b.intVar(KEY_SPI_MIN_VALUE, 3, 0x100, false, null, "GETSPI default range low");
        b.intVar(KEY_SPI_MAX_VALUE, 4, 0x0fffffff, false, null, "GETSPI default range high");
        b.intVar(KEY_RANDOM_INT, 5, 60, false, null, "interval to initialize randseed (unused)");
        b.intVar(KEY_LARVAL_LIFETIME, 6, 30, false, null, "seconds before a LARVAL SA dies");
        b.intVar(KEY_BLOCKACQ_COUNT, 7, 10, false, null, "ACQUIRE suppression count");
        b.intVar(KEY_BLOCKACQ_LIFETIME, 8, 20, false, null, "ACQUIRE entry lifetime (s)");
        b.intVar(KEY_ESP_KEYMIN, 9, 256, false, null, "min ESP key bits in ACQUIRE proposals");
        b.intVar(KEY_ESP_AUTH, 10, 0, false, null, "non-zero: ESP proposals include auth combinations");
        b.intVar(KEY_AH_KEYMIN, 11, 128, false, null, "min AH key bits in ACQUIRE proposals");
        b.intVar(KEY_PREFERED_OLDSA, 12, 0, false, null, "0 newest SA, non-zero oldest SA for outbound");
        b.struct(KEY_DUMPSA, 13, "SADB_DUMP messages of net.key.dumpsa.<satype>");
        b.struct(KEY_DUMPSP, 14, "SADB_X_SPDDUMP messages");
        b.struct(KEY_STATS, -1, "PF_KEY statistics");
        return b;
    }
}
