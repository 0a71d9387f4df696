package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.core.sysctl.SysctlNames;
import org.jipsec.io.pfkey.PfkeyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jipsecd's composition root ({@link Jipsecd}): the engine it builds and the sysctl nodes it binds (issue #16 item 4). */
class JipsecdRootTest {

    @Test
    void keyEngineReadsItsSysctlTree() throws Exception {
        Sysctl sysctl = Sysctl.withNetbsdDefaults();
        Jipsecd.KeyRoot root = Jipsecd.keyEngine(sysctl);
        assertEquals(30, root.engine().settings().larvalLifetime);
        sysctl.write(SysctlNames.KEY_LARVAL_LIFETIME, 61);
        assertEquals(61, root.engine().settings().larvalLifetime, "a sysctl write reaches the root's engine");
    }

    @Test
    void theDataPlaneEngineIsBuiltOnTheRootsKeyEngineAndTheGatewaysClock() throws Exception {
        Sysctl sysctl = Sysctl.withNetbsdDefaults();
        java.time.InstantSource clock = java.time.InstantSource.fixed(java.time.Instant.ofEpochSecond(1_000_000));
        org.jipsec.core.engine.IpsecEngine e = Jipsecd.dataPlaneEngine(sysctl, clock);
        assertSame(sysctl, e.sysctl());
        sysctl.write(SysctlNames.KEY_LARVAL_LIFETIME, 62);
        assertEquals(62, e.keyEngine().settings().larvalLifetime, "the key engine reads the daemon's sysctl tree");
        assertNotSame(Jipsecd.dataPlaneEngine(sysctl, clock), e);
    }

    @Test
    void setkeyEmbeddedBuildsItsEngineThroughTheRoot() {
        KeyEngine a = SetkeyCommand.newEngine();
        KeyEngine b = SetkeyCommand.newEngine();
        assertNotSame(a, b);
        assertEquals(30, a.settings().larvalLifetime);
        assertEquals(0, a.sad().size());
    }

    @Test
    void keySysctlsReadTheServersEngine(@TempDir Path dir) throws Exception {
        Sysctl sysctl = Sysctl.withNetbsdDefaults();
        Jipsecd.KeyRoot root = Jipsecd.keyEngine(sysctl);
        PfkeyServer server = PfkeyServer.start(root.engine(), dir.resolve("pfkey"), 4 << 20, false);
        try {
            Jipsecd.bindKeySysctls(sysctl, server);
            assertArrayEquals(root.engine().dumpSpBytes(), sysctl.readStruct(SysctlNames.KEY_DUMPSP));
            assertArrayEquals(
                    Sysctl.counters(root.engine().pfkeyStatistics()), sysctl.readStruct(SysctlNames.KEY_STATS));
        } finally {
            server.close();
        }
    }
}
