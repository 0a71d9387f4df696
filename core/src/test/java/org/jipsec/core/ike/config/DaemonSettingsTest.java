package org.jipsec.core.ike.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jipsec.core.ike.admission.DaemonLimits;
import org.junit.jupiter.api.Test;

/** {@code jipsec iked --settings}: strongswan.conf's charon DoS keys, and nothing else silently. */
class DaemonSettingsTest {

    static DaemonLimits load(String text) throws ConfigException {
        return DaemonSettings.load("s.conf", new ConfigSource() {
            @Override
            public String read(String path) {
                return path.equals("s.conf") ? text : null;
            }

            @Override
            public List<String> glob(String pattern, String directory) {
                return List.of();
            }
        });
    }

    @Test
    void strongSwansKeysAndDefaults() throws Exception {
        assertEquals(DaemonLimits.DEFAULTS, load(""));
        DaemonLimits d = load("charon {\n  cookie_threshold = 10\n  cookie_threshold_ip = 2\n  block_threshold = 4\n"
                + "  init_limit_half_open = 100\n  half_open_timeout = 1m\n  dos_protection = no\n}\n");
        assertEquals(new DaemonLimits(false, 10, 2, 4, 100, 60_000, 60_000), d);
        assertEquals(
                new DaemonLimits(true, 30, 3, 5, 0, 30_000, 60_000, 576, 1_500, 1.4, 2),
                load(
                        "charon {\n"
                                + "  fragment_size = 576\n  retransmit_timeout = 1.5\n  retransmit_base = 1.4\n  retransmit_tries = 2\n}\n"));
    }

    @Test
    void anUnknownKeyOrSectionNamesFileAndLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("charon {\n  load_modular = yes\n}\n"));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("charon.load_modular"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load("libstrongswan {\n}\n"));
        assertEquals(1, e.line());
        e = assertThrows(ConfigException.class, () -> load("charon {\n cookie_threshold = many\n}\n"));
        assertEquals(2, e.line());
        e = assertThrows(ConfigException.class, () -> load("charon {\n half_open_timeout = 0\n}\n"));
        assertEquals(2, e.line());
        for (String bad : new String[] {
            "fragment_size = 100",
            "retransmit_timeout = 0",
            "retransmit_base = 0.5",
            "retransmit_tries = 2.5",
            "retransmit_tries = -1"
        }) {
            e = assertThrows(ConfigException.class, () -> load("charon {\n " + bad + "\n}\n"), bad);
            assertEquals(2, e.line(), bad);
        }
    }
}
