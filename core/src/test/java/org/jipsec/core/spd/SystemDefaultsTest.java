package org.jipsec.core.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.ipsec.IpsecLevel;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.sysctl.Sysctl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ipsec_get_reqlevel (spec §4.8) and the system default policy (spec §4.3). */
class SystemDefaultsTest {

    /** request level × protocol × mode × family, with one deflev variable set to 2 (require). */
    @ParameterizedTest
    @CsvSource({
        // level,   proto,  mode,      v6,    variable set to require,               effective
        "DEFAULT, ESP,    TUNNEL,    false, net.inet.ipsec.esp_net_deflev,         REQUIRE",
        "DEFAULT, ESP,    TRANSPORT, false, net.inet.ipsec.esp_net_deflev,         USE",
        "DEFAULT, ESP,    TRANSPORT, false, net.inet.ipsec.esp_trans_deflev,       REQUIRE",
        "DEFAULT, AH,     TUNNEL,    false, net.inet.ipsec.ah_net_deflev,          REQUIRE",
        "DEFAULT, AH,     TRANSPORT, false, net.inet.ipsec.ah_trans_deflev,        REQUIRE",
        "DEFAULT, AH,     TRANSPORT, false, net.inet.ipsec.esp_trans_deflev,       USE",
        "DEFAULT, ESP,    TRANSPORT, true,  net.inet.ipsec.esp_trans_deflev,       USE",
        "DEFAULT, ESP,    TRANSPORT, true,  net.inet6.ipsec6.esp_trans_deflev,     REQUIRE",
        "DEFAULT, AH,     TUNNEL,    true,  net.inet6.ipsec6.ah_net_deflev,        REQUIRE",
        "DEFAULT, IPCOMP, TRANSPORT, false, net.inet.ipsec.esp_trans_deflev,       USE",
        "USE,     ESP,    TRANSPORT, false, net.inet.ipsec.esp_trans_deflev,       USE",
        "REQUIRE, ESP,    TRANSPORT, false, net.inet.ipsec.esp_net_deflev,         REQUIRE",
        "UNIQUE,  AH,     TUNNEL,    true,  net.inet.ipsec.esp_net_deflev,         REQUIRE",
    })
    void effectiveLevel(
            IpsecLevel level, IpsecProtocol proto, IpsecMode mode, boolean v6, String var, IpsecLevel expected)
            throws Exception {
        Sysctl sysctl = Sysctl.withNetbsdDefaults();
        sysctl.write(var, 2);
        IpsecRequest r = new IpsecRequest(proto, mode, level, 0);
        assertEquals(expected, new SystemDefaults(sysctl).effectiveLevel(r, v6));
    }

    @Test
    void invalidStoredDeflevIsForcedToRequireAndStoredBack() {
        Sysctl sysctl = Sysctl.withNetbsdDefaults();
        sysctl.setInternal("net.inet.ipsec.esp_trans_deflev", 7);
        List<String> log = new ArrayList<>();
        SystemDefaults d = new SystemDefaults(sysctl, log::add);
        IpsecRequest r = new IpsecRequest(IpsecProtocol.ESP, IpsecMode.TRANSPORT, IpsecLevel.DEFAULT, 0);
        assertEquals(IpsecLevel.REQUIRE, d.effectiveLevel(r, false));
        assertEquals(2, sysctl.intValue("net.inet.ipsec.esp_trans_deflev"));
        assertEquals(List.of("fixed system default level esp_trans_deflev:7->2"), log);
        // deflev 3 (unique) is refused by sysctl but kept when stored internally; it counts as required
        sysctl.setInternal("net.inet.ipsec.esp_trans_deflev", 3);
        assertEquals(IpsecLevel.UNIQUE, d.effectiveLevel(r, false));
        assertEquals(true, d.isRequired(r, false));
    }

    @Test
    void defaultPolicyFollowsDefPolicyPerFamilyWithFixUp() throws Exception {
        Sysctl sysctl = Sysctl.withNetbsdDefaults();
        List<String> log = new ArrayList<>();
        SystemDefaults d = new SystemDefaults(sysctl, log::add);
        assertEquals(PolicyType.NONE, d.defaultPolicyType(false));
        sysctl.write("net.inet.ipsec.def_policy", 0);
        assertEquals(PolicyType.DISCARD, d.defaultPolicyType(false));
        assertEquals(PolicyType.NONE, d.defaultPolicyType(true));
        sysctl.setInternal("net.inet6.ipsec6.def_policy", 2);
        assertEquals(PolicyType.NONE, d.defaultPolicyType(true));
        assertEquals(1, sysctl.intValue("net.inet6.ipsec6.def_policy"));
        assertEquals(List.of("fixed system default policy: 2->1"), log);
    }
}
