package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jipsec.core.ike.config.ConfigException;
import org.jipsec.core.ike.config.ConfigSource;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.config.SwanctlConfig;
import org.junit.jupiter.api.Test;

/**
 * The example configurations the package installs under /etc/jipsec: iked.conf is swanctl syntax that jipsec's
 * parser reads (a trap child), but its pre-shared key is a placeholder that is refused as it stands; ipsec.conf is a
 * setkey file that loads (all comments: it changes nothing until edited).
 */
class PackagedConfigTest {

    static final Path IKED = Path.of("..", "packaging", "etc", "jipsec", "iked.conf");
    static final Path IPSEC = Path.of("..", "packaging", "etc", "jipsec", "ipsec.conf");

    private static ConfigSource one(String text) {
        return new ConfigSource() {
            @Override
            public String read(String path) {
                return path.equals("/etc/jipsec/iked.conf") ? text : null;
            }

            @Override
            public List<String> glob(String pattern, String directory) {
                return List.of();
            }
        };
    }

    @Test
    void ikedExampleIsRefusedUntilItsKeyIsReplaced() throws Exception {
        String text = Files.readString(IKED);
        ConfigException e =
                assertThrows(ConfigException.class, () -> SwanctlConfig.load("/etc/jipsec/iked.conf", one(text)));
        assertTrue(e.getMessage().contains("secret is neither valid hex"), e.getMessage());
        String key = "0x" + "5a".repeat(32);
        String edited = text.replaceAll("secret = 0x\\S+", "secret = " + key);
        IkeConfig c = SwanctlConfig.load("/etc/jipsec/iked.conf", one(edited));
        IkeConfig.Connection conn = c.connections().getFirst();
        assertEquals(IkeConfig.StartAction.TRAP, conn.children().getFirst().startAction());
        assertEquals(List.of("192.0.2.2"), conn.remoteAddrs());
        assertEquals(32, c.secrets().getFirst().secret().length);
    }

    @Test
    void ipsecExampleLoadsWithSetkey() {
        MainTest.Result r = MainTest.run("setkey", "--embedded", "-f", IPSEC.toString());
        assertEquals(0, r.status(), r.out() + r.err());
    }
}
