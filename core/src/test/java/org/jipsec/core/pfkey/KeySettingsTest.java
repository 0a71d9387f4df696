package org.jipsec.core.pfkey;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.junit.jupiter.api.Test;

/** net.key sysctls reach the key engine's settings (spec §5.4). */
class KeySettingsTest {

    @Test
    void followsTheSysctlTree() throws Exception {
        Sysctl tree = Sysctl.withNetbsdDefaults();
        KeySettings s = new KeySettings().bindTo(tree);
        assertEquals(30, s.larvalLifetime);
        assertEquals(0x100, s.spiMinValue);
        assertEquals(0x0fffffff, s.spiMaxValue);
        assertEquals(1000, s.spiTry);
        tree.write(SysctlNames.KEY_LARVAL_LIFETIME, 60);
        tree.write(SysctlNames.KEY_PREFERED_OLDSA, 1);
        assertEquals(60, s.larvalLifetime);
        assertEquals(1, s.preferedOldsa);
    }
}
