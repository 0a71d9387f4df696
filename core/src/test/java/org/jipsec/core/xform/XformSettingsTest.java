package org.jipsec.core.xform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.junit.jupiter.api.Test;

/** The transforms read their sysctl variables from the engine's tree (spec §4.11, §5.1). */
class XformSettingsTest {

    @Test
    void netbsdDefaultsMatch() {
        assertEquals(XformSettings.DEFAULTS, XformSettings.from(Sysctl.withNetbsdDefaults()));
    }

    @Test
    void writtenValuesAreSeen() throws Exception {
        Sysctl t = Sysctl.withNetbsdDefaults();
        t.write(SysctlNames.IPSEC_DFBIT, 1);
        t.write(SysctlNames.IPSEC_ECN, 1);
        t.write(SysctlNames.IPSEC_AH_CLEARTOS, 0);
        t.write(SysctlNames.IPSEC_ESP_ENABLE, 0);
        XformSettings s = XformSettings.from(t);
        assertEquals(1, s.dfbit());
        assertEquals(1, s.ecn());
        assertEquals(false, s.ahCleartos());
        assertEquals(false, s.espEnable());
    }
}
